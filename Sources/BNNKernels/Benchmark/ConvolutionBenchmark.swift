import BNNSupport

/// Measures packed binary convolutions against float convolutions (im2col + sgemm), and
/// the packed ConvNet against its float reference, on the same shapes and threads.
///
/// A binary row times one `PackedConvolution.forward` (bit patches, one XNOR GEMM, the
/// folded thresholds: packed bits out, ready for the next layer), or for the first layer
/// pixel patches through 8 bit planes; the float row times im2col and one sgemm on the
/// same shape (float sums out, before BatchNorm). Operands and parameters are random.
extension KernelBenchmark {
    /// One convolution shape and batch: binary and float seconds (medians) and their ratio.
    public struct ConvolutionResult: Sendable, Codable, Equatable {
        /// e.g. "14×14 64→64", "28×28 1→32 (first)".
        public let shape: String
        public let batch: Int
        public let kernel: String
        public let threads: Int
        public let binarySeconds: Double
        public let floatSeconds: Double
        /// float seconds / binary seconds.
        public let ratio: Double
    }

    /// The convolution shapes `bnn-tui bench` measures: the reference network's two
    /// (28×28 1→32 on the image, 14×14 32→64) and two larger binary ones.
    public static let convolutionShapes: [(side: Int, inputs: Int, outputs: Int, first: Bool)] = [
        (28, 1, 32, true), (14, 32, 64, false), (14, 64, 64, false), (14, 128, 128, false),
    ]

    /// Times one 3×3 convolution (side × side, `inputs` → `outputs` channels) on `batch` images.
    public func measureConvolution(side: Int, inputs: Int, outputs: Int, first: Bool, batch: Int,
                                   using rng: inout some RandomNumberGenerator) -> ConvolutionResult {
        FloatGEMM.setThreadCount(gemm.threadCount)
        let g = ConvolutionGeometry(inputHeight: side, inputWidth: side, inputChannels: inputs, outputChannels: outputs)
        let p = Self.randomConvolution(g, padding: .one, first: first, using: &rng)
        let conv = PackedConvolution(parameters: p, isFirst: first)
        var fast = SeededGenerator(seed: rng.next())
        let m = batch * g.outputPositions
        let activations = AlignedWords(count: batch * conv.inputLayout.words)
        let output = AlignedWords(count: batch * conv.outputLayout.words)
        let pixels = (0..<(batch * g.inputSize)).map { _ in UInt8(truncatingIfNeeded: fast.next()) }
        for i in 0..<activations.count { activations.pointer[i] = fast.next() }
        if inputs % 64 != 0 {  // keep the channel gaps 0, as the layout requires
            let mask: UInt64 = (1 << UInt64(inputs % 64)) - 1, wpp = conv.inputLayout.wordsPerPosition
            for q in stride(from: wpp - 1, to: activations.count, by: wpp) { activations.pointer[q] &= mask }
        }
        let sums = UnsafeMutablePointer<Int32>.allocate(capacity: m * outputs)
        let floatInput = UnsafeMutablePointer<Float>.allocate(capacity: batch * g.inputSize)
        let patches = UnsafeMutablePointer<Float>.allocate(capacity: m * g.patchLength)
        let floatSums = UnsafeMutablePointer<Float>.allocate(capacity: m * outputs)
        let scratch = PaddedImages(input: g, capacity: batch)
        defer { sums.deallocate(); floatInput.deallocate(); patches.deallocate(); floatSums.deallocate() }
        for i in 0..<(batch * g.inputSize) { floatInput[i] = first ? Float(pixels[i]) : (fast.next() & 1 == 0 ? 1 : -1) }
        let binary: Double = pixels.withUnsafeBufferPointer { px in
            timer.median {
                conv.forward(pixels: px.baseAddress!, activations: activations.pointer, batch: batch, gemm: gemm,
                             sums: sums, output: output.pointer)
            }.seconds
        }
        let weights: [Float] = p.latentWeights.map { $0 >= 0 ? 1 : -1 }
        let float: Double = weights.withUnsafeBufferPointer { wb in
            timer.median {
                Im2Col.patches(input: floatInput, rows: batch, padding: first ? 0 : 1, scratch: scratch, columns: patches,
                               threads: gemm.threadCount)
                FloatGEMM.gemm(transposeB: true, m: m, n: outputs, k: g.patchLength, a: patches, lda: g.patchLength,
                               b: wb.baseAddress!, ldb: g.patchLength, c: floatSums, ldc: outputs)
            }.seconds
        }
        return ConvolutionResult(shape: "\(side)×\(side) \(inputs)→\(outputs)\(first ? " (first)" : "")", batch: batch,
                                 kernel: gemm.variant.rawValue, threads: gemm.threadCount,
                                 binarySeconds: binary, floatSeconds: float, ratio: float / binary)
    }

    /// The reference ConvNet, `32C3-MP2-64C3-MP2-256FC-10` on 28×28×1.
    public static let referenceConvNet: [ConvNetLayer] = [.convolution(32), .maxPool, .convolution(64), .maxPool, .dense(256), .dense(10)]

    /// A layer of a benchmark ConvNet.
    public enum ConvNetLayer: Sendable {
        case convolution(Int)
        case maxPool
        case dense(Int)
    }

    /// Images per second of a random ConvNet on random 28×28 images, packed against float.
    public func measureConvNetInference(_ layers: [ConvNetLayer], batch: Int,
                                        using rng: inout some RandomNumberGenerator) throws(ModelParametersError) -> InferenceResult {
        FloatGEMM.setThreadCount(gemm.threadCount)
        let network = Self.randomConvNet(layers, input: FeatureShape(height: 28, width: 28, channels: 1), using: &rng)
        let packed = try PackedModel(network: network)
        let reference = try FloatReferenceModel(network: network, maxBatch: batch)
        let predictor = packed.makePredictor(gemm: gemm, maxBatch: batch)
        return timeInference(packed: packed, predictor: predictor, reference: reference, batch: batch, using: &rng)
    }

    /// Random parameters (the timings do not depend on the values): dense layers from
    /// `randomNetwork(widths:using:)`, convolutions with latent weights in [-1, 1] and a
    /// BatchNorm near the statistics of their sums.
    public static func randomConvNet(_ layers: [ConvNetLayer], input: FeatureShape, padding: ConvolutionPadding = .one,
                                     using rng: inout some RandomNumberGenerator) -> InferenceNetworkParameters {
        var shape = input
        var result: [InferenceLayerParameters] = []
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .convolution(let n):
                let g = ConvolutionGeometry(inputHeight: shape.height, inputWidth: shape.width,
                                            inputChannels: shape.channels, outputChannels: n)
                result.append(.convolution(randomConvolution(g, padding: padding, first: index == 0, using: &rng)))
                shape = FeatureShape(height: shape.height, width: shape.width, channels: n)
            case .maxPool:
                result.append(.maxPool)
                shape = FeatureShape(height: shape.height / 2, width: shape.width / 2, channels: shape.channels)
            case .dense(let n):
                result.append(.dense(randomNetwork(widths: [shape.count, n], using: &rng)[0]))
                shape = .vector(n)
            }
        }
        return InferenceNetworkParameters(inputShape: input, layers: result)
    }

    static func randomConvolution(_ g: ConvolutionGeometry, padding: ConvolutionPadding, first: Bool,
                                  using rng: inout some RandomNumberGenerator) -> ConvolutionLayerParameters {
        var fast = SeededGenerator(seed: rng.next())
        let n = g.outputChannels
        // The sums of 9·Cin ±1 products (or pixel products, scaled) have a variance near 9·Cin.
        let variance = Float(g.patchLength) * (first ? 1.0 / 3.0 : 1), sd = variance.squareRoot()
        func values(_ lo: Float, _ hi: Float) -> [Float] { (0..<n).map { _ in fast.nextFloat(in: lo, hi) } }
        return ConvolutionLayerParameters(
            geometry: g, padding: padding,
            latentWeights: (0..<g.weightCount).map { _ in fast.nextFloat(in: -1, 1) },
            bnGamma: values(0.5, 1.5), bnBeta: values(-0.5, 0.5), bnRunningMean: values(-0.5 * sd, 0.5 * sd),
            bnRunningVar: values(0.5 * variance, 1.5 * variance), bnEpsilon: 1e-4)
    }

    /// Median images per second of `predictor` and `reference` on the same random images.
    private func timeInference(packed: PackedModel, predictor: PackedPredictor, reference: FloatReferenceModel, batch: Int,
                               using rng: inout some RandomNumberGenerator) -> InferenceResult {
        var fast = SeededGenerator(seed: rng.next())
        let pixels = (0..<(batch * packed.inputSize)).map { _ in UInt8(truncatingIfNeeded: fast.next()) }
        var classes = [Int](repeating: 0, count: batch)
        let (packedSeconds, floatSeconds) = pixels.withUnsafeBufferPointer { p in
            classes.withUnsafeMutableBufferPointer { c in
                (timer.median { try? predictor.predict(pixels: p, classes: c) }.seconds,
                 timer.median { try? reference.predict(pixels: p, classes: c) }.seconds)
            }
        }
        let packedRate = Double(batch) / packedSeconds, floatRate = Double(batch) / floatSeconds
        return InferenceResult(arch: packed.architecture, batch: batch,
                               packedImagesPerSecond: packedRate, floatImagesPerSecond: floatRate,
                               ratio: packedRate / floatRate, packedBytes: packed.serializedByteCount,
                               float32WeightBytes: packed.float32WeightBytes)
    }
}
