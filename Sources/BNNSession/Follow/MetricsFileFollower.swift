import BNNDashboard
import BNNEngine
import BNNSupport
import Foundation

/// One metrics file (JSON Lines, as `train --metrics` writes) followed as it grows.
///
/// Each `poll` reads only what was appended since the last one. A last line
/// without its newline waits for the rest; a file that got shorter (truncated)
/// or was replaced (a new inode at the path: a new run writing the same name)
/// is read again from the start; a bad line becomes the file's one-line
/// `warning` and the lines after it are read as usual.
public final class MetricsFileFollower {
    /// One run found in the file, its epochs in order (a repeated epoch keeps the later line).
    /// As in `MetricsLog`, a run is its `EpochMetrics.RunIdentity`.
    public struct Run: Equatable {
        public var name: String
        public var epochs: [EpochMetrics]
    }

    public let path: String
    public private(set) var runs: [Run] = []
    /// The dataset the file's lines name (the last that named one), or nil.
    public private(set) var dataset: String?
    /// The latest bad line ("m.jsonl line 7: not valid JSON"), or nil.
    public private(set) var warning: String?
    /// When the file was last modified (Unix time, from its mtime), as of the last poll.
    public private(set) var lastModified: Double = 0
    /// How often the file was found truncated or replaced.
    public private(set) var restarts = 0

    /// A line longer than this without a newline is dropped (no metrics line comes close).
    public static let maximumLineBytes = 1 << 20

    private var identity: (device: UInt64, inode: UInt64)?
    private var offset: Int64 = 0
    private var partial: [UInt8] = []
    private var skippingLongLine = false
    private var lineNumber = 0
    private let decoder = MetricsSchema.makeDecoder()

    public init(path: String) { self.path = path }

    /// Reads what is new; true when runs or the warning changed.
    @discardableResult
    public func poll() -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }  // not there (yet, or any more): keep what was read
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        var changed = false
        let current = (device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if let identity, identity != current {
            restart(because: "replaced by a new file; reading it from the start")
            changed = true
        } else if Int64(info.st_size) < offset {
            restart(because: "truncated; reading it again from the start")
            changed = true
        }
        identity = current
        if Int64(info.st_size) > offset {
            changed = readAppended(fd: fd, size: Int64(info.st_size)) || changed
        }
        lastModified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return changed
    }

    private func restart(because reason: String) {
        runs = []
        offset = 0
        partial = []
        skippingLongLine = false
        lineNumber = 0
        restarts += 1
        warning = "\((path as NSString).lastPathComponent) \(reason)"
    }

    private func readAppended(fd: Int32, size: Int64) -> Bool {
        var changed = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        while offset < size {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(offset)) }
            guard n > 0 else { break }
            offset += Int64(n)
            var start = 0
            for i in 0..<n where chunk[i] == UInt8(ascii: "\n") {
                if !skippingLongLine { partial += chunk[start..<i]; changed = take(line: partial) || changed }
                partial = []
                skippingLongLine = false
                start = i + 1
            }
            if !skippingLongLine { partial += chunk[start..<n] }
            if partial.count > Self.maximumLineBytes {
                lineNumber += 1
                warning = "\((path as NSString).lastPathComponent) line \(lineNumber): longer than \(Self.maximumLineBytes) bytes; skipped"
                partial = []
                skippingLongLine = true
                changed = true
            }
        }
        return changed
    }

    /// Decodes one complete line; true when it added an epoch or a warning.
    private func take(line bytes: [UInt8]) -> Bool {
        lineNumber += 1
        let decoded: (EpochMetrics, String?)?
        do {
            decoded = try MetricsLog.decodeLine(String(decoding: bytes, as: UTF8.self), decoder: decoder,
                                                source: (path as NSString).lastPathComponent, line: lineNumber)
        } catch {
            warning = error.description
            return true
        }
        guard let (metrics, named) = decoded else { return false }
        if let named { dataset = named }
        if let r = runs.firstIndex(where: { $0.epochs.first?.runIdentity == metrics.runIdentity }) {
            if let e = runs[r].epochs.firstIndex(where: { $0.epoch >= metrics.epoch }) {
                if runs[r].epochs[e].epoch == metrics.epoch { runs[r].epochs[e] = metrics } else { runs[r].epochs.insert(metrics, at: e) }
            } else {
                runs[r].epochs.append(metrics)
            }
        } else {
            runs.append(Run(name: metrics.run, epochs: [metrics]))
        }
        return true
    }
}
