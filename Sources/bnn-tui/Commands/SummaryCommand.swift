import ArgumentParser
import BNNData
import BNNDeploy
import BNNEngine
import BNNKernels
import BNNSupport
import Foundation

/// `bnn-tui summary`: what a binarized network stores and computes, what that costs in
/// energy, and how fast the packed model runs here (docs/deploy.md).
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per-layer sizes and operations, an energy estimate and the measured latency of a binarized MLP or ConvNet.",
        discussion: """
        Takes an architecture (784-1024-10, 32C3-MP2-64C3-MP2-256FC-10), a checkpoint or a packed model. \
        The table has a row per dense layer, 3×3 convolution and 2×2 max-pooling and counts binary \
        weights, other parameters, packed (1-bit) and float32 memory, XNOR-popcount work per bit and per \
        64-bit word, and real-valued multiply-accumulates. The energy estimate uses Horowitz's 45 nm \
        figures (ISSCC 2014) and prints every assumption beside it. The latency is measured on this CPU \
        with the packed model (random weights for an architecture: the time does not depend on them).
        """)

    @Argument(help: "An architecture such as 784-1024-10 or 32C3-MP2-64C3-MP2-256FC-10, a checkpoint (train --save) or a packed model (.bnn).")
    var target: String

    @Flag(help: "Print the same figures as one JSON object.")
    var json = false

    @Flag(name: .customLong("no-latency"), help: "Skip the latency measurement.")
    var noLatency = false

    @Option(parsing: .unconditional, help: "Images to time (test images when a dataset is found, random pixels otherwise).")
    var images: Int = 1000

    @Option(help: "For an architecture: what its binary convolutions read outside the image, one or zero (as train --padding). A checkpoint or model says its own.")
    var padding: ConvolutionPadding?

    @OptionGroup var data: DataOptions

    func validate() throws {
        if padding != nil && FileManager.default.fileExists(atPath: target) {
            throw ValidationError("--padding is for an architecture; \(target) records its own padding")
        }
        guard images >= 1 && images <= 100_000 else { throw ValidationError("--images must be in 1...100000 (got \(images))") }
    }

    func run() throws {
        try reportingFailures {
            let (model, source) = try load()
            var latency: LatencyMeasurement?
            if !noLatency {
                do { latency = try LatencyMeasurement(model: model, pixels: pixels(for: model)) } catch {
                    throw CommandFailure.runtime("latency measurement failed: \(error)")
                }
            }
            let report = SummaryReport(source: source, architecture: model.architecture,
                                       summary: ModelSummary(model: model), latency: latency)
            if json {
                do { print(try report.json()) } catch { throw CommandFailure.runtime("\(error)") }
            } else {
                print(report.text())
            }
        }
    }

    private func load() throws(CommandFailure) -> (PackedModel, String) {
        if FileManager.default.fileExists(atPath: target) {
            let input = try ModelInput(path: target)
            return (input.model, target + (input.checkpoint.map { " (\($0.configuration.mode) checkpoint, \($0.trainedDescription))" } ?? " (packed model)"))
        }
        let arch: Architecture
        do { arch = try Architecture(parsing: target) } catch {
            throw .usage("\(target) is neither a file nor an architecture: \(error)")
        }
        let layers = arch.layers.map { spec -> RandomNetwork.Layer in
            switch spec {
            case .convolution(let n): return .convolution(outputChannels: n)
            case .maxPool: return .maxPool
            case .dense(let n): return .dense(units: n)
            }
        }
        let input = arch.hasConvolutions ? FeatureShape(height: arch.input.height, width: arch.input.width, channels: arch.input.channels)
            : .vector(arch.inputSize)
        do { return (try RandomNetwork.model(input: input, layers: layers, padding: padding ?? .one), "architecture \(arch)") } catch {
            throw .usage("\(error)")
        }
    }

    private func pixels(for model: PackedModel) -> [UInt8] {
        let n = model.inputSize
        if let location = try? DatasetLocator(dataset: data.dataset, explicitDirectory: data.data).locate(),
           let test = try? DatasetLoader.loadFiles(location.files, classCount: location.dataset.classCount).test,
           test.featureCount == n {
            let count = min(images, test.count)
            return Array(test.pixels[0..<(count * n)])
        }
        var rng = SeededGenerator(seed: 1)
        return (0..<(images * n)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
}
