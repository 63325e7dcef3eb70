import CBinaryKernels
import BNNSupport

/// Runs a `PackedModel` on batches of raw 8-bit images, reusing its buffers.
///
/// All scratch space (bit planes, integer sums, packed activations, scores) is
/// allocated once for `maxBatch` images, so the hot path allocates nothing per
/// image. Each layer's product and its threshold step run together in one
/// parallel task per band of rows or columns. Not thread-safe: use one
/// predictor per thread.
public final class PackedPredictor {
    public let model: PackedModel
    public let gemm: BinaryGEMM
    /// The most images one pass handles; larger inputs run in chunks.
    public let maxBatch: Int

    /// The first layer's pixel product (table lookup or bit planes, per variant).
    private let firstLayer: PixelProduct
    private let sums: AlignedWords  // Int32 sums, maxBatch x widest layer, viewed through `sumPointer`
    private let sumPointer: UnsafeMutablePointer<Int32>
    private let activations: [AlignedWords]
    private let scores: UnsafeMutablePointer<Float>
    /// ΣW_b per neuron of the first layer (used when it is also the output layer).
    private let firstLayerWeightSums: [Float]
    private var cachedBatch = -1
    private var cachedParts: [[WorkPart]] = []

    init(model: PackedModel, gemm: BinaryGEMM, maxBatch: Int) {
        precondition(maxBatch > 0, "maxBatch must be positive")
        self.model = model
        self.gemm = gemm
        self.maxBatch = maxBatch
        firstLayer = PixelProduct(weights: model.layers[0].weights, weightPopcounts: model.layers[0].weightPopcounts,
                                  variant: gemm.variant, maxBatch: maxBatch)
        let widest = model.widths.dropFirst().max() ?? 1
        sums = AlignedWords(count: (maxBatch * widest + 1) / 2)
        sumPointer = UnsafeMutableRawPointer(sums.pointer).bindMemory(to: Int32.self, capacity: maxBatch * widest)
        let hiddenStride = model.widths.dropFirst().map { BitPackedMatrix.wordsPerRow(forColumns: $0) }.max() ?? 8
        activations = [AlignedWords(count: maxBatch * hiddenStride), AlignedWords(count: maxBatch * hiddenStride)]
        scores = .allocate(capacity: maxBatch * model.classCount)
        let first = model.layers[0]
        firstLayerWeightSums = first.weightPopcounts.map { Float(2 * Int($0) - first.inputs) }
    }

    deinit { scores.deallocate() }

    /// Classes of the images in `pixels` (`inputSize` raw pixels each) written to `classes`.
    public func predict(pixels: UnsafeBufferPointer<UInt8>, classes: UnsafeMutableBufferPointer<Int>) throws(InferenceInputError) {
        let count = try imageCount(pixels, outputs: classes.count, perImage: 1)
        let c = model.classCount
        forEachChunk(pixels, count: count) { start, n in
            for i in 0..<n { classes[start + i] = argmax(scores + i * c, count: c) }
        }
    }

    /// Class scores (the output layer's BatchNorm outputs), `classCount` per image, row-major.
    public func scores(pixels: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>) throws(InferenceInputError) {
        let c = model.classCount
        let count = try imageCount(pixels, outputs: out.count, perImage: c)
        forEachChunk(pixels, count: count) { start, n in
            for i in 0..<(n * c) { out[start * c + i] = scores[i] }
        }
    }

    /// The class of one image of `inputSize` raw pixels.
    public func predict(image: UnsafeBufferPointer<UInt8>) throws(InferenceInputError) -> Int {
        guard image.count == model.inputSize, let base = image.baseAddress else {
            throw .wrongInputSize(pixelsPerImage: model.inputSize, actual: image.count)
        }
        run(base, batch: 1)
        return argmax(scores, count: model.classCount)
    }

    private func imageCount(_ pixels: UnsafeBufferPointer<UInt8>, outputs: Int, perImage: Int) throws(InferenceInputError) -> Int {
        guard pixels.count % model.inputSize == 0 else {
            throw .wrongInputSize(pixelsPerImage: model.inputSize, actual: pixels.count)
        }
        let count = pixels.count / model.inputSize
        guard outputs >= count * perImage else { throw .outputTooSmall(needed: count * perImage, actual: outputs) }
        return count
    }

    private func forEachChunk(_ pixels: UnsafeBufferPointer<UInt8>, count: Int, _ body: (Int, Int) -> Void) {
        guard let base = pixels.baseAddress else { return }
        var start = 0
        while start < count {
            let n = min(maxBatch, count - start)
            run(base + start * model.inputSize, batch: n)
            body(start, n)
            start += n
        }
    }

    private func parts(batch: Int) -> [[WorkPart]] {
        if batch != cachedBatch {
            cachedParts = model.layers.enumerated().map { index, layer in
                gemm.parts(m: batch, n: layer.outputs, kBits: layer.inputs, productsPerOutput: index == 0 ? 8 : 1)
            }
            cachedBatch = batch
        }
        return cachedParts
    }

    /// Runs the network on `batch` images; the scores land in `scores`.
    private func run(_ pixels: UnsafePointer<UInt8>, batch: Int) {
        firstLayer.prepare(pixels: pixels, images: batch)
        let firstLayer = self.firstLayer
        let variant = gemm.variant.cValue
        let layerParts = parts(batch: batch)
        var input = SendablePointer(activations[1].pointer)  // unused by the first layer
        var inputStride = 0
        for (index, layer) in model.layers.enumerated() {
            let n = layer.outputs
            let output = SendablePointer(activations[index % 2].pointer)
            let outputStride = BitPackedMatrix.wordsPerRow(forColumns: n)
            let sums = SendablePointer(sumPointer)
            let scores = SendablePointer(self.scores)
            let src = input, srcStride = inputStride
            let weightSums = firstLayerWeightSums
            WorkPartition.run(layerParts[index]) { part in
                let r0 = part.rows.lowerBound, c0 = part.columns.lowerBound
                let rows = part.rows.count, cols = part.columns.count
                let s = sums.pointer + r0 * n + c0
                layer.weights.withUnsafeWords { w in
                    let wj = w + c0 * layer.weights.wordsPerRow
                    let status: Int32
                    if index == 0 {
                        firstLayer.multiply(rows: part.rows, columns: part.columns, into: s, ldc: n)
                        status = 0
                    } else {
                        status = bnn_xnor_gemm(variant, rows, cols, layer.inputs, src.pointer + r0 * srcStride, srcStride,
                                               wj, layer.weights.wordsPerRow, s, n)
                    }
                    precondition(status == 0, "binary kernel failed with status \(status)")
                }
                switch layer.output {
                case .binarized(let t):
                    t.thresholds.withUnsafeBufferPointer { th in
                        t.flip.withUnsafeBufferPointer { fl in
                            let status = bnn_threshold_pack(variant, rows, cols, s, n, th.baseAddress! + c0, fl.baseAddress! + c0 / 64,
                                                            output.pointer + r0 * outputStride + c0 / 64, outputStride)
                            precondition(status == 0, "threshold kernel failed with status \(status)")
                        }
                    }
                case .scores(let bn):
                    for i in part.rows {
                        for j in part.columns {
                            let sum = Float(sums.pointer[i * n + j])
                            let pre = index == 0 ? PixelScaling.preactivation(pixelProduct: sum, weightSum: weightSums[j]) : sum
                            scores.pointer[i * n + j] = bn.apply(pre, neuron: j)
                        }
                    }
                }
            }
            input = output
            inputStride = outputStride
        }
    }
}
