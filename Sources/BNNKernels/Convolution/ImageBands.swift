import Dispatch

/// Runs `body` over contiguous bands of `count` items (images, rows) on up to `threads`
/// threads. The bands depend only on the count and the thread count, so results never
/// depend on scheduling; work below `minimumWork` (in the caller's units) stays inline.
enum ImageBands {
    static func run(count: Int, threads: Int, work: Int, minimumWork: Int = 1 << 18,
                    _ body: (Range<Int>) -> Void) {
        let parts = threads > 1 && work >= minimumWork ? min(threads, count) : 1
        guard parts > 1 else { if count > 0 { body(0..<count) }; return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let lo = count * p / parts, hi = count * (p + 1) / parts
                if hi > lo { box.value(lo..<hi) }
            }
        }
    }
}

/// Carries a closure that is not `Sendable` into a concurrent loop whose iterations
/// touch disjoint memory. Use only there.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
