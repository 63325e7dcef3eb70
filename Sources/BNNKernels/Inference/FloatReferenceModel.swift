import BNNSupport

/// The same BinaryNet (MLP or ConvNet) evaluated in float with sgemm on ±1 float weights.
///
/// It is the specification `PackedModel` is tested against, and the float side of the
/// inference benchmark. Dense layers are sgemm (sgemv for one image); a convolution is
/// im2col (NHWC, patches (ky, kx, c)) and one sgemm against the Cout x 9·Cin weights.
/// The first layer multiplies the raw pixels p (as floats, 0…255, 0 outside the image)
/// by W_b, which is exact because every partial sum is an integer below 2^24, and then
/// forms x·W_b = (p·W_b)/127.5 − ΣW_b over the taps inside the image, with
/// x = p/127.5 − 1; this equals the product with the (zero-padded) normalized image in
/// exact arithmetic and makes the result independent of sgemm's summation order.
/// Max-pooling takes the maximum of the convolution's pre-activations, before its
/// BatchNorm (BinaryNet's order). Hidden activations are sign(BatchNorm(s)) as ±1
/// floats; the output layer's BatchNorm outputs are the scores. Buffers are allocated
/// once for `maxBatch`.
public final class FloatReferenceModel {
    /// Values per image from the input to the output.
    public let widths: [Int]
    /// The activation shape after each layer, the input first.
    public let shapes: [FeatureShape]
    /// The most images one pass handles; larger inputs run in chunks.
    public let maxBatch: Int
    private let layers: [Layer]
    private let patches: UnsafeMutablePointer<Float>
    private let preactivations: UnsafeMutablePointer<Float>
    private let buffers: [UnsafeMutablePointer<Float>]

    private enum Layer {
        /// W_b as Cout x 9·Cin ±1 floats; Σ_inside W_b per border class (first layer only).
        /// `scratch` holds a batch of the layer's padded input, for im2col.
        case convolution(ConvolutionGeometry, ConvolutionPadding?, weights: [Float], classSums: [[Float]], BatchNormInference,
                         scratch: PaddedImages)
        case maxPool(FeatureShape)
        /// W_b as inputs x outputs ±1 floats; ΣW_b per neuron (first layer only).
        case dense(inputs: Int, outputs: Int, weights: [Float], weightSums: [Float], BatchNormInference)
    }

    public init(network: InferenceNetworkParameters, maxBatch: Int = 256) throws(ModelParametersError) {
        precondition(maxBatch > 0, "maxBatch must be positive")
        shapes = try network.shapes()
        widths = shapes.map(\.count)
        self.maxBatch = maxBatch
        var patchValues = 1, preValues = 1
        var layers: [Layer] = []
        for (index, layer) in network.layers.enumerated() {
            if case .convolution(let p) = layer {
                patchValues = max(patchValues, p.geometry.outputPositions * p.geometry.patchLength)
                preValues = max(preValues, p.geometry.outputSize)
            }
            layers.append(Self.layer(layer, isFirst: index == 0, input: shapes[index], maxBatch: maxBatch))
        }
        self.layers = layers
        let widest = widths.max() ?? 1
        patches = .allocate(capacity: maxBatch * patchValues)
        preactivations = .allocate(capacity: maxBatch * preValues)
        buffers = [.allocate(capacity: maxBatch * widest), .allocate(capacity: maxBatch * widest)]
    }

    private static func layer(_ layer: InferenceLayerParameters, isFirst: Bool, input: FeatureShape,
                              maxBatch: Int) -> Layer {
        switch layer {
        case .convolution(let p):
            let g = p.geometry
            let classSums = !isFirst ? [] : ConvolutionBorder.insideWeightSums(
                weights: BitPackedMatrix(packingRowsOf: p.latentWeights, rows: g.outputChannels, columns: g.patchLength),
                inputChannels: g.inputChannels).map { $0.map(Float.init) }
            return .convolution(g, isFirst ? nil : p.padding, weights: p.latentWeights.map { $0 >= 0 ? 1 : -1 },
                                classSums: classSums, BatchNormInference(p),
                                scratch: PaddedImages(input: g, capacity: maxBatch))
        case .maxPool:
            return .maxPool(input)
        case .dense(let p):
            let w: [Float] = p.latentWeights.map { $0 >= 0 ? 1 : -1 }
            let sums = !isFirst ? [] : (0..<p.outputs).map { j in
                (0..<p.inputs).reduce(Float(0)) { $0 + w[$1 * p.outputs + j] }
            }
            return .dense(inputs: p.inputs, outputs: p.outputs, weights: w, weightSums: sums, BatchNormInference(p))
        }
    }

    /// The reference of an MLP.
    public convenience init(layers: [DenseLayerParameters], maxBatch: Int = 256) throws(ModelParametersError) {
        try self.init(network: InferenceNetworkParameters(dense: layers), maxBatch: maxBatch)
    }

    deinit {
        patches.deallocate()
        preactivations.deallocate()
        buffers.forEach { $0.deallocate() }
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
        let input = buffers[1]
        for i in 0..<(batch * inputSize) { input[i] = Float(pixels[i]) }
        var a = UnsafePointer(input)
        var index = 0
        while index < layers.count {
            let out = a == UnsafePointer(buffers[0]) ? buffers[1] : buffers[0]
            switch layers[index] {
            case let .convolution(g, padding, weights, classSums, bn, scratch):
                // conv → [max-pool]* → BatchNorm → sign, pooling the pre-activations.
                convolve(a, g, padding: padding, weights: weights, classSums: classSums, scratch: scratch, batch: batch)
                var shape = shapes[index + 1]
                while index + 1 < layers.count, case .maxPool = layers[index + 1] {
                    shape = maxPool(preactivations, shape, batch: batch)
                    index += 1
                }
                let n = shape.channels
                for i in 0..<(batch * shape.positions) {
                    for j in 0..<n { out[i * n + j] = bn.apply(preactivations[i * n + j], neuron: j) >= 0 ? 1 : -1 }
                }
            case .maxPool:
                preconditionFailure("max-pooling is consumed by its convolution")
            case let .dense(k, n, weights, weightSums, bn):
                weights.withUnsafeBufferPointer { wb in
                    if batch == 1 {
                        // One image: s = W_bᵀ a, the matrix-vector product (sgemv).
                        FloatGEMM.gemv(transposeA: true, rows: k, cols: n, a: wb.baseAddress!, lda: n, x: a, y: out)
                    } else {
                        FloatGEMM.gemm(m: batch, n: n, k: k, a: a, lda: k, b: wb.baseAddress!, ldb: n, c: out, ldc: n)
                    }
                }
                let last = index == layers.count - 1
                for i in 0..<batch {
                    let row = out + i * n
                    for j in 0..<n {
                        let pre = index == 0
                            ? PixelScaling.preactivation(pixelProduct: row[j], weightSum: weightSums[j])
                            : row[j]
                        let normalized = bn.apply(pre, neuron: j)
                        row[j] = last ? normalized : (normalized >= 0 ? 1 : -1)
                    }
                }
            }
            a = UnsafePointer(out)
            index += 1
        }
        return a
    }

    /// im2col and sgemm into `preactivations` (batch·H·W x Cout); the first layer
    /// (`padding` nil, raw pixels) then subtracts Σ_inside W_b per border class.
    private func convolve(_ a: UnsafePointer<Float>, _ g: ConvolutionGeometry, padding: ConvolutionPadding?,
                          weights: [Float], classSums: [[Float]], scratch: PaddedImages, batch: Int) {
        let h = g.inputHeight, w = g.inputWidth, k = g.patchLength, n = g.outputChannels
        let m = batch * g.outputPositions
        Im2Col.patches(input: a, rows: batch, padding: padding?.value ?? 0, scratch: scratch, columns: patches, threads: 1)
        weights.withUnsafeBufferPointer { wb in
            FloatGEMM.gemm(transposeB: true, m: m, n: n, k: k, a: patches, lda: k, b: wb.baseAddress!, ldb: k,
                           c: preactivations, ldc: n)
        }
        guard padding == nil else { return }
        ConvolutionBorder.forEachRun(rows: 0..<m, height: h, width: w) { cls, run in
            for r in run {
                for j in 0..<n {
                    let s = preactivations + r * n + j
                    s.pointee = PixelScaling.preactivation(pixelProduct: s.pointee, weightSum: classSums[cls][j])
                }
            }
        }
    }

    /// 2×2 max-pooling of batch x shape values in place; returns the pooled shape.
    private func maxPool(_ v: UnsafeMutablePointer<Float>, _ shape: FeatureShape, batch: Int) -> FeatureShape {
        let w = shape.width, c = shape.channels
        let pooled = FeatureShape(height: shape.height / 2, width: shape.width / 2, channels: c)
        for i in 0..<batch {
            let src = v + i * shape.count, dst = v + i * pooled.count  // dst never passes src
            for y in 0..<pooled.height {
                for x in 0..<pooled.width {
                    let a = src + (2 * y * w + 2 * x) * c, b = a + w * c
                    for ch in 0..<c {
                        dst[(y * pooled.width + x) * c + ch] = max(max(a[ch], a[ch + c]), max(b[ch], b[ch + c]))
                    }
                }
            }
        }
        return pooled
    }
}
