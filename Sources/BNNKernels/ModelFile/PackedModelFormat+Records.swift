/// The pieces every layer record of the packed model file is made of: folded
/// thresholds, flip bits and the output layer's BatchNorm, with their checks,
/// and the dense layer's record both format versions share.
extension ByteWriter {
    /// A dense layer's record: ⌈N·K/8⌉ bytes of W_b, neuron after neuron; then a hidden
    /// layer's thresholds and flip bits, or the output layer's BatchNorm.
    mutating func denseRecord(_ d: PackedDenseLayer) {
        bits(of: d.logicalWeights)
        switch d.output {
        case .binarized(let t):
            thresholds(t)
            flips(t.flip, count: d.outputs)
        case .scores(let bn):
            batchNorm(bn)
        }
    }

    /// N int32 thresholds.
    mutating func thresholds(_ t: NeuronThresholds) {
        for v in t.thresholds { i32(v) }
    }

    /// ⌈N/8⌉ bytes of flip bits, neuron j at byte j/8, bit j%8.
    mutating func flips(_ flip: [UInt64], count: Int) {
        var bytes = [UInt8](repeating: 0, count: (count + 7) / 8)
        for j in 0..<count where (flip[j / 64] >> UInt64(j % 64)) & 1 == 1 { bytes[j / 8] |= 1 << UInt8(j % 8) }
        raw(bytes)
    }

    /// ε, then N float32 each of γ, β, running mean, running variance.
    mutating func batchNorm(_ bn: BatchNormInference) {
        f32(bn.epsilon)
        for array in [bn.gamma, bn.beta, bn.mean, bn.variance] { for v in array { f32(v) } }
    }
}

extension ByteReader {
    /// The record `ByteWriter.denseRecord` writes, for a layer of `outputs` neurons on
    /// `inputs` values: the output layer (`isOutputLayer`) ends in a BatchNorm.
    mutating func denseRecord(outputs: Int, inputs: Int, isOutputLayer: Bool, layer k: Int,
                              bad: (String) -> PackedModelFileError) throws
        -> (weights: BitPackedMatrix, output: PackedDenseLayer.Output) {
        let weights = try bits(rows: outputs, columns: inputs)
        if isOutputLayer { return (weights, .scores(try batchNorm(count: outputs, bad: bad))) }
        let t = try thresholds(count: outputs, layer: k, bad: bad)
        return (weights, .binarized(NeuronThresholds(thresholds: t, flip: try flips(count: outputs, layer: k, bad: bad))))
    }

    /// `count` thresholds, each within the sentinels.
    mutating func thresholds(count: Int, layer k: Int, bad: (String) -> PackedModelFileError) throws -> [Int32] {
        var thresholds: [Int32] = []
        thresholds.reserveCapacity(count)
        for j in 0..<count {
            let t = try i32()
            guard t >= NeuronThresholds.always, t <= NeuronThresholds.never else { throw bad("layer \(k) neuron \(j): threshold \(t) out of range") }
            thresholds.append(t)
        }
        return thresholds
    }

    /// `count` flip bits as ⌈count/64⌉ words; no bit may be set past the last neuron.
    mutating func flips(count: Int, layer k: Int, bad: (String) -> PackedModelFileError) throws -> [UInt64] {
        let bytes = try raw((count + 7) / 8)
        var flip = [UInt64](repeating: 0, count: (count + 63) / 64)
        for (i, byte) in bytes.enumerated() { flip[i / 8] |= UInt64(byte) << UInt64(8 * (i % 8)) }
        if count % 8 != 0, bytes.last! >> UInt8(count % 8) != 0 { throw bad("layer \(k): flip bits past the last neuron") }
        return flip
    }

    /// The output layer's BatchNorm of `count` neurons: finite, σ² + ε > 0.
    mutating func batchNorm(count: Int, bad: (String) -> PackedModelFileError) throws -> BatchNormInference {
        let epsilon = try f32()
        var arrays: [[Float]] = []
        for _ in 0..<4 {
            var values: [Float] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try f32()) }
            arrays.append(values)
        }
        let bn = BatchNormInference(gamma: arrays[0], beta: arrays[1], mean: arrays[2], variance: arrays[3], epsilon: epsilon)
        guard epsilon.isFinite, arrays.allSatisfy({ $0.allSatisfy(\.isFinite) }),
              bn.standardDeviation.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw bad("output BatchNorm has non-finite values or variance + epsilon <= 0")
        }
        return bn
    }
}
