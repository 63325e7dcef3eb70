/// Where a dataset directory came from, in the order `DatasetLocator` tries them.
///
/// The origin decides what a problem means: a directory the user named
/// (`--data`, `BNN_DATA`) must work or be reported; the implicit places
/// (under `./Data`, the system folder) are merely skipped.
public enum DatasetOrigin: String, Equatable, Sendable, CaseIterable {
    /// The CLI's `--data DIR`.
    case explicit
    /// The `BNN_DATA` environment variable.
    case environment
    /// The dataset's folder under `./Data/` in the current directory.
    case workingDirectory
    /// The dataset's system-wide folder (e.g. where its Debian package installs it).
    case systemDirectory
    /// The subset shipped inside bnn-tui.
    case embedded

    /// How to name the origin in a message.
    public var flag: String {
        switch self {
        case .explicit: return "--data"
        case .environment: return "BNN_DATA"
        case .workingDirectory: return "the working directory"
        case .systemDirectory: return "the system dataset folder"
        case .embedded: return "the embedded subset"
        }
    }

    /// Whether a problem with this origin's directory is an error (true) or a reason to look further.
    public var isUserChoice: Bool { self == .explicit || self == .environment }
}

/// Which data a run uses: a directory with the full data, or the embedded subset.
///
/// Runs carry it so the CLI and the dashboard can say what they train on
/// (`description` is ready for a notice line or a status bar).
public enum DatasetSource: Equatable, Sendable, CustomStringConvertible {
    /// A directory holding the four IDX files (plain or gzip), found via `origin`.
    case directory(path: String, origin: DatasetOrigin)
    /// The subset shipped with bnn-tui (see `DatasetDescriptor.embeddedSubset`), at `path`.
    case embeddedSubset(path: String)

    /// The directory the files are read from.
    public var path: String {
        switch self {
        case let .directory(path, _), let .embeddedSubset(path): return path
        }
    }

    /// How the directory was found.
    public var origin: DatasetOrigin {
        switch self {
        case let .directory(_, origin): return origin
        case .embeddedSubset: return .embedded
        }
    }

    /// True for the embedded subset.
    public var isEmbeddedSubset: Bool {
        if case .embeddedSubset = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .directory(path, origin):
            return "\(path) (from \(origin.flag))"
        case .embeddedSubset:
            return "the embedded subset"
        }
    }
}
