import CBinaryKernels
import BNNSupport

/// The signs of a first layer's ±1 weights W_b (inputs x outputs) in the nibble layout
/// the pixel product reads (`bnn_pixel_gemm`: one byte per neuron per group of four
/// inputs), with each neuron's sum of ±1, and whether they are the layer's current W_b.
///
/// It exists so the layout is made once per change of the weights rather than once per
/// product (`PackedSigns`): `pack(from:)` packs float W_b, and `write(floatSigns:_:)` lets the
/// optimizer pack each group of four weight rows right after it updated them, while they are
/// in cache, so the float W_b of that layer need not be written or read back at all
/// (docs/kernels.md).
public final class NibbleWeights: PackedSigns {
    public let inputs: Int
    public let outputs: Int
    /// Bytes per nibble row: `outputs` rounded up to 32 (the lookup's 32 neurons per vector).
    public let stride: Int
    /// ceil(inputs / 4) rows of `stride` bytes.
    public let nibbles: UnsafeMutablePointer<UInt8>
    /// Σ W_b of every neuron (the count of +1 minus the count of -1).
    public let weightSums: UnsafeMutablePointer<Int32>
    /// Whether `nibbles` and `weightSums` hold the layer's current W_b.
    public var isCurrent = false
    /// Neuron bands for `pack` (multiples of 32 bytes per nibble row).
    private let columnBands: [Range<Int>]
    /// Bands of groups for `write`, one per part, and each part's signs of four weight
    /// rows and partial sums.
    private let groupBands: [Range<Int>]
    private let partSigns: UnsafeMutablePointer<Float>
    private let partSums: UnsafeMutablePointer<Int32>

    public init(inputs: Int, outputs: Int, threads: Int) {
        precondition(inputs > 0 && outputs > 0 && threads > 0)
        self.inputs = inputs
        self.outputs = outputs
        stride = (outputs + 31) / 32 * 32
        let groups = (inputs + 3) / 4
        nibbles = .allocate(capacity: stride * groups)
        weightSums = .allocate(capacity: outputs)
        columnBands = WorkPartition.bands(count: outputs, parts: threads, alignment: 32)
        // Split as the optimizer splits an elementwise loop, by groups.
        let parts = ParallelLoop.chunkCount(work: inputs * outputs, threads: threads)
        groupBands = WorkPartition.bands(count: groups, parts: parts, alignment: 1)
        partSigns = .allocate(capacity: groupBands.count * 4 * outputs)
        partSums = .allocate(capacity: groupBands.count * outputs)
    }

    deinit {
        nibbles.deallocate(); weightSums.deallocate(); partSigns.deallocate(); partSums.deallocate()
    }

    /// ceil(inputs / 4): the rows of the layout.
    public var groupCount: Int { (inputs + 3) / 4 }

    /// Packs float W_b (inputs x outputs, row-major; only signs are read, w >= 0 is +1)
    /// by bands of neurons over `ForkJoin`, and marks the result current.
    public func pack(from weights: UnsafePointer<Float>) {
        let k = inputs, n = outputs, ldn = stride
        let w = SendablePointer(readOnly: weights), nib = SendablePointer(nibbles), ws = SendablePointer(weightSums)
        let bands = columnBands
        ForkJoin.run(iterations: bands.count) { b in
            bnn_pack_weight_nibbles_f32(k, n, bands[b].lowerBound, bands[b].upperBound, w.pointer, n, nib.pointer, ldn,
                                        ws.pointer)
        }
        isCurrent = true
    }

    /// Groups of four weight rows (`PackedSigns.write`); without `floatSigns` each part's
    /// signs go to its own scratch of four rows, in L1 when the step writes them.
    public func write(floatSigns: UnsafeMutablePointer<Float>?,
                      _ step: (_ start: Int, _ count: Int, _ signs: UnsafeMutablePointer<Float>) -> Void) {
        let k = inputs, n = outputs, ldn = stride, bands = groupBands
        let nib = SendablePointer(nibbles), scratch = SendablePointer(partSigns), sums = SendablePointer(partSums)
        let float = floatSigns.map(SendablePointer.init)
        withoutActuallyEscaping(step) { step in
            let box = GroupStep(step: step)
            ForkJoin.run(iterations: bands.count) { part in
                let mySums = sums.pointer + part * n
                mySums.initialize(repeating: 0, count: n)
                for g in bands[part] {
                    let rows = min(4, k - 4 * g)
                    let signs = float.map { $0.pointer + 4 * g * n } ?? scratch.pointer + part * 4 * n
                    box.step(4 * g * n, rows * n, signs)
                    bnn_pack_weight_nibble_group_f32(rows, n, signs, n, nib.pointer + g * ldn, ldn, mySums)
                }
            }
        }
        weightSums.update(from: partSums, count: n)
        for part in 1..<bands.count {
            let partial = partSums + part * n
            for j in 0..<n { weightSums[j] += partial[j] }
        }
        isCurrent = true
    }
}
