import BNNSupport
import Foundation

/// Appends one JSON object per epoch to a metrics file (`MetricsSchema`, JSON
/// Lines), the format `bnn-tui train --metrics` writes and `bnn-tui plot` reads.
///
/// Each line goes out in a single `write` on a file opened with `O_APPEND`,
/// so a crash can cut off at most the line being written, never an earlier one.
public final class MetricsLogWriter: @unchecked Sendable {
    public let path: String
    /// The dataset name written into every line (nil: none).
    public let dataset: String?
    private let descriptor: Int32
    private let lock = NSLock()
    private let encoder = MetricsSchema.makeEncoder()

    /// Opens (creating if needed) `path` for appending.
    public init(path: String, dataset: String? = nil) throws(AtomicFile.WriteError) {
        self.path = path
        self.dataset = dataset
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(descriptor) }

    /// The JSON line for one epoch (without the newline).
    public static func line(for metrics: EpochMetrics, dataset: String? = nil) -> String {
        (try? MetricsSchema.makeEncoder().encode(MetricsRecord(metrics: metrics, dataset: dataset))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public func append(_ metrics: EpochMetrics) throws(AtomicFile.WriteError) {
        lock.lock()
        defer { lock.unlock() }
        var data: Data
        do { data = try encoder.encode(MetricsRecord(metrics: metrics, dataset: dataset)) } catch {
            throw AtomicFile.WriteError(path: path, reason: "cannot encode metrics: \(error)")
        }
        data.append(0x0A)
        let failure: String? = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return String(cString: strerror(errno)) }
                offset += n
            }
            return nil
        }
        if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
    }
}
