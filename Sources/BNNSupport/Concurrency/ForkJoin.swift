import Dispatch
import Foundation
import Synchronization

/// The one way training runs a loop's parts in parallel: persistent helper threads that
/// spin briefly between jobs, so the next parallel loop starts within microseconds.
///
/// Why not `DispatchQueue.concurrentPerform` alone: libdispatch parks its workers between
/// calls, and waking one costs about 50 µs in the VMs this project runs on (measured: two
/// 0.1 ms parts took 0.16 ms). A ConvNet training step runs some thirty short parallel loops,
/// so that wake-up was a tenth of the epoch. Here one helper per extra core waits for work by
/// spinning (yielding the core to any other runnable thread) for `spinNanoseconds`, then sleeps
/// on a condition. One job runs at a time; a caller that finds the helpers busy (another run's
/// thread, or a nested loop) falls back to `concurrentPerform`, so results and deadlock-freedom
/// never depend on who wins. Parts are claimed from an atomic counter, so which thread runs a
/// part is arbitrary; callers give each part disjoint data, and results depend only on the parts.
public final class ForkJoin: @unchecked Sendable {
    /// The process's pool: one helper per core beyond the first.
    public static let shared = ForkJoin(helpers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// How long an idle helper spins before it sleeps.
    public static let spinNanoseconds: UInt64 = 200_000

    /// Runs `body(0) … body(iterations - 1)`, in parallel when there are helpers, and returns
    /// when all have finished.
    public static func run(iterations: Int, _ body: (Int) -> Void) { shared.run(iterations: iterations, body) }

    /// A job: its parts and the body every part runs. Carried to the helpers under `lock`.
    private struct Job: @unchecked Sendable {
        let body: (Int) -> Void
        let parts: Int
    }

    private let helpers: Int
    /// Set while a caller owns the helpers.
    private let busy = Atomic<Bool>(false)
    /// Bumped for every job; helpers wait for it to change.
    private let generation = Atomic<Int>(0)
    private let nextPart = Atomic<Int>(0)
    private let finishedParts = Atomic<Int>(0)
    /// Helpers between taking a job and letting go of it; the caller waits for 0.
    private let inside = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// Guards `job` and `started`, and is the condition sleeping helpers wait on.
    private let lock = NSCondition()
    private var job: Job?
    private var started = false

    public init(helpers: Int) { self.helpers = helpers }

    public func run(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1, helpers > 0 else {
            for i in 0..<max(iterations, 0) { body(i) }
            return
        }
        guard busy.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            withoutActuallyEscaping(body) { body in
                let job = Job(body: body, parts: iterations)
                DispatchQueue.concurrentPerform(iterations: iterations) { job.body($0) }
            }
            return
        }
        startHelpers()
        withoutActuallyEscaping(body) { body in
            let current = Job(body: body, parts: iterations)
            lock.lock()
            job = current
            nextPart.store(0, ordering: .sequentiallyConsistent)
            finishedParts.store(0, ordering: .sequentiallyConsistent)
            lock.unlock()
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                lock.lock()
                lock.broadcast()
                lock.unlock()
            }
            claimParts(of: current)
            // Busy-wait: the helpers' parts are short, and sleeping would cost the wake-up this type avoids.
            while finishedParts.load(ordering: .sequentiallyConsistent) < iterations
                    || inside.load(ordering: .sequentiallyConsistent) > 0 {}
            lock.lock()
            job = nil
            lock.unlock()
        }
        busy.store(false, ordering: .sequentiallyConsistent)
    }

    private func claimParts(of job: Job) {
        while true {
            let part = nextPart.add(1, ordering: .sequentiallyConsistent).oldValue
            guard part < job.parts else { return }
            job.body(part)
            finishedParts.add(1, ordering: .sequentiallyConsistent)
        }
    }

    private func startHelpers() {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        for index in 0..<helpers {
            let thread = Thread { [self] in helperLoop() }
            thread.name = "bnn-forkjoin-\(index + 1)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func helperLoop() {
        var seen = generation.load(ordering: .sequentiallyConsistent)
        while true {
            waitForJob(after: seen)
            inside.add(1, ordering: .sequentiallyConsistent)
            seen = generation.load(ordering: .sequentiallyConsistent)
            helpWithCurrentJob()
            inside.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Runs parts of the job in progress, if any. Its own function, so the helper lets go of
    /// the job (and the caller's closure) before it leaves `inside`.
    @inline(never) private func helpWithCurrentJob() {
        lock.lock()
        let current = job
        lock.unlock()
        if let current { claimParts(of: current) }
    }

    /// Returns once `generation` differs from `seen`: spinning first, then asleep.
    private func waitForJob(after seen: Int) {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
        var spins = 0
        while generation.load(ordering: .sequentiallyConsistent) == seen {
            spins += 1
            if spins & 63 == 0 {
                if DispatchTime.now().uptimeNanoseconds > deadline { break }
                sched_yield()
            }
        }
        guard generation.load(ordering: .sequentiallyConsistent) == seen else { return }
        lock.lock()
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen { lock.wait() }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        lock.unlock()
    }
}
