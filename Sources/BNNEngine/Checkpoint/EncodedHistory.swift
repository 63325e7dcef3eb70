import Foundation

/// The JSON of a run's metrics history, kept epoch by epoch as the run goes, so that a
/// checkpoint saved after every epoch encodes each epoch once instead of the whole
/// history every time (a 1,000-epoch run's history is megabytes of JSON; encoding it on
/// every save made saving cost grow with the square of the epochs).
///
/// The bytes are exactly what encoding the history array with `MetricsSchema.makeEncoder()`
/// gives: each element's JSON, comma-separated, in brackets. Safe to use from any thread.
final class EncodedHistory: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Data] = []
    private var epochs: [Int] = []

    /// The JSON array of `history`, encoding only the epochs not seen before (the cache is
    /// rebuilt from the first epoch that differs, should the history ever be rewritten).
    func json(of history: [EpochMetrics]) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        var same = 0
        while same < Swift.min(epochs.count, history.count), epochs[same] == history[same].epoch { same += 1 }
        elements.removeSubrange(same...)
        epochs.removeSubrange(same...)
        let encoder = MetricsSchema.makeEncoder()
        for m in history[same...] {
            elements.append(try encoder.encode(m))
            epochs.append(m.epoch)
        }
        var out = Data("[".utf8)
        for (i, e) in elements.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(e)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
