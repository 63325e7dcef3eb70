#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: a temporary file in the same directory, flushed, then renamed.
///
/// A reader therefore sees either the old file or the complete new one, never
/// a half-written model, even if the process dies mid-write.
enum AtomicFile {
    /// Writes `bytes` to `path`; on failure returns the reason (and leaves no temporary file).
    static func write(_ bytes: [UInt8], to path: String) -> String? {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return errorText() }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errorText()
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = errorText() }
        if close(fd) != 0, failure == nil { failure = errorText() }
        if failure == nil, fchmodPath(tempPath) != 0 { failure = errorText() }
        if failure == nil, rename(tempPath, path) != 0 { failure = errorText() }
        if failure != nil { unlink(tempPath) }
        return failure
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    /// mkstemp creates the file 0600; give it the usual 0644 (before the umask's say).
    private static func fchmodPath(_ path: String) -> Int32 { chmod(path, 0o644) }

    private static func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, p, n)
        #else
        return Darwin.write(fd, p, n)
        #endif
    }
}
