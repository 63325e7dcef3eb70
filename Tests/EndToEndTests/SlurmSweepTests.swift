import Foundation
import Testing

/// docs/sweeps.md's Slurm job array, submitted for real to a private single-node
/// Slurm (scripts/slurm-local.sh: munged, slurmctld and slurmd on localhost) with
/// tiny runs, while `bnn-tui watch DIR` follows the directory the tasks write.
@Suite("sweeps with a Slurm job array", .requiresTmux)
struct SlurmSweepTests {
    static let names = ["det", "stoch", "float"].flatMap { mode in ["0.001", "0.003", "0.01"].map { "\(mode)-lr\($0)" } }

    static func script(_ name: String) -> String {
        BNNTUIBinary.packageRoot.appendingPathComponent("scripts/\(name)").path
    }

    @Test("the docs show the job array script as it is in scripts/")
    func docsShowTheScript() throws {
        let docs = try String(contentsOfFile: BNNTUIBinary.packageRoot.appendingPathComponent("docs/sweeps.md").path,
                              encoding: .utf8)
        let script = try String(contentsOfFile: Self.script("sweep-slurm.sbatch"), encoding: .utf8)
        #expect(docs.contains("```sh\n" + script + "```"), "docs/sweeps.md must quote scripts/sweep-slurm.sbatch whole")
    }

    @Test("sbatch --array runs one train per mode x rate; watch DIR shows all nine")
    func jobArraySweep() async throws {
        let directory = try TemporaryDirectory(prefix: "bnn-slurm")
        defer { directory.remove() }
        let cluster = directory.url.appendingPathComponent("slurm").path
        let sweep = directory.url.appendingPathComponent("sweep").path
        let runtime = directory.url.appendingPathComponent("xdg").path
        try FileManager.default.createDirectory(atPath: sweep, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        // Ports of its own per test process, so a rerun never waits for the last one's sockets.
        let port = 17_000 + Int(getpid() % 1000) * 2
        let started = try await runProcess(["bash", Self.script("slurm-local.sh"), "start", cluster],
                                           environment: ["PORT": String(port)], timeout: .seconds(60))
        guard started.status == 0 else {
            print("SlurmSweepTests: no local Slurm, the job array is not tested: \(started.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        defer { _ = try? Self.stopCluster(cluster) }
        let slurm = ["SLURM_CONF": "\(cluster)/slurm.conf", "PATH": "/usr/sbin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

        // The docs' submission, with tiny runs: one CPU per task, so the node runs two at a time.
        let submitted = try await runProcess(
            ["sbatch", "--parsable", "--cpus-per-task=1", "--output=\(sweep)/%x-%A_%a.log", Self.script("sweep-slurm.sbatch"),
             "--arch", "784-32-10", "--train-limit", "500", "--eval-limit", "200"],
            environment: slurm.merging(["SWEEP_DIR": sweep, "EPOCHS": "1", "BNN_TUI": try BNNTUIBinary.path(),
                                        "XDG_RUNTIME_DIR": runtime]) { _, new in new })
        #expect(submitted.status == 0, "sbatch: \(submitted)")
        let job = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!job.isEmpty)

        // Follow the directory while the tasks write into it.
        let session = try await TmuxSession.launchBNNTUI(["watch", sweep])
        defer { session.close() }
        let screen = try await session.waitUntil("all nine runs", timeout: .seconds(120)) { screen in
            guard let table = ScreenReading.RunTable(screen) else { return false }
            return table.rows.count == Self.names.count && Self.names.allSatisfy { table.epoch($0) == 1 }
        }
        #expect(ScreenReading.brailleCount(ScreenReading.plotArea(of: screen) ?? "") > 0)
        try await session.sendKeys("q")
        try await session.expectExit(status: 0)

        // Every task finished with status 0 and wrote its run.
        let clock = ContinuousClock(), deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            let queue = try await runProcess(["squeue", "-h", "-j", job], environment: slurm)
            if queue.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let jobs = try await runProcess(["scontrol", "show", "job", job], environment: slurm)
        let states = jobs.stdout.split(separator: "\n").filter { $0.contains("JobState=") }
        #expect(states.count == Self.names.count && states.allSatisfy { $0.contains("JobState=COMPLETED") },
                "\(jobs.stdout)")
        #expect(jobs.stdout.components(separatedBy: "ExitCode=0:0").count - 1 == Self.names.count)
        for name in Self.names {
            let text = try String(contentsOfFile: "\(sweep)/\(name).jsonl", encoding: .utf8)
            let records = text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(records.count == 1 && records.first?["run"] as? String == name, "\(name): \(text)")
            #expect(records.first?["mode"] as? String == String(name.prefix { $0 != "-" }))
            #expect(records.first?["lr"] as? Double == Double(name.components(separatedBy: "-lr")[1]))
        }
    }

    static func stopCluster(_ cluster: String) throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/bash")
        child.arguments = [script("slurm-local.sh"), "stop", cluster]
        try child.run()
        child.waitUntilExit()
    }
}
