import BNNSupport

/// Where control sockets live when `train` is not given `--control PATH`, and
/// the rule every socket's directory must pass: a directory owned by this user
/// that nobody else may enter (mode 0700).
///
/// The default is `$XDG_RUNTIME_DIR/bnn-tui/` (per-user, cleaned at logout),
/// else `/tmp/bnn-tui-<uid>/`; sockets are named `<run>-<pid>.sock`, so that
/// `attach` with no path finds every run of this user there.
public enum ControlDirectory {
    /// The default directory for `environment` (usually the process's).
    public static func defaultPath(environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return runtime + "/bnn-tui"
        }
        return "/tmp/bnn-tui-\(getuid())"
    }

    /// The default socket path for a run: `<directory>/<run>-<pid>.sock`, the run's
    /// name reduced to letters, digits, '-', '_' and '.'.
    public static func defaultSocketPath(directory: String, run: String, pid: Int32) -> String {
        let safe = String(run.unicodeScalars.map { scalar -> Character in
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                                        || scalar == "-" || scalar == "_" || scalar == ".")
            return ok ? Character(scalar) : "_"
        }.prefix(40))
        return "\(directory)/\(safe.isEmpty ? "run" : safe)-\(pid).sock"
    }

    /// Creates `path` (mode 0700) if it does not exist, then checks that it is a real
    /// directory (not a link) owned by this user with no access for group or others.
    public static func preparePrivate(_ path: String) throws(SocketError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw SocketError(path: path, reason: "cannot create the socket directory: \(UnixSocket.errorText())")
        }
        try checkPrivate(path)
    }

    /// Throws unless `path` is a directory owned by this user with mode 0700 (or stricter).
    public static func checkPrivate(_ path: String) throws(SocketError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw SocketError(path: path, reason: UnixSocket.errorText()) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SocketError(path: path, reason: "the socket directory is not a directory")
        }
        guard info.st_uid == getuid() else {
            throw SocketError(path: path, reason: "the socket directory belongs to uid \(info.st_uid), not to you (uid \(getuid()))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw SocketError(path: path, reason: "the socket directory has mode \(String(Int(info.st_mode & 0o777), radix: 8)); it must be private (chmod 700)")
        }
    }

    /// The sockets in `directory`, sorted by name (empty when it does not exist).
    public static func sockets(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".sock") { names.append(directory + "/" + name) }
        }
        return names.sorted()
    }
}
