import BNNSupport
import BNNTestSupport
import Foundation

/// A helper executable of this package (built next to the test binary, since the
/// test target depends on it), started as a `ChildProcess` so the test can SIGKILL it.
struct HelperProcess {
    let child: ChildProcess
    var pid: pid_t { child.pid }

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
        do { child = try ChildProcess.spawn(executable: executable, arguments: arguments) } catch {
            throw HelperError(message: "\(error)")
        }
    }

    /// Sends SIGKILL and reaps the process; returns the signal that ended it, or nil if it exited by itself.
    func kill() -> Int32? {
        child.send(SIGKILL)
        return waitForExit()
    }

    /// Waits for the process to end; returns the signal that ended it, or nil if it exited.
    func waitForExit() -> Int32? {
        let end = child.wait()
        return end.signaled ? end.status : nil
    }
}

struct HelperError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
