import BNNSupport

/// Why a checkpoint could not be read or used, as one line naming the file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case notACheckpoint(path: String)
    /// A packed model (`.bnn`, `export`'s output) where a checkpoint was wanted.
    case packedModel(path: String)
    case unsupportedVersion(path: String, version: UInt32)
    case truncated(path: String)
    case checksumMismatch(path: String)
    case corrupt(path: String, reason: String)
    case incompatible(reason: String)
    /// A float run's checkpoint asked to give binary weights (export, summary, eval).
    case notBinary

    /// Control characters from the file (a tensor name, a path) are escaped: one line always.
    public var description: String { rawDescription.escapingControlCharacters }

    private var rawDescription: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read checkpoint \(p): \(r)"
        case .notACheckpoint(let p): return "\(p) is not a bnn-tui checkpoint (bad magic)"
        case .packedModel(let p):
            return "\(p) is a packed model (export's .bnn), not a checkpoint: eval, summary and export --format c read it; training goes on only from a checkpoint (train --save)"
        case .unsupportedVersion(let p, let v): return "\(p): checkpoint format version \(v) is not supported (this build reads versions \(RunCheckpoint.readableVersions.lowerBound)-\(RunCheckpoint.readableVersions.upperBound))"
        case .truncated(let p): return "\(p): checkpoint is truncated"
        case .checksumMismatch(let p): return "\(p): checkpoint is corrupt (checksum mismatch)"
        case .corrupt(let p, let r): return "\(p): checkpoint is corrupt (\(r))"
        case .incompatible(let r): return "checkpoint does not match this run: \(r)"
        case .notBinary: return "a float run's checkpoint has no binary weights to pack; export, summarize or evaluate a det or stoch checkpoint"
        }
    }
}
