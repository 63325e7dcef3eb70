/// One loader of bnn-tui driven by arbitrary bytes: the unit that libFuzzer,
/// the corpus replayer and the regression tests all run.
///
/// Each target turns the input into whatever its loader reads (usually a file
/// in a `ScratchFile`), calls the loader through its public API, and judges the
/// result. A crash (trap, ASan report, out-of-memory) is the finding libFuzzer
/// looks for; a `FuzzOutcome.violation` is a softer finding: the loader did not
/// crash but broke its contract (an error message that is not one line or does
/// not name the file, or a loaded value that breaks its own type's invariants).
public struct FuzzTarget: Sendable {
    /// The name scripts and corpus folders use (`Fuzz/Corpus/<name>/`).
    public let name: String
    /// What the target feeds to which loader, one line.
    public let summary: String
    /// Longest input worth trying (`-max_len`); larger inputs only slow the search.
    public let maximumInputLength: Int
    private let body: @Sendable (UnsafeRawBufferPointer, ScratchFile) -> FuzzOutcome

    public init(name: String, summary: String, maximumInputLength: Int,
                body: @escaping @Sendable (UnsafeRawBufferPointer, ScratchFile) -> FuzzOutcome) {
        self.name = name
        self.summary = summary
        self.maximumInputLength = maximumInputLength
        self.body = body
    }

    /// Runs the loader on `input`, using `scratch` for any file it needs.
    public func run(_ input: UnsafeRawBufferPointer, scratch: ScratchFile) -> FuzzOutcome {
        body(input, scratch)
    }

    /// Convenience for tests and the replayer.
    public func run(_ input: [UInt8], scratch: ScratchFile) -> FuzzOutcome {
        input.withUnsafeBytes { run($0, scratch: scratch) }
    }
}

/// What one run of a target did with its input.
public enum FuzzOutcome: Equatable, Sendable {
    /// The loader accepted the input; `summary` says what it loaded.
    case loaded(String)
    /// The loader refused the input with a typed error; `message` is its description.
    case rejected(String)
    /// The loader broke its contract without crashing.
    case violation(String)

    public var isViolation: Bool {
        if case .violation = self { return true }
        return false
    }
}

extension FuzzOutcome {
    /// The outcome for a typed error: `.rejected`, unless the message is not the
    /// one line naming the file that every bnn-tui error must be.
    static func judging(error message: String, file path: String, loader: String) -> FuzzOutcome {
        if message.isEmpty { return .violation("\(loader): empty error message") }
        if message.contains(where: \.isNewline) {
            return .violation("\(loader): error message is not one line: \(message.debugDescription)")
        }
        if !message.contains(path) {
            return .violation("\(loader): error message does not name the file \(path): \(message.debugDescription)")
        }
        return .rejected(message)
    }
}
