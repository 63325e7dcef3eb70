import Dispatch

/// Splits a large elementwise loop over a few threads in fixed chunks.
///
/// Chunk boundaries depend only on the count and the thread count, never on
/// scheduling, so results are identical run to run. Small loops run inline.
enum ParallelLoop {
    /// Below this many elements a loop runs on the calling thread.
    static let minimumParallelCount = 1 << 16

    static func forEachChunk(count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let chunks = (threads > 1 && count >= minimumParallelCount) ? threads : 1
        if chunks == 1 { body(0, count); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let start = count * c / chunks
                let end = count * (c + 1) / chunks
                box.value(start, end)
            }
        }
    }
}

/// Carries a value that is not `Sendable` into a concurrent loop whose
/// iterations touch disjoint memory. Use only there.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
