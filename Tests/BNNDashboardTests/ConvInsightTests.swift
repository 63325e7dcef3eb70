import Foundation
import Testing
import BNNEngine
@testable import BNNDashboard

/// Issue 15's remaining pictures and issue 12's unique filters in the export: a ConvNet's
/// first-convolution filters in the insight view, grey misclassified pictures (half blocks
/// in terminal greys, shades without colour), and the unique-filter table per epoch.
@Suite struct ConvInsightTests {
    static let architecture = "8C3-MP2-16FC-10"

    /// A det ConvNet run of `epochs` epochs as a metrics file records it (unique filters 5, 6, ...
    /// of 8 in the convolution, none for the dense layers), read back as `plot` does.
    static func convRun(epochs: Int = 3, parent: RunLineage? = nil) throws -> RunSnapshot {
        let lines = (1...epochs).map { e -> String in
            var m = EpochMetrics(run: "det", mode: "det", arch: architecture, epoch: e, trainLoss: 1, trainError: 0.3,
                                 valLoss: 1, valError: 0.3 - 0.01 * Double(e), testLoss: 1, testError: 0.3, lr: 0.001,
                                 epochSeconds: 2, samplesPerSecond: 1000, rssMB: 50,
                                 clipFraction: [0, 0, 0], flipRatio: [0, 0, 0], steCancelFraction: [0, 0, 0],
                                 weightHistogram: Array(repeating: [1, 2, 3, 4], count: 3),
                                 uniqueFilters: [4 + e, nil, nil])
            if let parent, e > parent.epoch { m.parent = parent }
            return MetricsLogWriter.line(for: m)
        }
        var log = MetricsLog()
        try log.append(text: lines.joined(separator: "\n"), source: "cnn.jsonl")
        return try #require(log.snapshots().first)
    }

    /// Five distinct 3×3 filters: all +1, a cross, a checkerboard, top row -1, one corner -1.
    static let filterSigns: [[Bool]] = [
        Array(repeating: true, count: 9),
        [false, true, false, true, true, true, false, true, false],
        (0..<9).map { $0 % 2 == 0 },
        [false, false, false] + Array(repeating: true, count: 6),
        [false] + Array(repeating: true, count: 8),
    ]

    static func withFilters(_ snapshot: RunSnapshot) -> RunSnapshot {
        var s = snapshot
        let fields = Self.filterSigns.enumerated().map { i, signs in
            ReceptiveField(neuron: [0, 3, 5, 6, 7][i], inputChannel: 0, width: 3, height: 3, positive: signs)
        }
        let photo: [UInt8] = (0..<784).map { UInt8(($0 % 28) * 9) }   // a left-to-right grey ramp
        s.insight = RunInsight(epoch: s.epoch, confusion: InsightViewTests.insight().confusion,
                               misclassified: [MisclassifiedImage(index: 4, label: 6, predicted: 0, margin: 2)],
                               misclassifiedPixels: [photo], imageWidth: 28, imageHeight: 28, receptiveFields: fields)
        return s
    }

    // MARK: - Filters

    @Test func theInsightViewDrawsAConvNetsFirstFiltersWithTheirUniqueCount() throws {
        let run = Self.withFilters(try Self.convRun())
        var state = DashboardState()
        state.insightVisible = true
        let grid = DashboardRenderer.render(snapshots: [run], state: state, header: DashboardHeader(), width: 160,
                                            height: 48, now: 0)
        let text = grid.text()
        #expect(text.contains("Receptive fields · conv layer 1 binary 3×3 filters"), "\(text)")
        #expect(!text.contains("no image-shaped first layer"))
        #expect(text.contains("unique 7/8 (88%) · 5 shown of 8, most different first"))
        #expect(text.contains("██ +1 ░░ -1"))
        // The filters sit in a row, 6 columns each and a gap: the cross is ░░██░░ / ██████ / ░░██░░.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let row = try #require(lines.firstIndex { $0.contains("██████ ░░██░░ ██░░██") })
        #expect(lines[row + 1].contains("██████ ██████ ░░██░░"))
        #expect(lines[row + 2].contains("██████ ░░██░░ ██░░██"))
        #expect(lines[row + 3].contains("#0     #3     #5     #6     #7"))

        state.ascii = true
        let ascii = DashboardRenderer.render(snapshots: [run], state: state, header: DashboardHeader(), width: 160,
                                             height: 48, now: 0).text()
        #expect(ascii.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(ascii.contains("###### ..##.. ##..##") && ascii.contains("## +1 .. -1"))
    }

    @Test func manyFiltersWrapIntoRowsAndTheHeightFollows() {
        let fields = (0..<32).map { i in
            ReceptiveField(neuron: i, inputChannel: 0, width: 3, height: 3, positive: (0..<9).map { (i >> $0) & 1 == 1 })
        }
        let strip = ReceptiveFieldStrip(fields: fields, ascii: false)
        // 76 columns: 11 filters per row (7 columns each with the gap), 3 rows of 4 lines under the summary.
        #expect(strip.idealHeight(width: 76) == 1 + 3 * 4)
        let text = strip.render(width: 76, height: 13).text()
        #expect(text.contains("32 shown, most different first"))
        #expect(text.contains("#11") && text.contains("#31"))
        // Too short for all: the summary says how many fit.
        #expect(strip.render(width: 76, height: 9).text().contains("22 shown"))
        #expect(ReceptiveFieldStrip.filterLabel(fields[3], inputChannels: 2) == "#3.0")
    }

    // MARK: - Grey pictures

    @Test func photographsAreGreyHalfBlocksWithShadesWithoutColour() {
        let image: [UInt8] = [255, 0, 200, 60,
                              255, 255, 40, 60]
        let grid = PixelPicture(pixels: image, width: 4, height: 2, ascii: false).render()
        #expect(grid.row(0) == "█▒▒░")
        #expect(grid[0, 0].pixels == PixelPair(top: 255, bottom: 255))
        #expect(grid[2, 0].pixels == PixelPair(top: 200, bottom: 40))
        #expect(grid.monochromed()[2, 0].pixels == nil, "NO_COLOR keeps the shade only")
        // Binary pictures stay black and white half blocks, with no greys.
        let signs = PixelPicture(signs: [true, false, true, false, true, true, false, false], width: 4, height: 2,
                                 ascii: false).render()
        #expect(signs.row(0) == "█▄▀ " && signs.cells.allSatisfy { $0.pixels == nil })
        let ascii = PixelPicture(pixels: image, width: 4, height: 2, ascii: true).render()
        #expect(ascii.row(0) == "@+=:" && ascii.cells.allSatisfy { $0.pixels == nil })
    }

    @Test func greysMapToTheNearestTerminalColour() {
        #expect(GreyPalette.color(forGrey: 0, colorCount: 256) == 16)
        #expect(GreyPalette.color(forGrey: 255, colorCount: 256) == 231)
        #expect(GreyPalette.color(forGrey: 128, colorCount: 256) == 244)   // ramp step 12: grey 128
        #expect(GreyPalette.color(forGrey: 250, colorCount: 256) == 231)   // nearer white (255) than 238
        #expect(GreyPalette.levels(colorCount: 256).count == 26)
        #expect([0, 60, 140, 200, 255].map { GreyPalette.color(forGrey: $0, colorCount: 16) } == [0, 8, 7, 7, 15])
        #expect([0, 127, 128, 255].map { GreyPalette.color(forGrey: $0, colorCount: 8) } == [0, 0, 7, 7])
        #expect(GreyPalette.color(forGrey: 10, colorCount: 2) == nil)

        var defined: [[Int16]] = []
        var pairs = GreyPairs(colorCount: 256, firstPair: 13, pairLimit: 15)
        let a = pairs.pair(for: PixelPair(top: 0, bottom: 255)) { defined.append([$0, $1, $2]) }
        let again = pairs.pair(for: PixelPair(top: 3, bottom: 250)) { defined.append([$0, $1, $2]) }
        let b = pairs.pair(for: PixelPair(top: 128, bottom: 128)) { defined.append([$0, $1, $2]) }
        let none = pairs.pair(for: PixelPair(top: 255, bottom: 0)) { defined.append([$0, $1, $2]) }
        #expect(a == 13 && again == 13 && b == 14 && none == nil)
        #expect(defined == [[13, 16, 231], [14, 244, 244]])
    }

    @Test func theMisclassifiedStripCarriesGreysAndTheExportShowsShades() throws {
        let run = Self.withFilters(try Self.convRun())
        var state = DashboardState()
        state.insightVisible = true
        let grid = DashboardRenderer.render(snapshots: [run], state: state, header: DashboardHeader(), width: 160,
                                            height: 48, now: 0)
        let greyCells = grid.cells.filter { $0.pixels != nil }
        #expect(greyCells.count == 28 * 14, "one 28×14 picture, every cell grey")
        #expect(Set(greyCells.map(\.scalar)).isSuperset(of: ["░", "▒", "▓", "█"]))
        state.monochrome = true
        let mono = DashboardRenderer.render(snapshots: [run], state: state, header: DashboardHeader(), width: 160,
                                            height: 48, now: 0)
        #expect(mono.cells.allSatisfy { $0.pixels == nil })
        #expect(mono.text() == grid.text(), "without colour the same shades")
    }

    // MARK: - Unique filters per epoch in the export

    @Test func theExportTablesUniqueFiltersPerConvLayerPerEpoch() throws {
        let run = try Self.convRun(epochs: 3)
        let table = UniqueFilterTable(snapshot: run, glyphs: .unicode)
        #expect(table.layers == [0])
        let text = TextExport.document(snapshots: [run], header: DashboardHeader(), options: .init(width: 100))
        #expect(text.contains("Unique filters · det · distinct 3×3 binary kernels (up to sign) per epoch"))
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.contains("epoch") && $0.contains("layer 1") })
        #expect(lines[header + 1].contains("3×3×1→8"))
        #expect(Array(lines[header + 2].split(separator: " ").dropFirst().prefix(3)) == ["1", "5/8", "62%"])
        #expect(lines[header + 4].contains("3") && lines[header + 4].contains("7/8 88%"))
        #expect(!lines[header].contains("layer 2"), "dense layers have no column")

        // An MLP's export has no such table; the ASCII export keeps to ASCII.
        let mlp = TextExport.document(snapshots: FakeRuns.three(), header: DashboardHeader())
        #expect(!mlp.contains("Unique filters"))
        let ascii = TextExport.document(snapshots: [run], header: DashboardHeader(), options: .init(ascii: true))
        #expect(ascii.contains("3x3x1->8") && ascii.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func aForkReadBackFromItsMetricsIsNamedAfterItsParent() throws {
        let run = try Self.convRun(epochs: 4, parent: RunLineage(parent: "base", epoch: 2, learningRate: 1e-3))
        #expect(run.lineage == RunLineage(parent: "base", epoch: 2, learningRate: 1e-3))
        let text = TextExport.document(snapshots: [run], header: DashboardHeader())
        #expect(text.contains("base\u{2192}lr 1e-3 @2"))
    }
}
