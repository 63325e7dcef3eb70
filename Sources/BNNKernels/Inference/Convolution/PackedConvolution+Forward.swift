import BNNSupport
import CBinaryKernels

/// Scratch memory of a packed convolution for a batch (owned by `PackedPredictor` or a benchmark).
struct ConvolutionScratch {
    /// The product's left operand, batch·H·W x `patchWords` words: bit planes of pixel patches or bit patches.
    let operand: UnsafeMutablePointer<UInt64>
    /// Raw pixel patches of the first layer, batch·H·W x `patchBytes`.
    let pixelPatches: UnsafeMutablePointer<UInt8>
    /// Integer sums, batch·H·W x Cout.
    let sums: UnsafeMutablePointer<Int32>
}

extension PackedConvolution {
    /// One layer for `batch` images: patches, one GEMM (`BinaryGEMM`'s bit-plane product for
    /// the image, its XNOR product otherwise), then the folded thresholds; patches and
    /// thresholds are split over row bands, the GEMM over its own parts. Reads `pixels`
    /// (first layer) or `activations`; writes `outputLayout.words` words per image.
    func forward(pixels: UnsafePointer<UInt8>, activations: UnsafePointer<UInt64>, batch: Int, gemm: BinaryGEMM,
                 scratch: ConvolutionScratch, output: UnsafeMutablePointer<UInt64>) {
        let m = batch * geometry.outputPositions, n = geometry.outputChannels
        let bands = Self.rowBands(m, work: m * patchWords, gemm: gemm)
        let a = SendablePointer(scratch.operand), s = SendablePointer(scratch.sums), out = SendablePointer(output)
        let ldp = patchWords
        weights.withUnsafeWords { w in
            switch input {
            case .image:
                let bytes = SendablePointer(scratch.pixelPatches), source = SendablePointer(UnsafeMutablePointer(mutating: pixels))
                let k = patchBytes
                Self.inParallel(bands) { rows in
                    gatherPixelPatches(source.pointer, rows: rows, into: bytes.pointer)
                    bnn_pack_bitplanes_u8(rows.count, k, bytes.pointer + rows.lowerBound * k, k, a.pointer + rows.lowerBound * ldp, ldp)
                }
                weightPopcounts.withUnsafeBufferPointer { pop in
                    gemm.bitPlaneProduct(images: m, n: n, kBits: k, planes: a.pointer, ldp: ldp, b: w, ldb: weights.wordsPerRow,
                                         weightPopcounts: pop.baseAddress!, c: s.pointer, ldc: n)
                }
            case .binary:
                let source = SendablePointer(UnsafeMutablePointer(mutating: activations))
                Self.inParallel(bands) { rows in gatherBinaryPatches(source.pointer, rows: rows, into: a.pointer) }
                gemm.multiply(m: m, n: n, kBits: weights.columns, a: a.pointer, lda: ldp, b: w, ldb: weights.wordsPerRow,
                              c: s.pointer, ldc: n)
            }
        }
        let variant = gemm.variant
        Self.inParallel(Self.rowBands(m, work: m * n / 8, gemm: gemm)) { rows in
            threshold(sums: s.pointer, rows: rows, variant: variant, into: out.pointer)
        }
    }

    /// Row bands of an m-row step worth splitting over the threads (`work` word operations).
    private static func rowBands(_ m: Int, work: Int, gemm: BinaryGEMM) -> [Range<Int>] {
        let parts = work >= BinaryGEMM.parallelThreshold ? gemm.threadCount : 1
        return WorkPartition.bands(count: m, parts: parts, alignment: WorkPartition.rowAlignment)
    }

    private static func inParallel(_ bands: [Range<Int>], _ body: @Sendable (Range<Int>) -> Void) {
        WorkPartition.run(bands.map { WorkPart(rows: $0, columns: 0..<1) }) { body($0.rows) }
    }
}
