import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a
/// temporary file in the same directory, are flushed to disk, and the
/// temporary file is renamed over the destination.
///
/// Every file the product saves (checkpoints, models, exports, metrics
/// snapshots) goes through here, so an interrupted save (kill -9, full disk)
/// leaves the previous file intact.
public enum AtomicFile {
    /// A failure to write, with a one-line message naming the path.
    public typealias WriteError = FileError<FileWriting>

    /// Atomically replaces (or creates) `path` with `data`. A symbolic link is followed (its
    /// target is replaced, the link stays); a path that is not a regular file (a FIFO, a
    /// device such as /dev/stdout or /dev/full) is written straight through, since
    /// renaming over it would replace the special file itself.
    public static func write(_ data: Data, to given: String) throws(WriteError) {
        let path = followingSymbolicLink(given)
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG, (info.st_mode & S_IFMT) != S_IFDIR {
            return try writeThrough(data, to: path, shownAs: given)
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw WriteError(path: path, reason: "directory \(directory) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw WriteError(path: path, reason: "it is a directory")
        }
        let temporary = "\(directory.isEmpty ? "." : directory)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        var failure = writeAll(data, to: fd)
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        // Make the rename itself durable.
        let dfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        removeAbandonedTemporaries(of: url.lastPathComponent, in: directory.isEmpty ? "." : directory)
    }

    /// Where a symbolic link at `path` points (followed as far as it goes, relative to the
    /// link's directory), or `path` itself when it is no link.
    static func followingSymbolicLink(_ path: String) -> String {
        var current = path
        for _ in 0..<32 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current = target.hasPrefix("/") ? target
                : (URL(fileURLWithPath: current).deletingLastPathComponent().path as NSString).appendingPathComponent(target)
        }
        return current
    }

    /// Writes all of `data` to `fd`; the reason when a write fails.
    private static func writeAll(_ data: Data, to fd: Int32) -> String? {
        var failure: String?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno)); return
                }
                offset += n
            }
        }
        return failure
    }

    /// Writes `data` into an existing special file (FIFO, device) as it is.
    private static func writeThrough(_ data: Data, to path: String, shownAs shown: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WriteError(path: shown, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let failure = writeAll(data, to: fd)
        if let failure { throw WriteError(path: shown, reason: failure) }
    }

    /// Deletes the temporary files of earlier saves of `name` whose process is gone (a save
    /// killed with SIGKILL between creating its temporary file and renaming it leaves one).
    /// Files of live processes, and anything not named like a temporary, are left alone.
    static func removeAbandonedTemporaries(of name: String, in directory: String) {
        let prefix = ".\(name).tmp-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let fields = entry.dropFirst(prefix.count).split(separator: "-")
            guard fields.count == 2, let pid = pid_t(fields[0]), pid > 0, UInt32(fields[1]) != nil || fields[1] == "probe" else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH { unlink("\(directory)/\(entry)") }
        }
    }

    /// Checks that a file could be created at `path` (its directory exists and is writable),
    /// so commands can reject a bad output path before doing any work.
    public static func checkWritable(_ path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw WriteError(path: path, reason: "it is a directory")
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WriteError(path: path, reason: "directory \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw WriteError(path: path, reason: "directory \(directory) is not writable")
        }
        if FileManager.default.fileExists(atPath: path) && access(path, W_OK) != 0 {
            throw WriteError(path: path, reason: "the file is not writable")
        }
        // access() says yes to root everywhere, and some file systems (/proc, read-only
        // mounts) refuse files anyway: create and remove the temporary file a save would use.
        let probe = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-probe"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw WriteError(path: path, reason: "cannot create files in \(directory): \(String(cString: strerror(errno)))")
        }
        close(fd)
        unlink(probe)
    }
}
