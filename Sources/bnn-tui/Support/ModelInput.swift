import BNNData
import BNNDeploy
import BNNEngine
import BNNKernels
import BNNSupport
import Foundation

/// A trained network given on the command line as a checkpoint or a packed model file.
///
/// `export --format c` and `summary` take either; the file's magic bytes decide.
/// A checkpoint also knows its run (mode, name, epochs, recorded test error).
struct ModelInput {
    let path: String
    let model: PackedModel
    /// Set when the input is a checkpoint.
    let checkpoint: RunCheckpoint?

    /// Reads `path`: a checkpoint (train --save) or a packed model (export).
    init(path: String) throws(CommandFailure) {
        self.path = path
        let data: Data
        do { data = try FileContents.read(path) } catch { throw .usage(error.description) }
        if data.isEmpty { throw .usage("\(path) is empty: neither a packed model (export) nor a checkpoint (train --save)") }
        if data.starts(with: PackedModelFormat.magic) {
            do { model = try PackedModel(serialized: [UInt8](data), path: path) } catch { throw .usage("\(error)") }
            checkpoint = nil
            return
        }
        let saved: RunCheckpoint
        do { saved = try RunCheckpoint(data: data, path: path) } catch { throw .usage("\(error)") }
        do { model = try PackedModel(network: try saved.inferenceNetwork()) } catch { throw .usage("\(path): \(error)") }
        checkpoint = saved
    }

    /// The test images, when a dataset can be found (nil, with a notice, otherwise).
    static func testImages(_ data: DataOptions, for model: PackedModel) -> LabeledImages? {
        do {
            let location = try data.locate()
            let test = try DatasetLoader.loadFiles(location.files, classCount: location.dataset.classCount).test
            return test.featureCount == model.inputSize ? test : nil
        } catch {
            printError("bnn-tui: no test set (\(error)); the test error is not measured")
            return nil
        }
    }

    /// What the generated header says about the run; measures the test error on `test` when given.
    /// The class names are `dataset`'s when its class count matches the model's.
    func provenance(test: LabeledImages?, dataset: DatasetDescriptor) throws(CommandFailure) -> ModelProvenance {
        let arch = model.isConvolutional
            ? "\(model.architecture) ConvNet on \(model.inputShape.height)x\(model.inputShape.width)x\(model.inputShape.channels) images" + (Self.padding(of: model).map { ", \($0.rawValue)-padding in the binary convolutions" } ?? "")
            : "\(model.architecture) multilayer perceptron"
        var mode = "not recorded (a packed model file holds only the network)"
        var run = "not recorded (exported from the packed model \(URL(fileURLWithPath: path).lastPathComponent))"
        var recorded = ""
        if let c = checkpoint {
            mode = c.configuration.mode == .deterministic
                ? "det (deterministic sign binarization of weights and activations)"
                : "stoch (trained with stochastic binarization; inference uses sign, as eval)"
            run = "'\(c.name)', \(c.trainedDescription), seed \(c.configuration.seed), checkpoint \(URL(fileURLWithPath: path).lastPathComponent)"
            if let last = c.history.last {
                // The run may have evaluated fewer test images (--eval-limit): say how many.
                let images = c.dataSizes.map { " on its \($0.test) test images" } ?? " on the test images it used"
                recorded = String(format: "; %.2f%% recorded by the engine after epoch %d", 100 * last.testError, last.epoch) + images
                    + (c.epochProgress.map { ", before the checkpoint's \($0.batchesDone) batches of epoch \(c.completedEpochs + 1)" } ?? "")
            }
        }
        var error = "not measured (no test set found)" + recorded
        if let test {
            let classes: [Int]
            do { classes = try model.predict(pixels: test.pixels, gemm: try BinaryGEMM(threadCount: 1)) } catch {
                throw .runtime("\(error)")
            }
            let wrong = zip(classes, test.labels).filter { $0 != Int($1) }.count
            error = String(format: "%.2f%% (%d of %d test images, packed model at export)", 100 * Double(wrong) / Double(test.count), wrong, test.count) + recorded
        }
        let names = dataset.classCount == model.classCount && dataset.imageShape.featureCount == model.inputSize ? dataset.classNames : nil
        return ModelProvenance(architecture: "\(arch), binary weights and activations",
                               mode: mode, trainingRun: run, testError: error, classNames: names)
    }

    /// The padding of a ConvNet's binary convolutions (nil when it has none).
    static func padding(of model: PackedModel) -> ConvolutionPadding? {
        for index in 0..<model.layerCount {
            if case .convolution(let c) = model.view(layer: index), let p = c.padding { return p }
        }
        return nil
    }
}
