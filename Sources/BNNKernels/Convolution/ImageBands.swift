import BNNSupport
import Dispatch

/// Runs `body` over contiguous bands of `count` items (images, output positions) on up to
/// `threads` threads: `WorkPartition.bands`, so the bands depend only on the count and the
/// thread count and results never depend on scheduling. Work below `minimumWork` (in the
/// caller's units) stays on the calling thread.
enum ImageBands {
    static func run(count: Int, threads: Int, work: Int, minimumWork: Int = 1 << 18,
                    _ body: (Range<Int>) -> Void) {
        runIndexed(count: count, threads: threads, work: work, minimumWork: minimumWork) { body($1) }
    }

    /// `run`, also passing each band's index (below `threads`), for scratch owned per band;
    /// returns how many bands ran.
    @discardableResult
    static func runIndexed(count: Int, threads: Int, work: Int, minimumWork: Int = 1 << 18,
                           _ body: (Int, Range<Int>) -> Void) -> Int {
        let parts = threads > 1 && work >= minimumWork ? threads : 1
        guard parts > 1, count > 1 else {
            if count > 0 { body(0, 0..<count) }
            return count > 0 ? 1 : 0
        }
        let bands = WorkPartition.bands(count: count, parts: parts, alignment: 1)
        withoutActuallyEscaping(body) { body in
            let box = DisjointBands(body: body)
            ForkJoin.run(iterations: bands.count) { box.body($0, bands[$0]) }
        }
        return bands.count
    }

    /// The body, carried into `concurrentPerform`: every band touches only its own items.
    private struct DisjointBands: @unchecked Sendable {
        let body: (Int, Range<Int>) -> Void
    }
}
