import CBinaryKernels
import BNNSupport

/// The signs of a binary layer's ±1 weights W_b (inputs x outputs, row-major) packed by
/// columns, one row of 64-bit words per neuron: the B operand of the XNOR-popcount forward
/// product (`BinaryDenseProduct`), and whether they are the layer's current W_b.
///
/// Packing W_b by columns is a transpose of the whole matrix; from memory it took 6.6 ms a
/// batch for a 4096 x 4096 layer on one Zen 4 core. As a `PackedSigns` the optimizer packs
/// each group of 64 weight rows (one word of every column) right after it wrote their float
/// W_b, which the layer's backward product still reads, so the rows are packed from cache.
public final class ColumnSignWords: PackedSigns {
    public let inputs: Int
    public let outputs: Int
    /// Words per packed row (per neuron), padded to whole cache lines.
    public let wordsPerRow: Int
    /// `outputs` rows of `wordsPerRow` words.
    public let words: UnsafeMutablePointer<UInt64>
    public var isCurrent = false
    private let storage: AlignedWords
    /// Neuron bands for `pack` (multiples of 64 columns, one per thread).
    private let columnBands: [Range<Int>]
    /// Bands of word groups for `write`, in multiples of 8 words (a cache line of every
    /// neuron's row), so no two parts write the same line.
    private let groupBands: [Range<Int>]
    /// Per part, 64 rows of signs for updates that keep no float W_b (allocated when needed).
    private var scratch: UnsafeMutablePointer<Float>?

    public init(inputs: Int, outputs: Int, threads: Int) {
        precondition(inputs > 0 && outputs > 0 && threads > 0)
        self.inputs = inputs
        self.outputs = outputs
        wordsPerRow = BitPackedMatrix.wordsPerRow(forColumns: inputs)
        storage = AlignedWords(count: outputs * wordsPerRow)
        words = storage.pointer
        columnBands = WorkPartition.bands(count: outputs, parts: threads, alignment: 64)
        // Split as the optimizer splits an elementwise loop, by groups.
        let parts = ParallelLoop.chunkCount(work: inputs * outputs, threads: threads)
        groupBands = WorkPartition.bands(count: (inputs + 63) / 64, parts: parts, alignment: 8)
    }

    deinit { scratch?.deallocate() }

    /// Packs float W_b (only signs are read, w >= 0 is +1) by bands of neurons over
    /// `ForkJoin`, and marks the result current.
    public func pack(from weights: UnsafePointer<Float>) {
        let k = inputs, n = outputs, ld = wordsPerRow
        let w = SendablePointer(readOnly: weights), b = SendablePointer(words), bands = columnBands
        ForkJoin.run(iterations: bands.count) { t in
            let band = bands[t]
            bnn_pack_columns_f32(k, band.count, w.pointer + band.lowerBound, n, b.pointer + band.lowerBound * ld, ld)
        }
        isCurrent = true
    }

    /// Groups of 64 weight rows (`PackedSigns.write`): each group's signs become word g of
    /// every neuron's row (`bnn_pack_column_words_f32`); the pad words stay zero.
    public func write(floatSigns: UnsafeMutablePointer<Float>?,
                      _ step: (_ start: Int, _ count: Int, _ signs: UnsafeMutablePointer<Float>) -> Void) {
        let k = inputs, n = outputs, ld = wordsPerRow, bands = groupBands
        if floatSigns == nil, scratch == nil { scratch = .allocate(capacity: bands.count * 64 * n) }
        let b = SendablePointer(words), float = floatSigns.map(SendablePointer.init)
        let own = scratch.map(SendablePointer.init)
        withoutActuallyEscaping(step) { step in
            let box = GroupStep(step: step)
            ForkJoin.run(iterations: bands.count) { part in
                for g in bands[part] {
                    let rows = min(64, k - 64 * g)
                    let signs = float.map { $0.pointer + 64 * g * n } ?? own!.pointer + part * 64 * n
                    box.step(64 * g * n, rows * n, signs)
                    bnn_pack_column_words_f32(rows, n, signs, n, b.pointer + g, ld)
                }
            }
        }
        isCurrent = true
    }
}
