import ArgumentParser

/// The one check of `--threads`, for every command that takes it (train, dashboard,
/// report, eval, bench). Each declares its own option, because its help says what the
/// threads are for there (one run, all runs, the kernels); all call this in `validate()`.
enum ThreadCount {
    static let range = 1...256

    static func validate(_ threads: Int) throws {
        guard range.contains(threads) else {
            throw ValidationError("--threads must be between \(range.lowerBound) and \(range.upperBound) (got \(threads))")
        }
    }
}
