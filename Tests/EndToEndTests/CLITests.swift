import Foundation
import Testing

/// The command line as a user meets it: help, version, mistakes.
@Suite("bnn-tui command line")
struct CLITests {
    @Test("--help exits 0 and describes the command")
    func help() async throws {
        let result = try await runProcess([try BNNTUIBinary.path(), "--help"])
        #expect(result.status == 0 && !result.signaled, "\(result)")
        #expect(result.stdout.contains("USAGE: bnn-tui"), "\(result)")
        #expect(result.stdout.contains("Binarized Neural Networks"), "\(result)")
        #expect(result.stdout.contains("--version"), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("--version prints one semantic version")
    func version() async throws {
        let result = try await runProcess([try BNNTUIBinary.path(), "--version"])
        #expect(result.status == 0 && !result.signaled, "\(result)")
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.wholeMatch(of: /\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?/) != nil, "not a version: \(result)")
    }

    @Test("an unknown option fails with one line naming it")
    func unknownOption() async throws {
        let result = try await runProcess([try BNNTUIBinary.path(), "--no-such-option"])
        #expect(result.status != 0 && !result.signaled, "\(result)")
        let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("bnn-tui: error: Unknown option '--no-such-option'"), "\(result)")
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }
}
