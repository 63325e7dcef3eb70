import Foundation

/// Reads whole files with a reason a person can act on ("is a directory", "No such file
/// or directory"), where Foundation's errors say only "The operation could not be
/// completed". Every command that reads a file the user named (checkpoints, models)
/// goes through here, so they all fail the same way.
public enum FileContents {
    /// A failure to read, with a one-line message naming the path.
    public typealias ReadError = FileError<FileReading>

    /// The bytes of the regular file (or device) at `path`.
    public static func read(_ path: String) throws(ReadError) -> Data {
        var status = stat()
        guard stat(path, &status) == 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
        if status.st_mode & S_IFMT == S_IFDIR { throw ReadError(path: path, reason: "it is a directory") }
        guard access(path, R_OK) == 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ReadError(path: path, reason: reason(of: error))
        }
    }

    /// A Foundation file error as the system's one-line reason (strerror of the POSIX error
    /// underneath, when there is one), never the NSError dump.
    public static func reason(of error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        // Foundation's own file errors without a POSIX error underneath, by their codes.
        let cocoa: [Int: Int32] = [4: ENOENT, 257: EACCES, 260: ENOENT, 513: EACCES, 516: EEXIST, 640: ENOSPC, 642: EROFS]
        if ns.domain == NSCocoaErrorDomain, let code = cocoa[ns.code] { return String(cString: strerror(code)) }
        return ns.localizedDescription
    }
}
