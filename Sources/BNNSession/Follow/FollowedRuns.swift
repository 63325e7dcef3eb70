import BNNDashboard
import BNNEngine
import BNNSupport
import Foundation

/// Metrics files followed as they grow, as the dashboard's read-only
/// `RunController`: what `bnn-tui watch` shows.
///
/// Given files, it follows those (a file that does not exist yet joins when it
/// appears); given a directory, every `*.jsonl` in it, and files created there
/// later join as new runs. Files are read at most every `interval` seconds, on
/// the thread that asks for snapshots. A run whose file has not grown for three of
/// its epochs (at least `quietSeconds`, by its modification time) shows as done: a file cannot say whether its
/// writer is still at work. A run whose last line reached its `total_epochs` is done at once.
public final class FollowedRuns: RunController, @unchecked Sendable {
    public let files: [String]
    public let directory: String?
    public let interval: Double
    public let quietSeconds: Double

    private let lock = NSLock()
    private var followers: [MetricsFileFollower] = []
    private var lastPoll = -Double.infinity
    private var cached: [RunSnapshot] = []
    private var version: UInt64 = 0

    public init(files: [String] = [], directory: String? = nil, interval: Double = 0.25, quietSeconds: Double = 10) {
        self.files = files; self.directory = directory; self.interval = interval; self.quietSeconds = quietSeconds
        followers = files.map { MetricsFileFollower(path: $0) }
    }

    public var readOnlyReason: String? { "watch only reads metrics files (attach to a run's control socket to steer it)" }

    /// The dataset the followed files name, when they all name the same one (as of the last poll).
    public var dataset: String? {
        lock.lock(); defer { lock.unlock() }
        let named = Set(followers.compactMap(\.dataset))
        return named.count == 1 ? named.first : nil
    }

    public func snapshots() -> [RunSnapshot] {
        lock.lock(); defer { lock.unlock() }
        let now = ControlServer.monotonicSeconds()
        guard now - lastPoll >= interval else { return cached }
        lastPoll = now
        if let directory { join(directory) }
        var changed = false
        for f in followers { changed = f.poll() || changed }
        let fresh = build(now: Date().timeIntervalSince1970)
        if changed || fresh.map(\.state) != cached.map(\.state) || fresh.count != cached.count { version &+= 1 }
        cached = fresh.map { var s = $0; s.version = version; return s }
        return cached
    }

    /// Adds followers for `*.jsonl` files new in `directory`, in name order.
    private func join(_ directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let known = Set(followers.map(\.path))
        for name in names.sorted() where name.hasSuffix(".jsonl") {
            let path = (directory as NSString).appendingPathComponent(name)
            if !known.contains(path) { followers.append(MetricsFileFollower(path: path)) }
        }
    }

    /// A run of a file: the follower's index and the run's index in that file.
    private struct RunKey: Hashable {
        let file: Int
        let run: Int
    }

    /// Runs in the order they first showed an epoch: a run keeps its place (and so
    /// its color and letter) when runs of files earlier in name order show up later.
    private var order: [RunKey] = []
    private var ordered = Set<RunKey>()

    private func build(now: Double) -> [RunSnapshot] {
        for (fileIndex, f) in followers.enumerated() {
            for (runIndex, run) in f.runs.enumerated() where !run.epochs.isEmpty {
                let key = RunKey(file: fileIndex, run: runIndex)
                if ordered.insert(key).inserted { order.append(key) }
            }
        }
        var snapshots: [RunSnapshot] = []
        var taken = Set<String>()
        for key in order {
            let f = followers[key.file], i = key.run
            guard i < f.runs.count, !f.runs[i].epochs.isEmpty else { continue }
            let run = f.runs[i]
            var name = run.name, k = 2
            while taken.contains(name) { name = "\(run.name)#\(k)"; k += 1 }
            taken.insert(name)
            let last = run.epochs[run.epochs.count - 1].epochSeconds
            let quiet = max(quietSeconds, 3 * (last.isFinite ? last : 0))
            let final = run.epochs[run.epochs.count - 1]
            let finished = final.totalEpochs.map { final.epoch >= $0 } ?? false
            var s = MetricsLog.snapshot(name: name, epochs: run.epochs,
                                        state: finished || now - f.lastModified > quiet ? .done : .running)
            if i == 0 { s.notice = f.warning }
            snapshots.append(s)
        }
        return snapshots
    }

    public func pause(run index: Int) {}
    public func resume(run index: Int) {}
    public func setLearningRate(_ rate: Double, run index: Int) {}
    public func saveCheckpoints() throws -> [String] { [] }
    public func stopAll() {}
}
