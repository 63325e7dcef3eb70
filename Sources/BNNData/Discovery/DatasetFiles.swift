import Foundation

/// The four IDX files of a dataset by role: their names in a descriptor, their
/// paths once found in a directory.
///
/// Both MNISTs name them `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
/// `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte` (`mnistLayout`), each plain or
/// with `.gz` (the plain file wins if both exist; the reader itself decides plain or
/// gzip from the content, not the name).
public struct DatasetFiles: Equatable, Sendable {
    /// The names MNIST published and its drop-in replacements kept.
    public static let mnistLayout = DatasetFiles(
        trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// The default dataset's names without `.gz`, in the order train images, train labels,
    /// test images, test labels.
    public static var baseNames: [String] { DatasetDescriptor.default.files.all }

    public let trainImages: String
    public let trainLabels: String
    public let testImages: String
    public let testLabels: String

    public init(trainImages: String, trainLabels: String, testImages: String, testLabels: String) {
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    /// The four, in the order train images, train labels, test images, test labels.
    public var all: [String] { [trainImages, trainLabels, testImages, testLabels] }

    /// What looking in one directory found.
    public enum Lookup: Equatable, Sendable {
        /// All four files are there and readable.
        case found(DatasetFiles)
        /// The directory exists but lacks these files (`name[.gz]`) or cannot read them.
        case incomplete(missing: [String])
        /// There is no directory at that path.
        case noDirectory
    }

    /// Looks for the four files named by `names` in `directory`.
    public static func lookup(in directory: String, names: DatasetFiles = DatasetDescriptor.default.files) -> Lookup {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .noDirectory
        }
        var paths: [String] = []
        var missing: [String] = []
        for base in names.all {
            let candidates = [base, base + ".gz"].map { (directory as NSString).appendingPathComponent($0) }
            if let path = candidates.first(where: { isReadableRegularFile($0, fm) }) {
                paths.append(path)
            } else {
                missing.append(base + "[.gz]")
            }
        }
        guard missing.isEmpty else { return .incomplete(missing: missing) }
        return .found(DatasetFiles(trainImages: paths[0], trainLabels: paths[1], testImages: paths[2], testLabels: paths[3]))
    }

    private static func isReadableRegularFile(_ path: String, _ fm: FileManager) -> Bool {
        var isDirectory: ObjCBool = false
        return fm.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && fm.isReadableFile(atPath: path)
    }
}
