import BNNSupport
import CBinaryKernels

extension PackedConvolution {
    /// One layer for `batch` images: the direct convolution (integer on the image's pixels,
    /// XNOR-popcount on packed activations) into `sums` (batch·H·W x Cout), then the folded
    /// thresholds, both split over row bands. Reads `pixels` (first layer) or
    /// `activations`; writes `outputLayout.words` words per image.
    func forward(pixels: UnsafePointer<UInt8>, activations: UnsafePointer<UInt64>, batch: Int, gemm: BinaryGEMM,
                 sums: UnsafeMutablePointer<Int32>, output: UnsafeMutablePointer<UInt64>) {
        let m = batch * geometry.outputPositions, n = geometry.outputChannels
        let bands = Self.rowBands(m, work: m * patchWork, gemm: gemm)
        let s = SendablePointer(sums), out = SendablePointer(output)
        let variant = gemm.variant
        switch input {
        case .image:
            let source = SendablePointer(UnsafeMutablePointer(mutating: pixels))
            Self.inParallel(bands) { rows in pixelSums(source.pointer, rows: rows, variant: variant, into: s.pointer) }
        case .binary:
            let source = SendablePointer(UnsafeMutablePointer(mutating: activations))
            Self.inParallel(bands) { rows in binarySums(source.pointer, rows: rows, variant: variant, into: s.pointer) }
        }
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
