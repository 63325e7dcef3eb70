import ArgumentParser
import BNNData

/// Which dataset a command reads and where: `--dataset` and `--data`, shared by
/// `train`, the dashboard, `report` and `eval`.
struct DataOptions: ParsableArguments {
    @Option(help: "The dataset the files hold: \(DatasetDescriptor.all.map(\.id).joined(separator: ", ")). It names the data in headers, reports and messages and picks the default folders.")
    var dataset: DatasetDescriptor = .default

    @Option(help: "Dataset directory with the four IDX files (plain or .gz). Default: $BNN_DATA, then ./Data/<dataset>, then the dataset's system folder (\(DatasetDescriptor.default.systemDirectory) for \(DatasetDescriptor.default.id)), then the embedded subset (\(DatasetDescriptor.default.id) only).")
    var data: String?

    /// Finds the files, printing the one-line notice when the embedded subset stands in.
    func locate() throws(CommandFailure) -> DatasetLocation {
        do {
            let location = try DatasetLocator(dataset: dataset, explicitDirectory: data).locate()
            if let notice = location.notice { printError("bnn-tui: \(notice)") }
            return location
        } catch {
            throw .usage(error.description)
        }
    }

    /// The arguments that give a child `bnn-tui` process the same data.
    var arguments: [String] {
        (dataset == .default ? [] : ["--dataset", dataset.id]) + (data.map { ["--data", $0] } ?? [])
    }
}

extension DatasetDescriptor: ExpressibleByArgument {
    public init?(argument: String) {
        guard let named = DatasetDescriptor.named(argument) else { return nil }
        self = named
    }

    public var defaultValueDescription: String { id }

    public static var allValueStrings: [String] { all.map(\.id) }
}
