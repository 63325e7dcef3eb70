import BNNSupport

/// The few POSIX calls on Unix domain stream sockets that the control server
/// and client need, each returning a file descriptor or a `SocketError`.
public enum UnixSocket {
    /// The peer of a connected socket as the kernel saw it at `connect` (`SO_PEERCRED`).
    public struct PeerCredentials: Sendable, Equatable {
        public var pid: pid_t = 0
        public var uid: uid_t = 0
        public var gid: gid_t = 0
    }

    /// Creates a listening socket at `path`, mode 0600 from the start (the umask is
    /// narrowed around `bind`). A stale socket (nobody listening) is replaced; a live
    /// one or any other file is an error.
    public static func listen(path: String) throws(SocketError) -> Int32 {
        var address = try self.address(path)
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else { throw SocketError(path: path, reason: "exists and is not a socket") }
            if let fd = try? connect(path: path) {
                close(fd)
                throw SocketError(path: path, reason: "another run is already serving this socket")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(path: path, reason: errorText()) }
        let oldMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let bindError = errno
        umask(oldMask)
        guard bound == 0 else { close(fd); throw SocketError(path: path, reason: errorText(bindError)) }
        chmod(path, 0o600)
        guard Glibc.listen(fd, 16) == 0 else {
            let e = errno
            close(fd); unlink(path)
            throw SocketError(path: path, reason: errorText(e))
        }
        return fd
    }

    /// Connects to the socket at `path` (blocking).
    public static func connect(path: String) throws(SocketError) -> Int32 {
        var address = try self.address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(path: path, reason: errorText()) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let e = errno
            close(fd)
            switch e {
            case ENOENT: throw SocketError(path: path, reason: "no such socket")
            case ECONNREFUSED:
                var status = stat()
                if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFSOCK {
                    throw SocketError(path: path, reason: "not a socket (attach takes a run's control socket, e.g. $XDG_RUNTIME_DIR/bnn-tui/<run>-<pid>.sock; watch reads metrics files)")
                }
                throw SocketError(path: path, reason: "no run is listening (a stale socket)")
            case EACCES: throw SocketError(path: path, reason: "permission denied (the socket belongs to another user)")
            default: throw SocketError(path: path, reason: errorText(e))
            }
        }
        return fd
    }

    /// Who is on the other end of `fd`, or nil if the kernel will not say.
    public static func peerCredentials(_ fd: Int32) -> PeerCredentials? {
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
              Int(length) == MemoryLayout<PeerCredentials>.size else { return nil }
        return credentials
    }

    public static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Writes all of `bytes` to a blocking socket; false when the peer is gone.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    /// Waits until `fd` is readable or `seconds` pass; true when readable (or closed).
    public static func waitReadable(_ fd: Int32, seconds: Double) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = seconds.isFinite ? Int32(max(0, min(seconds * 1000, 2e9))) : -1
        while true {
            let n = poll(&p, 1, ms)
            if n < 0 && errno == EINTR { continue }
            return n > 0
        }
    }

    static func address(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw SocketError(path: path, reason: "a socket path must be 1-\(capacity - 1) bytes (this one is \(bytes.count))")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return address
    }

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
