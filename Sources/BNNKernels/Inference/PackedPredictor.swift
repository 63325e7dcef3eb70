import BNNSupport
import CBinaryKernels

/// Runs a `PackedModel` on batches of raw 8-bit images, reusing its buffers.
///
/// All scratch space (pixel patches, bit planes or bit patches, integer sums, packed
/// activations, scores) is allocated once for `maxBatch` images, so the hot path
/// allocates nothing per image. A dense layer's product and its threshold step run
/// together in one parallel task per band of rows or columns; a convolution gathers
/// its patches, runs one GEMM and thresholds, each step split over row bands.
/// Not thread-safe: use one predictor per thread.
public final class PackedPredictor {
    public let model: PackedModel
    public let gemm: BinaryGEMM
    /// The most images one pass handles; larger inputs run in chunks.
    public let maxBatch: Int

    private let sums: AlignedWords  // Int32 sums, viewed through `sumPointer`
    private let sumPointer: UnsafeMutablePointer<Int32>
    private let activations: [AlignedWords]
    private let scores: UnsafeMutablePointer<Float>
    /// The first layer's exact 8-bit product when that layer is dense (an MLP): table lookup or bit planes.
    private let firstDense: PixelProduct?
    /// ΣW_b of each of the first dense layer's neurons (2·popcount − inputs), for its
    /// pre-activation P/127.5 − ΣW_b when that layer outputs scores; computed once here,
    /// not per image.
    private let firstWeightSums: [Float]
    private var cachedBatch = -1
    private var cachedParts: [[WorkPart]] = []

    init(model: PackedModel, gemm: BinaryGEMM, maxBatch: Int) {
        precondition(maxBatch > 0, "maxBatch must be positive")
        self.model = model
        self.gemm = gemm
        self.maxBatch = maxBatch
        var sumsPerImage = 1
        for layer in model.layers {
            switch layer {
            case .convolution(let c):
                sumsPerImage = max(sumsPerImage, c.geometry.outputSize)
            case .maxPool: break
            case .dense(let d): sumsPerImage = max(sumsPerImage, d.outputs)
            }
        }
        sums = AlignedWords(count: (maxBatch * sumsPerImage + 1) / 2)
        sumPointer = UnsafeMutableRawPointer(sums.pointer).bindMemory(to: Int32.self, capacity: maxBatch * sumsPerImage)
        let widest = max(8, model.layers.map(\.outputWords).max() ?? 8)
        activations = [AlignedWords(count: maxBatch * widest), AlignedWords(count: maxBatch * widest)]
        scores = .allocate(capacity: maxBatch * model.classCount)
        if case .dense(let first) = model.layers[0] {
            firstDense = PixelProduct(weights: first.weights, weightPopcounts: first.weightPopcounts,
                                      variant: gemm.variant, maxBatch: maxBatch)
            firstWeightSums = first.weightPopcounts.map { Float(2 * Int($0) - first.inputs) }
        } else {
            firstDense = nil
            firstWeightSums = []
        }
    }

    deinit {
        scores.deallocate()
    }

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

    /// The parts of each dense layer's product (empty for other layers).
    private func parts(batch: Int) -> [[WorkPart]] {
        if batch != cachedBatch {
            cachedParts = model.layers.enumerated().map { index, layer in
                guard case .dense(let d) = layer else { return [] }
                return gemm.parts(m: batch, n: d.outputs, kBits: d.kBits, productsPerOutput: index == 0 ? 8 : 1)
            }
            cachedBatch = batch
        }
        return cachedParts
    }

    /// Runs the network on `batch` images; the scores land in `scores`.
    private func run(_ pixels: UnsafePointer<UInt8>, batch: Int) {
        let layerParts = parts(batch: batch)
        var input = UnsafePointer(activations[1].pointer)  // unused by the first layer, which reads `pixels`
        var inputStride = 0
        for (index, layer) in model.layers.enumerated() {
            let output = activations[index % 2].pointer
            switch layer {
            case .convolution(let c):
                c.forward(pixels: pixels, activations: input, batch: batch, gemm: gemm,
                          sums: sumPointer,
                          output: output)
            case .maxPool(let p):
                p.apply(input, images: batch, into: output)
            case .dense(let d):
                if index == 0 { firstDense!.prepare(pixels: pixels, images: batch) }
                runDense(d, firstLayer: index == 0, input: input, inputStride: inputStride, parts: layerParts[index], output: output)
            }
            input = UnsafePointer(output)
            inputStride = layer.outputWords
        }
    }

    /// The product of a dense layer (bit planes for the first) and its threshold step, per part.
    private func runDense(_ layer: PackedDenseLayer, firstLayer: Bool, input: UnsafePointer<UInt64>, inputStride: Int,
                          parts: [WorkPart], output: UnsafeMutablePointer<UInt64>) {
        let variant = gemm.variant.cValue
        let n = layer.outputs
        let outputStride = BitPackedMatrix.wordsPerRow(forColumns: n)
        let sums = SendablePointer(sumPointer), scores = SendablePointer(self.scores)
        let out = SendablePointer(output), src = SendablePointer(UnsafeMutablePointer(mutating: input))
        let srcStride = inputStride
        // s = raw − gap; the first layer's pre-activation is P/127.5 − ΣW_b.
        let gap = Float(layer.gapBits)
        let weightSums = firstLayer ? firstWeightSums : []
        let firstDense = firstLayer ? self.firstDense : nil
        WorkPartition.run(parts) { part in
            let r0 = part.rows.lowerBound, c0 = part.columns.lowerBound
            let rows = part.rows.count, cols = part.columns.count
            let s = sums.pointer + r0 * n + c0
            layer.weights.withUnsafeWords { w in
                let wj = w + c0 * layer.weights.wordsPerRow
                let status: Int32
                if let firstDense {
                    firstDense.multiply(rows: part.rows, columns: part.columns, into: s, ldc: n)
                    status = 0
                } else {
                    status = bnn_xnor_gemm(variant, rows, cols, layer.kBits, src.pointer + r0 * srcStride, srcStride,
                                           wj, layer.weights.wordsPerRow, s, n)
                }
                precondition(status == 0, "binary kernel failed with status \(status)")
            }
            switch layer.output {
            case .binarized:
                let t = layer.rawThresholds!
                t.thresholds.withUnsafeBufferPointer { th in
                    t.flip.withUnsafeBufferPointer { fl in
                        let status = bnn_threshold_pack(variant, rows, cols, s, n, th.baseAddress! + c0, fl.baseAddress! + c0 / 64,
                                                        out.pointer + r0 * outputStride + c0 / 64, outputStride)
                        precondition(status == 0, "threshold kernel failed with status \(status)")
                    }
                }
            case .scores(let bn):
                for i in part.rows {
                    for j in part.columns {
                        let sum = Float(sums.pointer[i * n + j])
                        let pre = firstLayer ? PixelScaling.preactivation(pixelProduct: sum, weightSum: weightSums[j]) : sum - gap
                        scores.pointer[i * n + j] = bn.apply(pre, neuron: j)
                    }
                }
            }
        }
    }
}
