import BNNData
import Foundation
import Testing

/// The dataset descriptor: what differs between Fashion-MNIST and MNIST, and how the
/// locator, the loader and the splits follow it.
@Suite("Dataset descriptor")
struct DatasetDescriptorTests {
    @Test("both datasets: 28x28x1, ten named classes, the IDX names, the last sixth validates")
    func descriptors() {
        for dataset in DatasetDescriptor.all {
            #expect(dataset.imageShape == ImageShape(height: 28, width: 28, channels: 1))
            #expect(dataset.imageShape.featureCount == 784)
            #expect(dataset.classCount == 10)
            #expect(Set(dataset.classNames).count == 10)
            #expect(dataset.files.all.count == 4)
            #expect(dataset.validationSplit.validationCount(forTrainingFileCount: 60_000) == 10_000)
            #expect(DatasetDescriptor.named(dataset.id) == dataset)
        }
        #expect(DatasetDescriptor.default == .fashionMNIST)
        #expect(DatasetDescriptor.fashionMNIST.className(0) == "T-shirt/top")
        #expect(DatasetDescriptor.fashionMNIST.className(9) == "Ankle boot")
        #expect(DatasetDescriptor.mnist.className(7) == "7")
        #expect(DatasetDescriptor.mnist.className(12) == "class 12")
        #expect(DatasetDescriptor.named("cifar") == nil)
        #expect(DatasetDescriptor.fashionMNIST.embeddedSubset?.description == "6,000 training + 1,000 test images")
        #expect(DatasetDescriptor.mnist.embeddedSubset == nil)
        #expect(ImageShape(height: 32, width: 32, channels: 3).description == "32x32x3")
    }

    @Test("the split rule is a fraction, not Fashion-MNIST's 60,000")
    func splitRule() throws {
        let rule = ValidationSplit(lastFractionDenominator: 4)
        #expect(rule.validationCount(forTrainingFileCount: 20) == 5)
        let tenths = DatasetDescriptorTests.descriptor(validationSplit: ValidationSplit(lastFractionDenominator: 10))
        let images = try LabeledImages(rows: 1, cols: 1, pixels: [UInt8](repeating: 0, count: 50),
                                       labels: (0..<50).map { UInt8($0 % 10) })
        let splits = try DatasetSplits(trainingFile: images, testFile: images, source: .directory(path: "/d", origin: .explicit),
                                       dataset: tenths)
        #expect(splits.train.count == 45 && splits.validation.count == 5)
        #expect(splits.dataset == tenths)
    }

    @Test("--dataset mnist: a named directory says MNIST; nothing found is an error, not the Fashion-MNIST subset")
    func mnistDiscovery() throws {
        let root = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(root) }
        let dir = root + "/digits"
        try installValidDataset(in: dir)
        let location = try DatasetLocator(dataset: .mnist, explicitDirectory: dir, environment: [:]).locate()
        #expect(location.dataset == .mnist)
        let splits = try DatasetLoader.loadSplits(from: location)
        #expect(splits.dataset == .mnist)
        #expect(splits.summary.hasPrefix("MNIST, \(dir)"))
        #expect(splits.datasetLabel == "MNIST")

        // The working directory's ./Data/mnist is found; without it there is no fallback.
        let cwd = root + "/cwd"
        try installValidDataset(in: cwd + "/Data/mnist")
        let found = try DatasetLocator(dataset: .mnist, environment: [:], currentDirectory: cwd,
                                       systemDirectory: root + "/none").locate()
        #expect(found.source == .directory(path: cwd + "/Data/mnist", origin: .workingDirectory))
        try FileManager.default.removeItem(atPath: cwd + "/Data/mnist")
        let error = try expectedError {
            try DatasetLocator(dataset: .mnist, environment: [:], currentDirectory: cwd, systemDirectory: root + "/none",
                               embeddedDirectory: root + "/digits").locate()
        }
        guard case .datasetNotFound(let name, _, _) = error else {
            Issue.record("expected datasetNotFound, got \(error)")
            return
        }
        #expect(name == "MNIST")
        #expect(error.description.hasPrefix("no MNIST found (--data, BNN_DATA, ./Data/mnist, \(root)/none)"))
    }

    /// The default dataset with another validation rule.
    static func descriptor(validationSplit: ValidationSplit) -> DatasetDescriptor {
        let d = DatasetDescriptor.fashionMNIST
        return DatasetDescriptor(id: "test", name: "Test", imageShape: d.imageShape, classNames: d.classNames,
                                 files: d.files, validationSplit: validationSplit,
                                 workingDirectorySubpath: d.workingDirectorySubpath, systemDirectory: d.systemDirectory,
                                 systemPackage: nil, embeddedSubset: nil)
    }
}
