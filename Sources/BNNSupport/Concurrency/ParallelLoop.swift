import Dispatch

/// Splits a large elementwise loop over a few threads in fixed chunks.
///
/// The chunks are `WorkPartition.bands` of the index range, so their boundaries
/// depend only on the count and the thread count, never on scheduling, and
/// results are identical run to run. Small loops run inline.
public enum ParallelLoop {
    /// Below this many elements a loop runs on the calling thread.
    public static let minimumParallelCount = 1 << 16

    /// Calls `body(start, end)` once per chunk of `0..<count`; the chunks touch
    /// disjoint elements, which is what makes running a non-`Sendable` body
    /// concurrently safe here.
    public static func forEachChunk(count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        forEachChunk(count: count, threads: threads, work: count, alignment: 1, body)
    }

    /// `forEachChunk` for loops whose cost is not their count (e.g. the features of a batch:
    /// `work` elements in all), in chunks that are multiples of `alignment` but the last.
    public static func forEachChunk(count: Int, threads: Int, work: Int, alignment: Int, _ body: (Int, Int) -> Void) {
        let chunks = count > alignment ? chunkCount(work: work, threads: threads) : 1
        if chunks == 1 { body(0, count); return }
        let ranges = WorkPartition.bands(count: count, parts: chunks, alignment: alignment)
        withoutActuallyEscaping(body) { body in
            let box = DisjointWork(body: body)
            ForkJoin.run(iterations: ranges.count) { c in
                box.body(ranges[c].lowerBound, ranges[c].upperBound)
            }
        }
    }

    /// How many chunks a loop of `work` elements runs in: `threads`, or 1 for a small loop.
    /// (Loops that split their own work by this rule, such as the optimizer's packing of
    /// weights group by group, call it too.)
    public static func chunkCount(work: Int, threads: Int) -> Int {
        threads > 1 && work >= minimumParallelCount ? threads : 1
    }

    /// The body, carried into `concurrentPerform` under the disjoint-chunks invariant above.
    private struct DisjointWork: @unchecked Sendable {
        let body: (Int, Int) -> Void
    }
}
