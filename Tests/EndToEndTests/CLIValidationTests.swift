import Foundation
import Testing

/// Bad input on the command line: every mistake ends with status 64 (EX_USAGE)
/// and one clear line on standard error naming what was wrong, never a crash
/// or a signal, never a training run.
@Suite("bnn-tui rejects bad input")
struct CLIValidationTests {
    /// One mistake and what the error line must name.
    struct Mistake: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        /// Text the error line must contain (the offending value or option).
        var mentions: [String]

        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let mistakes: [Mistake] = [
        Mistake(arguments: ["train", "--arch", "784-0-10"], mentions: ["784-0-10"]),
        Mistake(arguments: ["train", "--arch", "abc"], mentions: ["abc"]),
        Mistake(arguments: ["train", "--arch", "100-10"], mentions: ["100-10", "784"]),
        // The paper's notation: each error names the bad token.
        Mistake(arguments: ["train", "--arch", "32C3-MP2-64Q3-10"], mentions: ["64Q3"]),
        Mistake(arguments: ["train", "--arch", "32C3-256FC-64C3-10"], mentions: ["64C3", "dense"]),
        Mistake(arguments: ["train", "--arch", "0C3-MP2-10"], mentions: ["0C3"]),
        Mistake(arguments: ["train", "--arch", "8C3-MP2-8C3-MP2-8C3-MP2-8C3-MP2-8C3-MP2-10"], mentions: ["MP2", "1x1"]),
        Mistake(arguments: ["train", "--arch", "32C3-MP2-64C3"], mentions: ["64C3"]),
        Mistake(arguments: ["train", "--padding", "two"], mentions: ["--padding", "two"]),
        Mistake(arguments: ["train", "--preset", "cifar"], mentions: ["--preset", "cifar", "fmnist-cnn"]),
        Mistake(arguments: ["train", "--dropout-in", "1"], mentions: ["--dropout-in"]),
        Mistake(arguments: ["train", "--dropout-hidden", "-0.1"], mentions: ["--dropout-hidden"]),
        Mistake(arguments: ["train", "--dropout-hidden", "nan"], mentions: ["--dropout-hidden"]),
        Mistake(arguments: ["train", "--bn-momentum", "0"], mentions: ["--bn-momentum"]),
        Mistake(arguments: ["train", "--init", "zeros"], mentions: ["--init", "zeros"]),
        Mistake(arguments: ["train", "--lr", "0"], mentions: ["--lr"]),
        // Numeric options parse "-1" as a value (not as an option: "Missing value for ..."),
        // so the error says what is wrong with it.
        Mistake(arguments: ["train", "--lr", "-1"], mentions: ["--lr"]),
        Mistake(arguments: ["train", "--epochs", "-1"], mentions: ["--epochs", "at least 1", "-1"]),
        Mistake(arguments: ["train", "--train-limit", "-3"], mentions: ["--train-limit", "-3"]),
        Mistake(arguments: ["train", "--threads", "-1"], mentions: ["--threads", "-1"]),
        Mistake(arguments: ["watch", "--quiet", "-5", "x.jsonl"], mentions: ["--quiet"]),
        Mistake(arguments: ["train", "--lr=-1"], mentions: ["--lr", "-1"]),
        Mistake(arguments: ["train", "--lr", "nan"], mentions: ["--lr", "nan"]),
        Mistake(arguments: ["train", "--lr", "inf"], mentions: ["--lr", "inf"]),
        Mistake(arguments: ["train", "--epochs", "0"], mentions: ["--epochs"]),
        Mistake(arguments: ["train", "--batch", "0"], mentions: ["--batch"]),
        Mistake(arguments: ["train", "--batch", "100000"], mentions: ["--batch", "100000"]),
        Mistake(arguments: ["train", "--mode", "foo"], mentions: ["foo"]),
        Mistake(arguments: ["train", "--data", "/nonexistent"], mentions: ["/nonexistent"]),
        Mistake(arguments: ["train", "--metrics", "/nonexistent-dir/m.jsonl"], mentions: ["/nonexistent-dir/m.jsonl"]),
        Mistake(arguments: ["train", "--save", "/nonexistent-dir/x.ckpt"], mentions: ["/nonexistent-dir/x.ckpt"]),
        Mistake(arguments: ["train", "--resume", "/etc/hostname"], mentions: ["/etc/hostname"]),
        Mistake(arguments: ["plot", "/nonexistent.jsonl"], mentions: ["/nonexistent.jsonl"]),
        Mistake(arguments: ["train", "--name", ""], mentions: ["--name"]),
        Mistake(arguments: ["train", "--name", "a/b"], mentions: ["--name", "a/b"]),
        Mistake(arguments: ["train", "--name", "tab\there"], mentions: ["--name"]),
        // A control socket in a folder others may enter: refused before the banner.
        Mistake(arguments: ["train", "--control", "/tmp/x.sock"], mentions: ["--control", "/tmp", "chmod 700"]),
        // A directory where a file is read: one line, not a crash.
        Mistake(arguments: ["summary", "/tmp", "--no-latency"], mentions: ["/tmp", "directory"]),
        Mistake(arguments: ["export", "/tmp", "--format", "c", "--output", "/tmp/never-written"], mentions: ["/tmp", "directory"]),
        Mistake(arguments: ["eval", "/tmp"], mentions: ["/tmp", "directory"]),
        Mistake(arguments: ["train", "--resume", "/tmp"], mentions: ["/tmp", "directory"]),
        // root may write anywhere, but not into /proc: found before any training.
        Mistake(arguments: ["train", "--save", "/proc/x.ckpt"], mentions: ["/proc/x.ckpt"]),
        Mistake(arguments: ["report", "--output", "/proc/rep"], mentions: ["/proc/rep"]),
    ]

    @Test("status 64 and one line naming the mistake", arguments: mistakes)
    func rejected(_ mistake: Mistake) async throws {
        let result = try await runProcess([try BNNTUIBinary.path()] + mistake.arguments, timeout: .seconds(60))
        #expect(!result.signaled, "crashed: \(result)")
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty, "nothing on stdout: \(result)")

        let lines = result.stderr.split(separator: "\n").map(String.init)
        let first = lines.first ?? ""
        for text in mistake.mentions {
            #expect(first.contains(text), "the error line should name \(text): \(result)")
        }
        #expect(!first.contains("Fatal error") && !first.contains("Stack dump"), "\(result)")
        #expect(lines.count == 1, "\(result)")
        #expect(first.hasPrefix("bnn-tui: error: "), "\(result)")
    }

    /// The kernel environment variables are checked like options: a typo is one line and 64.
    @Test("a bad BNN_TRAIN_PRODUCT or BNN_KERNEL is one error line, status 64",
          arguments: [["BNN_TRAIN_PRODUCT": "fast"], ["BNN_KERNEL": "neon9"]])
    func badKernelEnvironment(_ environment: [String: String]) async throws {
        let result = try await runProcess([try BNNTUIBinary.path(), "train", "--epochs", "1"],
                                          environment: environment, timeout: .seconds(60))
        #expect(result.status == 64 && !result.signaled, "\(result)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 1, "\(result)")
        #expect(lines.first?.hasPrefix("bnn-tui: error: ") == true, "\(result)")
        #expect(lines.first?.contains(environment.values.first!) == true, "\(result)")
    }

    @Test("the dashboard refuses a non-terminal with one line pointing to `bnn-tui train`",
          arguments: [[], ["dashboard"]])
    func dashboardNeedsATerminal(_ arguments: [String]) async throws {
        // stdout and stderr are files, stdin is /dev/null: no terminal anywhere.
        let result = try await runProcess([try BNNTUIBinary.path()] + arguments + ["--epochs", "1"], timeout: .seconds(60))
        #expect(result.status != 0 && !result.signaled, "\(result)")
        #expect(result.status == 64, "\(result)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result)")
        #expect(result.stderr.contains("bnn-tui train"), "\(result)")
        #expect(result.stdout.isEmpty, "curses must not draw into a pipe: \(result)")
    }
}
