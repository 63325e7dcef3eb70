import BNNEmbeddedData
import Foundation

/// Decides which dataset directory a run reads, in a fixed order.
///
/// 1. `explicitDirectory` (the CLI's `--data DIR`),
/// 2. the `BNN_DATA` environment variable (an empty value counts as unset),
/// 3. `./Data/fashion-mnist/` under `currentDirectory`,
/// 4. `systemDirectory` (`/usr/share/datasets/fashion-mnist/`, Debian's `dataset-fashion-mnist`),
/// 5. the embedded subset.
///
/// A directory the user named (1, 2) that is missing or lacks a file is an error,
/// never a silent fallback; the implicit places (3, 4) are skipped when absent or
/// incomplete. Falling back to the subset yields a one-line `notice` for the CLI.
/// All inputs are stored properties so tests can check the order.
public struct DatasetLocator: Sendable {
    /// The environment variable naming a dataset directory.
    public static let environmentVariable = "BNN_DATA"
    /// Where, under the current directory, a full copy is looked for.
    public static let workingDirectorySubpath = "Data/fashion-mnist"
    /// Where Debian's `dataset-fashion-mnist` installs the files.
    public static let defaultSystemDirectory = "/usr/share/datasets/fashion-mnist"

    /// The CLI's `--data DIR`, if given (relative paths are taken from `currentDirectory`).
    public var explicitDirectory: String?
    /// The process environment (only `BNN_DATA` and `HOME` are read).
    public var environment: [String: String]
    /// The directory `./Data/fashion-mnist` and relative paths are resolved against.
    public var currentDirectory: String
    /// The system-wide dataset directory.
    public var systemDirectory: String
    /// The embedded subset's folder, or nil if it could not be found (see `EmbeddedSubset`).
    public var embeddedDirectory: String?

    public init(
        explicitDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        systemDirectory: String = DatasetLocator.defaultSystemDirectory,
        embeddedDirectory: String? = EmbeddedSubset.directory()
    ) {
        self.explicitDirectory = explicitDirectory
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.systemDirectory = systemDirectory
        self.embeddedDirectory = embeddedDirectory
    }

    /// Finds the dataset, or throws `directoryNotFound` / `missingFiles` for a bad
    /// `--data` or `BNN_DATA` directory, or `embeddedSubsetMissing` if nothing is left.
    public func locate() throws(DatasetError) -> DatasetLocation {
        if let explicitDirectory {
            return try userDirectory(explicitDirectory, origin: .explicit)
        }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try userDirectory(fromEnvironment, origin: .environment)
        }

        var incomplete: [String] = []
        let implicit: [(String, DatasetOrigin)] = [
            ((currentDirectory as NSString).appendingPathComponent(Self.workingDirectorySubpath), .workingDirectory),
            (systemDirectory, .systemDirectory),
        ]
        for (directory, origin) in implicit {
            switch DatasetFiles.lookup(in: directory) {
            case let .found(files):
                return DatasetLocation(source: .directory(path: directory, origin: origin), files: files, notice: nil)
            case let .incomplete(missing):
                incomplete.append("\(directory) lacks \(missing.joined(separator: ", "))")
            case .noDirectory:
                break
            }
        }

        if let embeddedDirectory, case let .found(files) = DatasetFiles.lookup(in: embeddedDirectory) {
            var notice = "No Fashion-MNIST found (--data, \(Self.environmentVariable), ./\(Self.workingDirectorySubpath), "
                + "\(systemDirectory)); using the embedded subset (6,000 training + 1,000 test images). "
                + "For the full 70,000, install dataset-fashion-mnist or pass --data DIR."
            if !incomplete.isEmpty { notice += " Skipped: \(incomplete.joined(separator: "; "))." }
            return DatasetLocation(source: .embeddedSubset(path: embeddedDirectory), files: files, notice: notice)
        }
        var searched = EmbeddedSubset.candidateDirectories()
        if let embeddedDirectory, !searched.contains(embeddedDirectory) { searched.insert(embeddedDirectory, at: 0) }
        throw .embeddedSubsetMissing(searched: searched)
    }

    /// A directory the user named: it must exist and hold all four files.
    private func userDirectory(_ given: String, origin: DatasetOrigin) throws(DatasetError) -> DatasetLocation {
        let directory = resolve(given)
        switch DatasetFiles.lookup(in: directory) {
        case let .found(files):
            return DatasetLocation(source: .directory(path: directory, origin: origin), files: files, notice: nil)
        case let .incomplete(missing):
            throw .missingFiles(directory: directory, origin: origin, missing: missing)
        case .noDirectory:
            throw .directoryNotFound(path: directory, origin: origin)
        }
    }

    /// Expands a leading `~` (from `HOME`) and makes a relative path absolute from `currentDirectory`.
    func resolve(_ path: String) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], !home.isEmpty {
            path = home + path.dropFirst()
        }
        if !path.hasPrefix("/"), !path.isEmpty {
            path = (currentDirectory as NSString).appendingPathComponent(path)
        }
        return path
    }
}

/// The outcome of `DatasetLocator.locate()`: which files to read and what to tell the user.
public struct DatasetLocation: Equatable, Sendable {
    /// Where the files are and how that place was chosen.
    public let source: DatasetSource
    /// The four IDX files.
    public let files: DatasetFiles
    /// One line for the CLI to print when the run falls back to the embedded subset; nil otherwise.
    public let notice: String?

    public init(source: DatasetSource, files: DatasetFiles, notice: String?) {
        self.source = source
        self.files = files
        self.notice = notice
    }
}
