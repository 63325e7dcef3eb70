import BNNSupport
import BNNData
import BNNEngine
import Foundation

/// Finds and loads the dataset for a training command, printing the one-line
/// notice when the embedded subset stands in for the full set.
enum DataLoading {
    static func load(_ options: TrainingOptions, architecture: Architecture) throws(CommandFailure) -> (TrainingData, DatasetSplits) {
        let location = try options.data.locate()
        let splits: DatasetSplits
        do {
            splits = try DatasetLoader.loadSplits(
                from: location, options: SplitOptions(trainLimit: options.trainLimit, evalLimit: options.evalLimit))
        } catch {
            throw .usage(error.description)
        }
        let imageShape = splits.train.shape
        guard architecture.isWidthList || architecture.input == imageShape else {
            throw .usage("--arch \(architecture) is laid out for \(architecture.input) images but the data has \(imageShape)")
        }
        guard architecture.inputSize == splits.train.featureCount else {
            throw .usage("--arch \(architecture) takes \(architecture.inputSize) inputs but the images have \(splits.train.featureCount) pixels (\(splits.train.rows)x\(splits.train.cols)); start it with \(splits.train.featureCount)-")
        }
        guard architecture.outputSize == splits.train.classCount else {
            throw .usage("--arch \(architecture) has \(counted(architecture.outputSize, "output")) but the data has \(splits.train.classCount) classes; end it with -\(splits.train.classCount)")
        }
        guard splits.train.count >= options.batch else {
            throw .usage("--batch \(options.batch) is larger than the training set (\(splits.train.count) images)")
        }
        let data = TrainingData(train: splits.train, validation: splits.validation, test: splits.test)
        return (data, splits)
    }
}
