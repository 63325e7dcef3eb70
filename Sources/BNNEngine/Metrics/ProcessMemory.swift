import BNNSupport

/// The process's resident memory, measured the same way for every run.
///
/// Peak resident set size comes from getrusage (kilobytes on Linux, bytes
/// on macOS) — the figure the source report took with psutil.
public enum ProcessMemory {
    /// Peak resident memory of the whole process so far, in MiB (1,048,576 bytes; "MB" in tables).
    public static func peakResidentMB() -> Double {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        #endif
        #if canImport(Darwin)
        return Double(usage.ru_maxrss) / 1_048_576
        #else
        return Double(usage.ru_maxrss) / 1024
        #endif
    }
}
