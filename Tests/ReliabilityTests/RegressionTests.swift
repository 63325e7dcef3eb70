import BNNFuzzTargets
import Testing
import BNNSupport

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
    /// (Empty: the six first findings were fixed in c6b0e8b; docs/reliability.md lists them.)
    static let open: [String: Comment] = [:]

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
