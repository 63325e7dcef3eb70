import BNNEmbeddedData
import Foundation

/// Decides which directory holds a dataset's files, in a fixed order.
///
/// 1. `explicitDirectory` (the CLI's `--data DIR`),
/// 2. the `BNN_DATA` environment variable (an empty value counts as unset),
/// 3. `./<dataset.workingDirectorySubpath>` under `currentDirectory` (e.g. `./Data/mnist`),
/// 4. `systemDirectory` (the descriptor's, e.g. where its Debian package installs it),
/// 5. the embedded subset, for a dataset that has one.
///
/// A directory the user named (1, 2) that is missing or lacks a file is an error,
/// never a silent fallback; the implicit places (3, 4) are skipped when absent or
/// incomplete. Falling back to the subset yields a one-line `notice` for the CLI.
/// All inputs are stored properties so tests can check the order.
public struct DatasetLocator: Sendable {
    /// The environment variable naming a dataset directory.
    public static let environmentVariable = "BNN_DATA"

    /// The dataset looked for: its file names, default places and whether it has an embedded subset.
    public var dataset: DatasetDescriptor
    /// The CLI's `--data DIR`, if given (relative paths are taken from `currentDirectory`).
    public var explicitDirectory: String?
    /// The process environment (only `BNN_DATA` and `HOME` are read).
    public var environment: [String: String]
    /// The directory the working-directory copy and relative paths are resolved against.
    public var currentDirectory: String
    /// The system-wide dataset directory.
    public var systemDirectory: String
    /// The embedded subset's folder, or nil if it could not be found (see `EmbeddedSubset`).
    public var embeddedDirectory: String?

    /// `systemDirectory` nil means the dataset's own; `embeddedDirectory` is ignored for a
    /// dataset without an embedded subset.
    public init(
        dataset: DatasetDescriptor = .default,
        explicitDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        systemDirectory: String? = nil,
        embeddedDirectory: String? = EmbeddedSubset.directory()
    ) {
        self.dataset = dataset
        self.explicitDirectory = explicitDirectory
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.systemDirectory = systemDirectory ?? dataset.systemDirectory
        self.embeddedDirectory = dataset.embeddedSubset == nil ? nil : embeddedDirectory
    }

    /// Finds the dataset, or throws `directoryNotFound` / `missingFiles` for a bad
    /// `--data` or `BNN_DATA` directory, `embeddedSubsetMissing` if nothing is left,
    /// or `datasetNotFound` for a dataset without an embedded subset.
    public func locate() throws(DatasetError) -> DatasetLocation {
        if let explicitDirectory {
            return try userDirectory(explicitDirectory, origin: .explicit)
        }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try userDirectory(fromEnvironment, origin: .environment)
        }

        var incomplete: [String] = []
        let implicit: [(String, DatasetOrigin)] = [
            ((currentDirectory as NSString).appendingPathComponent(dataset.workingDirectorySubpath), .workingDirectory),
            (systemDirectory, .systemDirectory),
        ]
        for (directory, origin) in implicit {
            switch DatasetFiles.lookup(in: directory, names: dataset.files) {
            case let .found(files):
                return DatasetLocation(dataset: dataset, source: .directory(path: directory, origin: origin),
                                       files: files, notice: nil)
            case let .incomplete(missing):
                incomplete.append("\(directory) lacks \(missing.joined(separator: ", "))")
            case .noDirectory:
                break
            }
        }

        let places = "--data, \(Self.environmentVariable), ./\(dataset.workingDirectorySubpath), \(systemDirectory)"
        guard let subset = dataset.embeddedSubset else {
            throw .datasetNotFound(dataset: dataset.name, searched: places, skipped: incomplete)
        }
        if let embeddedDirectory, case let .found(files) = DatasetFiles.lookup(in: embeddedDirectory, names: dataset.files) {
            let install = dataset.systemPackage.map { "install \($0) or " } ?? ""
            var notice = "No \(dataset.name) found (\(places)); using the embedded subset (\(subset)). "
                + "For the full set, \(install)pass --data DIR."
            if !incomplete.isEmpty { notice += " Skipped: \(incomplete.joined(separator: "; "))." }
            return DatasetLocation(dataset: dataset, source: .embeddedSubset(path: embeddedDirectory),
                                   files: files, notice: notice)
        }
        var searched = EmbeddedSubset.candidateDirectories()
        if let embeddedDirectory, !searched.contains(embeddedDirectory) { searched.insert(embeddedDirectory, at: 0) }
        throw .embeddedSubsetMissing(dataset: dataset.name, searched: searched)
    }

    /// A directory the user named: it must exist and hold all four files.
    private func userDirectory(_ given: String, origin: DatasetOrigin) throws(DatasetError) -> DatasetLocation {
        let directory = resolve(given)
        switch DatasetFiles.lookup(in: directory, names: dataset.files) {
        case let .found(files):
            return DatasetLocation(dataset: dataset, source: .directory(path: directory, origin: origin),
                                   files: files, notice: nil)
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
    /// The dataset the files hold (as the user named it).
    public let dataset: DatasetDescriptor
    /// Where the files are and how that place was chosen.
    public let source: DatasetSource
    /// The four IDX files.
    public let files: DatasetFiles
    /// One line for the CLI to print when the run falls back to the embedded subset; nil otherwise.
    public let notice: String?

    public init(dataset: DatasetDescriptor = .default, source: DatasetSource, files: DatasetFiles, notice: String?) {
        self.dataset = dataset
        self.source = source
        self.files = files
        self.notice = notice
    }
}
