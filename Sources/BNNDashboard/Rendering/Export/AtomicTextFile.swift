#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text file could not be written: the path and the system's reason.
public struct FileWriteError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Writes text files atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over the target, so a reader never sees a
/// half-written export and a failure leaves the old file in place.
public enum AtomicTextFile {
    /// Writes `text` (UTF-8) to `path`, replacing any file there.
    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        guard !path.isEmpty else { throw FileWriteError(path: path, reason: "empty path") }
        let directory: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            base = path
        }
        guard !base.isEmpty else { throw FileWriteError(path: path, reason: "is a directory") }
        var template = Array((directory + "/." + base + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileWriteError(path: path, reason: systemReason()) }
        let tempPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String? = nil
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason(); return
                }
                offset += n
            }
        }
        // Readable like any file the user creates (mkstemp makes it private).
        if failure == nil && fchmod(fd, 0o644) != 0 { failure = systemReason() }
        if failure == nil && fsync(fd) != 0 { failure = systemReason() }
        if close(fd) != 0 && failure == nil { failure = systemReason() }
        if failure == nil && rename(tempPath, path) != 0 { failure = systemReason() }
        if let failure {
            unlink(tempPath)
            throw FileWriteError(path: path, reason: failure)
        }
    }

    private static func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, bytes, count)
        #else
        return Darwin.write(fd, bytes, count)
        #endif
    }

    private static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}
