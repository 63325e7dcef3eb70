import BNNSupport

/// Why a metrics JSONL file could not be used; `description` is the one-line
/// message `bnn-tui plot` prints, naming the file (and line).
public enum MetricsLogError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedLine(path: String, line: Int, reason: String)
    case noEpochs(path: String)

    public var description: String { rawDescription.escapingControlCharacters }

    private var rawDescription: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .malformedLine(let path, let line, let reason): return "\(path) line \(line): \(reason)"
        case .noEpochs(let path): return "\(path) holds no epochs (expected one JSON object per line, as written by `bnn-tui train --metrics`)"
        }
    }
}
