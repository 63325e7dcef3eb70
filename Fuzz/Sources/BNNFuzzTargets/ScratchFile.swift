import Foundation
import BNNSupport

/// A private folder for the files fuzz inputs are written to before a loader
/// reads them (the loaders take paths, not bytes).
///
/// It lives in `/dev/shm` when that exists (RAM, so one write per input costs
/// microseconds), else in the system temporary folder, and is named after the
/// process so parallel fuzzers never share files. `remove()` deletes it (bnn-fuzz
/// calls it at exit); a process that crashed cannot, so creating a scratch folder
/// first deletes the folders of processes that no longer exist.
public final class ScratchFile: @unchecked Sendable {
    /// The folder.
    public let directory: String

    /// Creates a fresh folder `bnn-fuzz-<pid>-<n>`.
    public init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        Self.removeFoldersOfDeadProcesses(in: base)
        var n = 0
        var candidate: String
        repeat {
            candidate = "\(base)/bnn-fuzz-\(getpid())-\(n)"
            n += 1
        } while mkdir(candidate, 0o700) != 0 && errno == EEXIST
        guard FileManager.default.fileExists(atPath: candidate) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: candidate])
        }
        directory = candidate
    }

    /// The path of the scratch file called `name` (not created).
    public func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Replaces the file `name` with `bytes` and returns its path. Plain `write(2)`,
    /// not atomic: nothing else reads these files.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer, to name: String) -> String {
        let path = path(name)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create scratch file \(path): \(String(cString: strerror(errno)))")
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "cannot write scratch file \(path): \(String(cString: strerror(errno)))")
            offset += n
        }
        close(fd)
        return path
    }

    /// Deletes `bnn-fuzz-<pid>-<n>` folders in `base` whose process is gone.
    static func removeFoldersOfDeadProcesses(in base: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix("bnn-fuzz-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = pid_t(parts[2]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: "\(base)/\(name)")
            }
        }
    }

    /// Deletes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The C library's `write`, under a name the method `write(_:to:)` does not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
