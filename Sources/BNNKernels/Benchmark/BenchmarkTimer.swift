import Dispatch

/// Median wall-clock time of a piece of work, after a warm-up run.
///
/// The repeat count adapts to the work: it runs until `budget` seconds are
/// spent (at least `minimumRuns`, at most `maximumRuns` times), so a 20 µs
/// GEMV and a 0.4 s sgemm both get a stable median in about the same time.
public struct BenchmarkTimer: Sendable {
    public var budget: Double
    public var minimumRuns: Int
    public var maximumRuns: Int

    public init(budget: Double, minimumRuns: Int, maximumRuns: Int) {
        self.budget = budget
        self.minimumRuns = max(1, minimumRuns)
        self.maximumRuns = max(self.minimumRuns, maximumRuns)
    }

    /// The median seconds per call of `body` and the number of timed runs.
    public func median(_ body: () -> Void) -> (seconds: Double, runs: Int) {
        body()  // warm-up: caches, page faults, thread pool start
        var times: [Double] = []
        var spent = 0.0
        while times.count < minimumRuns || (spent < budget && times.count < maximumRuns) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            times.append(seconds)
            spent += seconds
        }
        times.sort()
        let mid = times.count / 2
        let median = times.count % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2
        return (median, times.count)
    }
}
