/// Builds a run's `RunInsight` from the network and the epoch's evaluation
/// observers: the one place that reads the first layer's weights and the test
/// images for the insight view.
enum InsightProbe {
    /// Before any epoch of this session: receptive fields only, plus the last stored
    /// epoch's matrix and misclassified list when resuming (their pixels come with the next epoch).
    static func initialInsight(of network: Network, history: [EpochMetrics]) -> RunInsight {
        let side = imageSide(network)
        return RunInsight(epoch: history.last?.epoch ?? 0, confusion: history.last?.valConfusion,
                          misclassified: [], misclassifiedPixels: [], imageWidth: side, imageHeight: side,
                          receptiveFields: receptiveFields(of: network), weightZoom: weightZoom(of: network))
    }

    /// After an epoch: the validation matrix, the worst test images with their pixels
    /// (gathered into `input`, which holds at least `RunInsight.keptMisclassified` rows),
    /// and the receptive fields as the weights stand.
    static func insight(of network: Network, epoch: Int, validation: EvaluationObserver, test: EvaluationObserver,
                        testSet: any ImageBatchSource, input: FloatBuffer) -> RunInsight {
        let worst = test.worst(RunInsight.keptMisclassified)
        let side = imageSide(network)
        return RunInsight(epoch: epoch, confusion: validation.confusion, misclassified: worst,
                          misclassifiedPixels: pixels(of: worst.map(\.index), in: testSet, buffer: input),
                          imageWidth: side, imageHeight: side, receptiveFields: receptiveFields(of: network),
                          weightZoom: weightZoom(of: network))
    }

    private static func weightZoom(of network: Network) -> [ZoomedHistogram] {
        network.weightLayers.map(\.weights).map { ZoomedHistogram(values: $0.value.pointer, count: $0.count) }
    }

    /// The side of the square image the first layer sees (28 for the 28×28 datasets), or 0.
    private static func imageSide(_ network: Network) -> Int {
        let n = network.configuration.architecture.inputSize
        let side = Int(Double(n).squareRoot().rounded())
        return side * side == n ? side : 0
    }

    /// A dense first layer (an MLP): a few neurons' weights as pictures of the square image.
    /// A first convolution (a ConvNet, which sees the real image): its 3×3 filters.
    private static func receptiveFields(of network: Network) -> [ReceptiveField] {
        if let conv = network.weightLayers.first as? ConvolutionLayer {
            let g = conv.geometry
            return ReceptiveFieldChoice.chooseFilters(count: RunInsight.filterCount, weights: conv.latent.parameter.value.pointer,
                                                      outputChannels: g.outputChannels, inputChannels: g.inputChannels,
                                                      kernelSize: g.kernelSize)
        }
        let side = imageSide(network)
        guard side > 0, let first = network.weightLayers.first as? DenseLayer else { return [] }
        return ReceptiveFieldChoice.choose(count: RunInsight.fieldCount, weights: first.latent.parameter.value.pointer,
                                           inputs: first.inputs, outputs: first.outputs, width: side, height: side)
    }

    /// Images `indices` of `set` as bytes (pixel p in [-1, 1] → round((p + 1) · 127.5)).
    private static func pixels(of indices: [Int], in set: any ImageBatchSource, buffer: FloatBuffer) -> [[UInt8]] {
        let features = set.featureCount
        guard !indices.isEmpty, indices.count * features <= buffer.count else { return [] }
        var labels = [Int32](repeating: 0, count: indices.count)
        indices.withUnsafeBufferPointer { ix in
            labels.withUnsafeMutableBufferPointer { l in set.gather(indices: ix, pixels: buffer.pointer, labels: l.baseAddress!) }
        }
        return (0..<indices.count).map { r in
            (0..<features).map { i in
                let p = buffer.pointer[r * features + i]
                return UInt8(Swift.max(0, Swift.min(255, ((p + 1) * 127.5).rounded())))
            }
        }
    }
}
