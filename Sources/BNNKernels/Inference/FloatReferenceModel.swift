import BNNSupport

/// The same BinaryNet MLP evaluated in float with sgemm on ±1 float weights.
///
/// It is the specification `PackedModel` is tested against, and the float side
/// of the inference benchmark. Layer 1 multiplies the raw pixels p (as floats,
/// 0…255) by W_b with sgemm, which is exact because every partial sum is an
/// integer below 2^24, and then forms x·W_b = (p·W_b)/127.5 − ΣW_b with
/// x = p/127.5 − 1; this equals the product with the normalized image in exact
/// arithmetic and makes the result independent of sgemm's summation order.
/// Hidden activations are sign(BatchNorm(s)) as ±1 floats; the output layer's
/// BatchNorm outputs are the scores. Buffers are allocated once for `maxBatch`.
public final class FloatReferenceModel {
    /// Layer widths from the input to the output.
    public let widths: [Int]
    /// The most images one pass handles; larger inputs run in chunks.
    public let maxBatch: Int
    /// W_b = sign(W) per layer as ±1 floats, inputs x outputs row-major.
    private let binaryWeights: [[Float]]
    private let batchNorms: [BatchNormInference]
    private let firstLayerWeightSums: [Float]
    private let input: UnsafeMutablePointer<Float>
    private let layerOutputs: [UnsafeMutablePointer<Float>]

    public init(layers: [DenseLayerParameters], maxBatch: Int = 256) throws(ModelParametersError) {
        try DenseLayerParameters.validate(network: layers)
        precondition(maxBatch > 0, "maxBatch must be positive")
        self.maxBatch = maxBatch
        widths = [layers[0].inputs] + layers.map(\.outputs)
        binaryWeights = layers.map { $0.latentWeights.map { $0 >= 0 ? 1 : -1 } }
        batchNorms = layers.map(BatchNormInference.init)
        let first = layers[0]
        firstLayerWeightSums = (0..<first.outputs).map { j in
            var sum: Float = 0
            for k in 0..<first.inputs { sum += first.latentWeights[k * first.outputs + j] >= 0 ? 1 : -1 }
            return sum
        }
        input = .allocate(capacity: maxBatch * widths[0])
        layerOutputs = layers.map { .allocate(capacity: maxBatch * $0.outputs) }
    }

    deinit {
        input.deallocate()
        layerOutputs.forEach { $0.deallocate() }
    }

    public var inputSize: Int { widths[0] }
    public var classCount: Int { widths[widths.count - 1] }

    /// Class scores, `classCount` per image, row-major.
    public func scores(pixels: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>) throws(InferenceInputError) {
        let c = classCount
        let count = try imageCount(pixels, outputs: out.count, perImage: c)
        forEachChunk(pixels, count: count) { start, n, scores in
            for i in 0..<(n * c) { out[start * c + i] = scores[i] }
        }
    }

    /// Classes of the images in `pixels` (`inputSize` raw pixels each).
    public func predict(pixels: UnsafeBufferPointer<UInt8>, classes: UnsafeMutableBufferPointer<Int>) throws(InferenceInputError) {
        let c = classCount
        let count = try imageCount(pixels, outputs: classes.count, perImage: 1)
        forEachChunk(pixels, count: count) { start, n, scores in
            for i in 0..<n { classes[start + i] = argmax(scores + i * c, count: c) }
        }
    }

    /// Classes of the images in `pixels`.
    public func predict(pixels: [UInt8]) throws(InferenceInputError) -> [Int] {
        guard pixels.count % inputSize == 0 else { throw .wrongInputSize(pixelsPerImage: inputSize, actual: pixels.count) }
        var classes = [Int](repeating: 0, count: pixels.count / inputSize)
        try pixels.withUnsafeBufferPointer { (p) throws(InferenceInputError) in
            try classes.withUnsafeMutableBufferPointer { (c) throws(InferenceInputError) in try predict(pixels: p, classes: c) }
        }
        return classes
    }

    private func imageCount(_ pixels: UnsafeBufferPointer<UInt8>, outputs: Int, perImage: Int) throws(InferenceInputError) -> Int {
        guard pixels.count % inputSize == 0 else { throw .wrongInputSize(pixelsPerImage: inputSize, actual: pixels.count) }
        let count = pixels.count / inputSize
        guard outputs >= count * perImage else { throw .outputTooSmall(needed: count * perImage, actual: outputs) }
        return count
    }

    private func forEachChunk(_ pixels: UnsafeBufferPointer<UInt8>, count: Int,
                              _ body: (Int, Int, UnsafePointer<Float>) -> Void) {
        guard let base = pixels.baseAddress else { return }
        var start = 0
        while start < count {
            let n = min(maxBatch, count - start)
            body(start, n, run(base + start * inputSize, batch: n))
            start += n
        }
    }

    /// Runs `batch` images; returns the scores (batch x classes).
    private func run(_ pixels: UnsafePointer<UInt8>, batch: Int) -> UnsafePointer<Float> {
        let k0 = inputSize
        for i in 0..<(batch * k0) { input[i] = Float(pixels[i]) }
        var a = UnsafePointer(input)
        for (index, w) in binaryWeights.enumerated() {
            let k = widths[index], n = widths[index + 1]
            let s = layerOutputs[index]
            w.withUnsafeBufferPointer { wb in
                if batch == 1 {
                    // One image: s = W_bᵀ a, the matrix-vector product (sgemv).
                    FloatGEMM.gemv(transposeA: true, rows: k, cols: n, a: wb.baseAddress!, lda: n, x: a, y: s)
                } else {
                    FloatGEMM.gemm(m: batch, n: n, k: k, a: a, lda: k, b: wb.baseAddress!, ldb: n, c: s, ldc: n)
                }
            }
            let bn = batchNorms[index]
            let last = index == binaryWeights.count - 1
            for i in 0..<batch {
                let row = s + i * n
                for j in 0..<n {
                    let pre = index == 0
                        ? PixelScaling.preactivation(pixelProduct: row[j], weightSum: firstLayerWeightSums[j])
                        : row[j]
                    let normalized = bn.apply(pre, neuron: j)
                    row[j] = last ? normalized : (normalized >= 0 ? 1 : -1)
                }
            }
            a = UnsafePointer(s)
        }
        return a
    }
}
