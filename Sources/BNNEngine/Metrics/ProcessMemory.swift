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

    /// Current resident memory in MiB (Linux: /proc/self/statm; elsewhere the peak).
    public static func currentResidentMB() -> Double {
        #if os(Linux)
        guard let f = fopen("/proc/self/statm", "r") else { return peakResidentMB() }
        defer { fclose(f) }
        var size = 0, resident = 0
        guard fscanf_statm(f, &size, &resident) else { return peakResidentMB() }
        return Double(resident * Int(sysconf(Int32(_SC_PAGESIZE)))) / 1_048_576
        #else
        return peakResidentMB()
        #endif
    }

    #if os(Linux)
    private static func fscanf_statm(_ f: UnsafeMutablePointer<FILE>, _ size: inout Int, _ resident: inout Int) -> Bool {
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, 128, f) != nil else { return false }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let s = Int(fields[0]), let r = Int(fields[1]) else { return false }
        size = s; resident = r
        return true
    }
    #endif
}
