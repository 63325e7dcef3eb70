import Foundation
import Testing

/// docs/sweeps.md's GNU parallel recipe, run for real with small runs, then
/// `watch DIR` over what it wrote.
@Suite("sweeps with GNU parallel", .requiresTmux)
struct SweepTests {
    @Test("scripts/sweep-parallel.sh trains every mode x rate into one directory, and watch DIR shows them all")
    func parallelSweep() async throws {
        guard ExecutableLookup.find("parallel") != nil else {
            print("SweepTests: GNU parallel is not installed (apt-get install parallel); the sweep recipe is not tested")
            return
        }
        let directory = try TemporaryDirectory(prefix: "bnn-sweep")
        defer { directory.remove() }
        let out = directory.url.appendingPathComponent("sweep").path
        let runtime = directory.url.appendingPathComponent("xdg").path
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        let script = BNNTUIBinary.packageRoot.appendingPathComponent("scripts/sweep-parallel.sh").path
        let result = try await runProcess(
            ["bash", script, out, "--arch", "784-32-10", "--train-limit", "500", "--eval-limit", "200", "--epochs", "2"],
            environment: ["MODES": "det float", "LRS": "0.003 0.01", "BNN_TUI": try BNNTUIBinary.path(),
                          "XDG_RUNTIME_DIR": runtime],
            timeout: .seconds(300))
        #expect(result.status == 0, "sweep: \(result)")
        var names: [String] = []
        for mode in ["det", "float"] {
            for rate in ["0.003", "0.01"] {
                let name = "\(mode)-lr\(rate)"
                names.append(name)
                let text = try String(contentsOfFile: "\(out)/\(name).jsonl", encoding: .utf8)
                let records = text.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                #expect(records.count == 2, "\(name): \(text)")
                #expect(records.first?["run"] as? String == name && records.first?["mode"] as? String == mode)
                #expect(records.first?["lr"] as? Double == Double(rate))
            }
        }

        let session = try await TmuxSession.launchBNNTUI(["watch", out])
        defer { session.close() }
        let screen = try await session.waitUntil("all four runs", timeout: .seconds(30)) { screen in
            // Long names are cut to the table's column ("float-lr0.00"): count the rows.
            guard let table = ScreenReading.RunTable(screen) else { return false }
            return table.rows.filter { String($0).contains(" 2/2 ") }.count == names.count
                && table.epoch("det-lr0.003") == 2
        }
        #expect(ScreenReading.brailleCount(ScreenReading.plotArea(of: screen) ?? "") > 0)
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)
    }
}
