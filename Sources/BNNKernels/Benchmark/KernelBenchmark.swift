import BNNSupport
/// Measures the binary kernels against OpenBLAS on the same shapes and threads.
///
/// Exists so `bnn-tui bench` and anyone else compare like with like: the XNOR
/// product on packed operands against sgemm (sgemv for one row) on float32
/// operands of the same M x N x K, and the packed model against the float
/// reference of the same (random) network, both timed with `BenchmarkTimer`.
public struct KernelBenchmark {
    public let gemm: BinaryGEMM
    public let timer: BenchmarkTimer

    public init(gemm: BinaryGEMM, timer: BenchmarkTimer) {
        self.gemm = gemm
        self.timer = timer
    }

    /// One GEMM shape: binary and float seconds (medians) and their ratio.
    public struct GEMMResult: Sendable, Codable, Equatable {
        public let m: Int, n: Int, k: Int
        public let kernel: String
        public let threads: Int
        public let binarySeconds: Double
        public let sgemmSeconds: Double
        /// sgemm seconds / binary seconds.
        public let ratio: Double
    }

    /// One network and batch size: images per second, packed and float.
    public struct InferenceResult: Sendable, Codable, Equatable {
        public let arch: String
        public let batch: Int
        public let packedImagesPerSecond: Double
        public let floatImagesPerSecond: Double
        /// packed / float images per second.
        public let ratio: Double
        /// Size of the packed model file.
        public let packedBytes: Int
        /// Size of the same weights as float32.
        public let float32WeightBytes: Int
    }

    /// Times c = a·bᵀ for m x k and n x k random ±1 operands against sgemm
    /// (sgemv when m = 1) on random floats of the same shape.
    public func measureGEMM(m: Int, n: Int, k: Int, using rng: inout some RandomNumberGenerator) -> GEMMResult {
        FloatGEMM.setThreadCount(gemm.threadCount)
        let binary: Double
        do {
            let a = BitPackedMatrix(rows: m, columns: k), b = BitPackedMatrix(rows: n, columns: k)
            randomize(a, using: &rng)
            randomize(b, using: &rng)
            let c = UnsafeMutablePointer<Int32>.allocate(capacity: m * n)
            defer { c.deallocate() }
            binary = timer.median { gemm.multiply(a, b, into: c, ldc: n) }.seconds
        }
        let float: Double
        do {
            let a = randomFloats(m * k, using: &rng), b = randomFloats(k * n, using: &rng)
            let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
            defer { c.deallocate(); a.deallocate(); b.deallocate() }
            if m == 1 {
                float = timer.median { FloatGEMM.gemv(transposeA: true, rows: k, cols: n, a: b, lda: n, x: a, y: c) }.seconds
            } else {
                float = timer.median { FloatGEMM.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n) }.seconds
            }
        }
        return GEMMResult(m: m, n: n, k: k, kernel: gemm.variant.rawValue, threads: gemm.threadCount,
                          binarySeconds: binary, sgemmSeconds: float, ratio: float / binary)
    }

    /// One training forward product (s = x_b · W_b of a binary hidden layer): XNOR-popcount
    /// including the packing of both float ±1 operands, against sgemm on the same floats.
    public struct TrainingForwardResult: Sendable, Codable, Equatable {
        public let m: Int, n: Int, k: Int
        public let kernel: String
        public let threads: Int
        public let xnorSeconds: Double
        public let sgemmSeconds: Double
        /// sgemm seconds / XNOR seconds: above 1, the engine's `auto` policy picks XNOR.
        public let ratio: Double
    }

    /// Times `BinaryDenseProduct` (pack x by rows, W by columns, XNOR GEMM, convert) against
    /// sgemm for a batch of m rows through a layer of k inputs and n outputs.
    public func measureTrainingForward(m: Int, n: Int, k: Int,
                                       using rng: inout some RandomNumberGenerator) -> TrainingForwardResult {
        FloatGEMM.setThreadCount(gemm.threadCount)
        var fast = SeededGenerator(seed: rng.next())
        let x = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let w = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { x.deallocate(); w.deallocate(); out.deallocate() }
        for i in 0..<(m * k) { x[i] = fast.next() & 1 == 0 ? 1 : -1 }
        for i in 0..<(k * n) { w[i] = fast.next() & 1 == 0 ? 1 : -1 }
        let product = BinaryDenseProduct(maxRows: m, inputs: k, outputs: n, gemm: gemm)
        let xnor = timer.median { product.multiply(input: x, rows: m, floatWeights: w, output: out) }.seconds
        let sgemm = timer.median {
            FloatGEMM.gemm(m: m, n: n, k: k, a: x, lda: k, b: w, ldb: n, c: out, ldc: n)
        }.seconds
        return TrainingForwardResult(m: m, n: n, k: k, kernel: gemm.variant.rawValue, threads: gemm.threadCount,
                                     xnorSeconds: xnor, sgemmSeconds: sgemm, ratio: sgemm / xnor)
    }

    /// Images per second of a random network (Glorot-range weights, BatchNorm near
    /// the statistics of s) on random 8-bit images, packed against float.
    public func measureInference(widths: [Int], batch: Int,
                                 using rng: inout some RandomNumberGenerator) throws(ModelParametersError) -> InferenceResult {
        FloatGEMM.setThreadCount(gemm.threadCount)
        let layers = Self.randomNetwork(widths: widths, using: &rng)
        let packed = try PackedModel(layers: layers)
        let reference = try FloatReferenceModel(layers: layers, maxBatch: batch)
        let predictor = packed.makePredictor(gemm: gemm, maxBatch: batch)
        let pixels = (0..<(batch * widths[0])).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var classes = [Int](repeating: 0, count: batch)
        let packedSeconds: Double = pixels.withUnsafeBufferPointer { p in
            classes.withUnsafeMutableBufferPointer { c in
                timer.median {
                    if batch == 1 {
                        c[0] = (try? predictor.predict(image: p)) ?? -1
                    } else {
                        try? predictor.predict(pixels: p, classes: c)
                    }
                }.seconds
            }
        }
        let floatSeconds: Double = pixels.withUnsafeBufferPointer { p in
            classes.withUnsafeMutableBufferPointer { c in
                timer.median { try? reference.predict(pixels: p, classes: c) }.seconds
            }
        }
        let packedRate = Double(batch) / packedSeconds, floatRate = Double(batch) / floatSeconds
        return InferenceResult(arch: widths.map(String.init).joined(separator: "-"), batch: batch,
                               packedImagesPerSecond: packedRate, floatImagesPerSecond: floatRate,
                               ratio: packedRate / floatRate, packedBytes: packed.serializedByteCount,
                               float32WeightBytes: packed.float32WeightBytes)
    }

    /// Random parameters in the ranges a trained network has: latent weights in
    /// [-1, 1], γ in [0.5, 1.5], β in [-0.5, 0.5], μ near 0 and σ² near the variance of s.
    public static func randomNetwork(widths: [Int], using rng: inout some RandomNumberGenerator) -> [DenseLayerParameters] {
        var fast = SeededGenerator(seed: rng.next())  // a concrete generator: millions of weights
        return (0..<(widths.count - 1)).map { index in
            let k = widths[index], n = widths[index + 1]
            let variance = Float(k) * (index == 0 ? 1.0 / 3.0 : 1)
            let sd = variance.squareRoot()
            return DenseLayerParameters(
                inputs: k, outputs: n,
                latentWeights: (0..<(k * n)).map { _ in fast.nextFloat(in: -1, 1) },
                bnGamma: (0..<n).map { _ in fast.nextFloat(in: 0.5, 1.5) },
                bnBeta: (0..<n).map { _ in fast.nextFloat(in: -0.5, 0.5) },
                bnRunningMean: (0..<n).map { _ in fast.nextFloat(in: -0.5 * sd, 0.5 * sd) },
                bnRunningVar: (0..<n).map { _ in variance * fast.nextFloat(in: 0.5, 1.5) },
                bnEpsilon: 1e-4)
        }
    }

    private func randomize(_ m: BitPackedMatrix, using rng: inout some RandomNumberGenerator) {
        var rng = SeededGenerator(seed: rng.next())
        let full = m.columns / 64, rest = m.columns % 64
        for r in 0..<m.rows {
            let row = m.storage.pointer + r * m.wordsPerRow
            for w in 0..<full { row[w] = rng.next() }
            if rest > 0 { row[full] = rng.next() & ((1 << UInt64(rest)) - 1) }
        }
    }

    private func randomFloats(_ count: Int, using rng: inout some RandomNumberGenerator) -> UnsafeMutablePointer<Float> {
        var fast = SeededGenerator(seed: rng.next())
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        for i in 0..<count { p[i] = fast.nextFloat(in: -1, 1) }
        return p
    }
}
