import Foundation
import BNNSupport

/// A helper executable of this package (built next to the test binary, since the
/// test target depends on it), started with `posix_spawn` so the test can SIGKILL it.
struct HelperProcess {
    let pid: pid_t

    /// The path of the executable `name` in the build folder that holds the running test binary,
    /// or the path in the environment variable `override` if set.
    static func executable(_ name: String, override: String) throws -> String {
        if let path = ProcessInfo.processInfo.environment[override] { return path }
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var folder = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        // On macOS the test binary sits inside a .xctest bundle.
        while folder.path.contains(".xctest") { folder.deleteLastPathComponent() }
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HelperError(message: "\(path) not found: run `swift build --product \(name)` (or set \(override))")
        }
        return path
    }

    /// Starts `executable` with `arguments`, inheriting the environment and standard streams.
    init(_ executable: String, _ arguments: [String]) throws {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, nil, nil, argv, envp)
        guard status == 0 else { throw HelperError(message: "posix_spawn \(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    /// Sends SIGKILL and reaps the process; returns the signal that ended it, or nil if it exited by itself.
    func kill() -> Int32? {
        _ = Glibc.kill(pid, SIGKILL)
        return waitForExit()
    }

    /// Waits for the process to end; returns the signal that ended it, or nil if it exited.
    func waitForExit() -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal != 0 && signal != 0x7F ? signal : nil
    }
}

struct HelperError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
