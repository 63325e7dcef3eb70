import Foundation

/// Where the `bnn-tui` executable under test lives.
///
/// End-to-end tests run the real binary, as a user would. It is found, in order:
/// the `BNN_TUI_BINARY` environment variable (only there, when set); next to this test executable
/// (SwiftPM puts every product of a build in the same folder, whatever the
/// `--build-path` or configuration); `.build/debug/bnn-tui` under the package root.
enum BNNTUIBinary {
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "bnn-tui binary not found (looked at: \(searched.joined(separator: ", "))); "
                + "run `swift build --product bnn-tui` first or set BNN_TUI_BINARY"
        }
    }

    /// The absolute path of the binary, or a `NotFound` error naming every place looked at.
    static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["BNN_TUI_BINARY"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw NotFound(searched: [explicit]) }
            return explicit
        }
        var candidates: [String] = []
        if let testExecutable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: testExecutable).deletingLastPathComponent()
                .appendingPathComponent("bnn-tui").path)
        } else if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("bnn-tui").path)
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/bnn-tui").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw NotFound(searched: candidates)
    }

    /// The package root, from this file's path (Tests/EndToEndTests/Support/…).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // EndToEndTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }
}
