import BNNSupport
import Foundation
import Testing
import BNNEngine
@testable import BNNDashboard

@Suite("Text export")
struct TextExportTests {
    let runs = FakeRuns.three()
    let header = DashboardHeader(batchSize: 100, optimizer: "Adam", seed: 1)

    @Test func containsEveryChartTableAndHistogram() {
        let text = TextExport.document(snapshots: runs, header: header, options: .init(width: 100, chartHeight: 20))
        #expect(text.hasPrefix("bnn-tui · Fashion-MNIST · 784-1024-10 · batch 100 · Adam · seed 1 · 3 runs: det, stoch, float\n"))
        #expect(text.contains("╭ Error vs epoch · validation solid, train dotted, test dashed ─"))
        #expect(text.contains("╭ Loss vs epoch · validation solid, train dotted, test dashed ─"))
        // Legends name every run and all three series kinds; the x axis is in epochs.
        #expect(text.components(separatedBy: "d det  s stoch  f float  ⠒⠒⠒⠒ val  ⠂⠂⠂⠂ train  ⠒⠂⠐⠒ test").count == 3)
        #expect(text.matches(of: /epoch \d+ │/).count == 2, "the x axis ends in its last epoch")
        #expect(text.contains("╭ Runs ─"))
        for name in ["d det", "s stoch", "f float"] { #expect(text.contains("  \(name)  ")) }
        #expect(text.contains("╭ Saturation by layer ─"))
        for run in ["det", "stoch", "float"] {
            #expect(text.contains("╭ Latent weights · \(run) · layer 1 of 2 (784×1024) ─"))
            #expect(text.contains("╭ Latent weights · \(run) · layer 2 of 2 (1024×10) ─"))
        }
        #expect(text.components(separatedBy: "-1").count - 1 >= 6)
        // Every line fits the width.
        for line in text.split(separator: "\n") { #expect(line.unicodeScalars.count <= 100) }
    }

    /// A title longer than the width goes on as many lines as it needs, broken between facts,
    /// never cut: every run is named.
    @Test func aLongTitleWrapsBetweenFacts() {
        let header = DashboardHeader(batchSize: 100, optimizer: "Adam", seed: 1, settings: ["padding zero"])
        let text = TextExport.document(snapshots: runs, header: header, options: .init(width: 60, chartHeight: 12))
        let title = text.components(separatedBy: "\n\n")[0]
        #expect(title == "bnn-tui · Fashion-MNIST · 784-1024-10 · batch 100 · Adam\nseed 1 · padding zero · 3 runs: det, stoch, float", "\(title)")
        for line in text.split(separator: "\n") { #expect(line.unicodeScalars.count <= 60) }
    }

    @Test func asciiExportIsPureASCII() {
        let text = TextExport.document(snapshots: runs, header: header, options: .init(width: 80, chartHeight: 16, ascii: true))
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(text.contains("+ Error vs epoch | validation solid, train dotted, test dashed -"))
        #expect(text.contains("* d det  o s stoch  + f float  ***** val  * * * train  ***   test"))
    }

    @Test func exportIsTheSameGridsAsText() {
        let grids = TextExport.grids(snapshots: runs, header: header, options: .init(width: 90, chartHeight: 18))
        #expect(grids.count == 1 + 2 + 1 + 1 + 3 * 2)
        #expect(grids.dropFirst().allSatisfy { $0.width == 90 })
        #expect(grids[1].height == 18)
        #expect(TextExport.document(snapshots: runs, header: header, options: .init(width: 90, chartHeight: 18))
                == grids.map { $0.text() }.joined(separator: "\n\n") + "\n")
    }

    @Test func roundTripsThroughAFileAtomically() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.file("export.txt")
        try "old contents".write(toFile: path, atomically: false, encoding: .utf8)
        try TextExport.write(snapshots: runs, header: header, to: path)
        let back = try String(contentsOfFile: path, encoding: .utf8)
        #expect(back == TextExport.document(snapshots: runs, header: header))
        #expect(dir.contents() == ["export.txt"])   // no temporary file left behind
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func unwritablePathsGiveAOneLineError() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let missing = dir.file("no/such/dir/x.txt")
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data("x".utf8), to: missing) }
        #expect(AtomicFile.WriteError(path: "/x/y.txt", reason: "Permission denied").description
                == "cannot write /x/y.txt: Permission denied")
        // A directory in the way: the rename fails and the temporary file is cleaned up.
        try FileManager.default.createDirectory(atPath: dir.file("taken"), withIntermediateDirectories: false)
        try "keep".write(toFile: dir.file("taken/inner"), atomically: false, encoding: .utf8)
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data("x".utf8), to: dir.file("taken")) }
        #expect(dir.contents() == ["taken"])
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data("x".utf8), to: dir.path + "/") }
    }

    /// Two exports in one second get two files.
    @Test func unusedFileNameCountsUpWhenTaken() {
        var taken: Set<String> = []
        for expected in ["bnn-tui-export-19700101-000000.txt", "bnn-tui-export-19700101-000000-2.txt",
                         "bnn-tui-export-19700101-000000-3.txt"] {
            let name = TextExport.unusedFileName(unixTime: 0) { taken.contains($0) }
            #expect(name == expected)
            taken.insert(name)
        }
    }

    @Test func defaultFileNameIsUTCTimestamp() {
        #expect(TextExport.defaultFileName(unixTime: 0) == "bnn-tui-export-19700101-000000.txt")
        #expect(TextExport.defaultFileName(unixTime: 1_700_000_000) == "bnn-tui-export-20231114-221320.txt")
        #expect(TextExport.defaultFileName(unixTime: 951_825_600) == "bnn-tui-export-20000229-120000.txt")
    }
}
