import BNNSupport

/// A dataset bnn-tui can train on, and everything that differs between datasets.
///
/// The data layer, the CLI, the dashboard and the report read names, shapes,
/// class names, file names, the validation rule and the default locations from
/// here, never from literals, so `--dataset mnist --data DIR` says MNIST in
/// every header, message and report. Adding a dataset in the same IDX layout
/// is one more `static let` and an entry in `all`.
public struct DatasetDescriptor: Sendable, Equatable, CustomStringConvertible {
    /// The `--dataset` value, e.g. "fashion-mnist".
    public let id: String
    /// The name headers, reports and messages show, e.g. "Fashion-MNIST".
    public let name: String
    /// The shape of one image of a full copy. The loader takes the shape the files
    /// declare (any IDX images load); this is what a model for this dataset expects.
    public let imageShape: ImageShape
    /// Class names by label (label `k` is `classNames[k]`).
    public let classNames: [String]
    /// The names of the four IDX files (each plain or with `.gz`).
    public let files: DatasetFiles
    /// How the training file is divided into training and validation.
    public let validationSplit: ValidationSplit
    /// Where, under the current directory, a full copy is looked for, e.g. "Data/fashion-mnist".
    public let workingDirectorySubpath: String
    /// Where a system-wide copy lives, e.g. "/usr/share/datasets/fashion-mnist".
    public let systemDirectory: String
    /// The Debian package that installs `systemDirectory`, if there is one.
    public let systemPackage: String?
    /// What the subset shipped inside bnn-tui holds, if this dataset has one
    /// (it is the last fallback when no full copy is found).
    public let embeddedSubset: EmbeddedSubsetSummary?

    public init(id: String, name: String, imageShape: ImageShape, classNames: [String], files: DatasetFiles,
                validationSplit: ValidationSplit, workingDirectorySubpath: String, systemDirectory: String,
                systemPackage: String?, embeddedSubset: EmbeddedSubsetSummary?) {
        self.id = id
        self.name = name
        self.imageShape = imageShape
        self.classNames = classNames
        self.files = files
        self.validationSplit = validationSplit
        self.workingDirectorySubpath = workingDirectorySubpath
        self.systemDirectory = systemDirectory
        self.systemPackage = systemPackage
        self.embeddedSubset = embeddedSubset
    }

    /// Number of classes (the output layer's width).
    public var classCount: Int { classNames.count }
    public var description: String { name }

    /// The name of class `label`, or "class N" for a label the descriptor does not know.
    public func className(_ label: Int) -> String {
        classNames.indices.contains(label) ? classNames[label] : "class \(label)"
    }

    /// Zalando's Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 60,000 training and
    /// 10,000 test images of clothing, 28x28 grey, ten classes. The default.
    public static let fashionMNIST = DatasetDescriptor(
        id: "fashion-mnist", name: "Fashion-MNIST",
        imageShape: ImageShape(height: 28, width: 28, channels: 1),
        classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        files: .mnistLayout, validationSplit: .lastSixth,
        workingDirectorySubpath: "Data/fashion-mnist",
        systemDirectory: "/usr/share/datasets/fashion-mnist", systemPackage: "dataset-fashion-mnist",
        embeddedSubset: EmbeddedSubsetSummary(trainingImages: 6_000, testImages: 1_000))

    /// LeCun, Cortes and Burges's MNIST handwritten digits: the same layout, shape and
    /// counts as Fashion-MNIST (which was made as its drop-in replacement), ten digits.
    public static let mnist = DatasetDescriptor(
        id: "mnist", name: "MNIST",
        imageShape: ImageShape(height: 28, width: 28, channels: 1),
        classNames: (0...9).map { "\($0)" },
        files: .mnistLayout, validationSplit: .lastSixth,
        workingDirectorySubpath: "Data/mnist",
        systemDirectory: "/usr/share/datasets/mnist", systemPackage: nil,
        embeddedSubset: nil)

    /// Every dataset `--dataset` accepts, the default first.
    public static let all: [DatasetDescriptor] = [.fashionMNIST, .mnist]

    /// The dataset used when none is named.
    public static let `default` = fashionMNIST

    /// The dataset whose `id` is `id`, if any.
    public static func named(_ id: String) -> DatasetDescriptor? {
        all.first { $0.id == id }
    }
}

/// How much of the training file validates: the last `1/denominator` of it, rounded down.
///
/// The course report the project reproduces trains on the first 50,000 of the
/// 60,000 training images and validates on the last 10,000: the last sixth. The rule
/// is a fraction, not a count, so a training file of any size splits the same way
/// (the 6,000-image embedded subset gives 5,000 / 1,000).
public struct ValidationSplit: Sendable, Equatable, CustomStringConvertible {
    /// The validation split is the last `count / denominator` images.
    public let denominator: Int

    public init(lastFractionDenominator denominator: Int) {
        precondition(denominator >= 2, "a validation split needs a denominator of at least 2")
        self.denominator = denominator
    }

    /// The last sixth (the course report's 50,000 / 10,000 of 60,000).
    public static let lastSixth = ValidationSplit(lastFractionDenominator: 6)

    /// How many of `trainingFileCount` images validate.
    public func validationCount(forTrainingFileCount trainingFileCount: Int) -> Int {
        max(0, trainingFileCount) / denominator
    }

    public var description: String { "the last 1/\(denominator) of the training file" }
}

/// The size of the subset of a dataset that ships inside bnn-tui.
public struct EmbeddedSubsetSummary: Sendable, Equatable, CustomStringConvertible {
    public let trainingImages: Int
    public let testImages: Int

    public init(trainingImages: Int, testImages: Int) {
        self.trainingImages = trainingImages
        self.testImages = testImages
    }

    /// E.g. "6,000 training + 1,000 test images".
    public var description: String {
        "\(trainingImages.groupedDigits) training + \(testImages.groupedDigits) test images"
    }
}
