import Testing
@testable import BNNDashboard

/// Which terminal colors the semantic colors become.
@Suite("Color palette")
struct ColorPaletteTests {
    let runs: [CellColor] = [.run0, .run1, .run2, .run3, .run4, .run5]

    @Test("the first six runs get distinct colors on 8- and 256-color terminals", arguments: [8, 16, 256])
    func runsAreDistinct(_ colors: Int) {
        let foregrounds = runs.map { ColorPalette.entry(for: $0, colorCount: colors).foreground }
        #expect(foregrounds.allSatisfy { $0 != nil })
        #expect(Set(foregrounds).count == runs.count, "\(foregrounds)")
    }

    @Test("every color number exists on the terminal", arguments: [8, 16, 256])
    func colorNumbersInRange(_ colors: Int) {
        for color in CellColor.allCases {
            if let foreground = ColorPalette.entry(for: color, colorCount: colors).foreground {
                #expect(foreground >= 0 && Int(foreground) < colors, "\(color) → \(foreground) on \(colors) colors")
            }
        }
    }

    @Test func eightColorsUseTheBasics() {
        #expect(ColorPalette.entry(for: .error, colorCount: 8) == .init(foreground: 1))
        #expect(ColorPalette.entry(for: .good, colorCount: 8) == .init(foreground: 2))
        #expect(ColorPalette.entry(for: .warning, colorCount: 8) == .init(foreground: 3))
        #expect(ColorPalette.entry(for: .run0, colorCount: 8) == .init(foreground: 6))
    }

    @Test func extendedColorsFrom256() {
        #expect(ColorPalette.entry(for: .run0, colorCount: 256) == .init(foreground: 45))
        #expect(ColorPalette.entry(for: .muted, colorCount: 256) == .init(foreground: 245))
        #expect(ColorPalette.entry(for: .run0, colorCount: 1 << 24) == .init(foreground: 45), "direct-color terminals too")
        #expect(ColorPalette.entry(for: .run0, colorCount: 255) == ColorPalette.entry(for: .run0, colorCount: 8))
    }

    @Test("normal text keeps the terminal's own color")
    func normalIsDefault() {
        for colors in [0, 2, 8, 256] {
            #expect(ColorPalette.entry(for: .normal, colorCount: colors) == .init(foreground: nil))
        }
    }

    @Test("error, warning and good differ, so warnings read as warnings", arguments: [8, 256])
    func severitiesDiffer(_ colors: Int) {
        let severities = [CellColor.error, .warning, .good].map { ColorPalette.entry(for: $0, colorCount: colors).foreground }
        #expect(Set(severities).count == 3)
    }

    @Test("below 8 colors nothing is colored; muted stays dim", arguments: [0, 1, 2, 7])
    func fewColors(_ colors: Int) {
        for color in CellColor.allCases {
            let entry = ColorPalette.entry(for: color, colorCount: colors)
            #expect(entry.foreground == nil)
            #expect(entry.dim == (color == .muted))
        }
    }

    @Test func monochrome() {
        for color in CellColor.allCases {
            #expect(ColorPalette.monochromeEntry(for: color) == .init(foreground: nil, dim: color == .muted))
        }
    }

    @Test("NO_COLOR counts only when set to something (no-color.org)")
    func monochromeRequested() {
        #expect(ColorPalette.monochromeRequested(noColorVariable: "1", flag: false))
        #expect(ColorPalette.monochromeRequested(noColorVariable: "0", flag: false), "any non-empty value")
        #expect(!ColorPalette.monochromeRequested(noColorVariable: "", flag: false))
        #expect(!ColorPalette.monochromeRequested(noColorVariable: nil, flag: false))
        #expect(ColorPalette.monochromeRequested(noColorVariable: nil, flag: true))
        #expect(ColorPalette.monochromeRequested(noColorVariable: "", flag: true))
    }
}
