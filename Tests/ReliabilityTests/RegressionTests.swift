#if canImport(Glibc)
import Glibc
#endif
import BNNFuzzTargets
import Testing

/// Every input that once crashed bnn-tui or broke a loader's contract
/// (Tests/ReliabilityTests/Regressions/<target>/<file>) must now be refused with a
/// typed error by the product's loader, run through its fuzz target. Each runs in
/// a child process (an exit test), so an input that still crashes fails its test
/// instead of killing the test run.
@Suite struct RegressionTests {
    /// One saved input and the target that found it.
    struct Regression: Sendable, CustomTestStringConvertible {
        let target: String
        let path: String
        var name: String { "\(target)/\(path.split(separator: "/").last!)" }
        var testDescription: String { name }
    }

    static let all: [Regression] = FuzzTargets.all.flatMap { target in
        CorpusFiles.list(RepositoryPaths.regressions(target.name))
            .filter { !$0.hasSuffix(".md") }
            .map { Regression(target: target.name, path: $0) }
    }

    /// Regressions whose bug is reported but not fixed yet, with the report. While the
    /// input still fails, its test records a known issue; once the fix lands, the test
    /// fails with "known issue was not recorded": then delete the entry here.
    static let open: [String: Comment] = [
        "checkpoint/nan-latent-weight.ckpt": """
            RunCheckpoint(contentsOf:) accepts a NaN latent weight (dense0.W[18]); TrainingRun(resumingFrom:) \
            then traps converting it to Int in DenseLayer.statistics (DenseLayer.swift:90). Found by checkpoint-framed.
            """,
        "checkpoint/zero-epochs.ckpt": """
            RunCheckpoint(contentsOf:) accepts "epochs": 0; TrainingRun(configuration: checkpoint.configuration, \
            resumingFrom:) then fails its precondition (TrainingRun.swift:45). Found by checkpoint-framed.
            """,
        "checkpoint/zero-width-layer.ckpt": """
            RunCheckpoint(contentsOf:) accepts architecture widths [8, 4, 0, 3]: the synthesized Decodable \
            init skips Architecture's precondition (at least two positive widths). Found by checkpoint-framed.
            """,
        "checkpoint/no-widths.ckpt": """
            RunCheckpoint(contentsOf:) accepts architecture widths []: Architecture.inputSize then traps \
            (index out of range). Made by hand from zero-width-layer.ckpt to show the crash.
            """,
        "metrics-log/control-characters-in-arch.jsonl": """
            MetricsLog's error for a bad "arch" quotes the value with its control characters (a CR), \
            so the message is not one line. Found by metrics-log.
            """,
        "metrics-plot/control-characters-in-mode.jsonl": """
            MetricsLog's error for an unknown "mode" quotes the value with its control characters (a form \
            feed), so the message `bnn-tui plot` prints is not one line. Found by metrics-plot.
            """,
    ]

    @Test(arguments: all)
    func isRefusedWithATypedError(_ regression: Regression) async {
        if let report = Self.open[regression.name] {
            await withKnownIssue(report) { await Self.expectRefusal(regression) }
        } else {
            await Self.expectRefusal(regression)
        }
    }

    static func expectRefusal(_ regression: Regression) async {
        let passed = await #expect(processExitsWith: .success, "\(regression.name) must be refused with a typed error") {
            [target = regression.target as String, path = regression.path as String] in
            RegressionTests.runInChild(target: target, path: path)
        }
        guard passed == nil else { return }
        // Failed: run it again only to show what the target said (or that it crashed).
        let failed = await #expect(processExitsWith: .failure, observing: [\.standardOutputContent]) {
            [target = regression.target as String, path = regression.path as String] in
            RegressionTests.runInChild(target: target, path: path)
        }
        if let failed {
            if case .signal(let signal) = failed.exitStatus {
                Issue.record("\(regression.name): the loader crashed (signal \(signal))")
            } else {
                Issue.record("\(regression.name): \(String(decoding: failed.standardOutputContent, as: UTF8.self))")
            }
        }
    }

    /// The child process: runs the input through its target; exit 0 only if the loader refused it.
    static func runInChild(target: String, path: String) -> Never {
        guard let fuzzTarget = FuzzTargets.named(target), let bytes = CorpusFiles.read(path),
              let scratch = try? ScratchFile() else { exit(2) }
        let outcome = fuzzTarget.run(bytes, scratch: scratch)
        scratch.remove()
        print(outcome)
        if case .rejected = outcome { exit(0) }
        exit(1)
    }
}
