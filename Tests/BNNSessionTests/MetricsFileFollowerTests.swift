import BNNDashboard
import BNNEngine
import BNNSession
import Foundation
import Testing

@Suite struct MetricsFileFollowerTests {
    private func line(_ epoch: Int, run: String = "det") -> String {
        MetricsLogWriter.line(for: FakeControlledRun.epoch(epoch, run: run).withArch("4-3-2")) + "\n"
    }

    private func append(_ text: String, to path: String) throws {
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    @Test func partialLineWaitsTruncationAndReplacementRestart() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let path = dir.path + "/run.jsonl"
        let follower = MetricsFileFollower(path: path)
        #expect(!follower.poll(), "a file that does not exist yet is waited for")
        try (line(1) + line(2)).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(follower.poll())
        #expect(follower.runs.map { $0.epochs.map(\.epoch) } == [[1, 2]])

        let third = line(3)
        let cut = third.index(third.startIndex, offsetBy: 40)
        try append(String(third[..<cut]), to: path)
        #expect(!follower.poll(), "half a line adds nothing")
        try append(String(third[cut...]), to: path)
        #expect(follower.poll())
        #expect(follower.runs[0].epochs.map(\.epoch) == [1, 2, 3])
        #expect(follower.warning == nil)

        try append("{not json\n" + line(4), to: path)
        #expect(follower.poll())
        #expect(follower.warning == "run.jsonl line 4: not valid JSON")
        #expect(follower.runs[0].epochs.map(\.epoch) == [1, 2, 3, 4], "the lines after a bad one are read")

        // Truncation: the same file, shorter.
        try line(1).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(follower.poll())
        #expect(follower.runs[0].epochs.map(\.epoch) == [1])
        #expect(follower.warning?.contains("truncated") == true)

        // Replacement: a new file renamed over the path, even a longer one.
        try (line(1, run: "new") + line(2, run: "new") + line(3, run: "new")).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(follower.poll())
        #expect(follower.runs.map(\.name) == ["new"])
        #expect(follower.runs[0].epochs.count == 3)
        #expect(follower.warning?.contains("replaced") == true)
        #expect(follower.restarts == 2)
    }

    @Test func directoryJoinsNewFilesAndRunsGoQuiet() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        try line(1, run: "a").write(toFile: dir.path + "/a.jsonl", atomically: true, encoding: .utf8)
        let runs = FollowedRuns(directory: dir.path, interval: 0, quietSeconds: 0.3)
        #expect(runs.snapshots().map(\.name) == ["a"])
        try (line(1, run: "b") + line(2, run: "b")).write(toFile: dir.path + "/b.jsonl", atomically: true, encoding: .utf8)
        try "ignored".write(toFile: dir.path + "/notes.txt", atomically: true, encoding: .utf8)
        let both = runs.snapshots()
        #expect(both.map(\.name) == ["a", "b"])
        #expect(both[1].history.count == 2 && both[1].state == .running)
        #expect(eventually(2) { runs.snapshots().allSatisfy { $0.state == .done } })
        #expect(runs.readOnlyReason != nil)
    }

    /// A run whose last line reached its total_epochs is done without waiting to go quiet.
    @Test func aRunAtItsTotalEpochsIsDoneAtOnce() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let last = line(2, run: "a").replacingOccurrences(of: "\"epoch\":2,", with: "\"epoch\":2,\"total_epochs\":2,")
        #expect(last.contains("total_epochs"))
        try (line(1, run: "a") + last).write(toFile: dir.path + "/a.jsonl", atomically: true, encoding: .utf8)
        let more = line(1, run: "b").replacingOccurrences(of: "\"epoch\":1,", with: "\"epoch\":1,\"total_epochs\":5,")
        try more.write(toFile: dir.path + "/b.jsonl", atomically: true, encoding: .utf8)
        let runs = FollowedRuns(directory: dir.path, interval: 0, quietSeconds: 60)
        let s = runs.snapshots()
        #expect(s.map(\.state) == [.done, .running])
        #expect(s[1].totalEpochs == 5)
    }

    @Test("a run keeps its place (its color and letter) when a file earlier in name order shows its first epoch later")
    func runsKeepTheirPlace() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        try "".write(toFile: dir.path + "/a.jsonl", atomically: true, encoding: .utf8)
        try line(1, run: "b").write(toFile: dir.path + "/b.jsonl", atomically: true, encoding: .utf8)
        let runs = FollowedRuns(directory: dir.path, interval: 0)
        #expect(runs.snapshots().map(\.name) == ["b"])
        try append(line(1, run: "a"), to: dir.path + "/a.jsonl")
        try line(1, run: "c").write(toFile: dir.path + "/c.jsonl", atomically: true, encoding: .utf8)
        #expect(runs.snapshots().map(\.name) == ["b", "a", "c"], "joined in the order of their first epochs")
        try append(line(2, run: "a"), to: dir.path + "/a.jsonl")
        #expect(runs.snapshots().map(\.name) == ["b", "a", "c"])
    }
}

extension EpochMetrics {
    func withArch(_ arch: String) -> EpochMetrics { var copy = self; copy.arch = arch; return copy }
}
