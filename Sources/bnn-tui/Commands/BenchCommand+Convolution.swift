import BNNKernels
import Foundation

/// The ConvNet rows of `bnn-tui bench`: packed binary convolutions against im2col +
/// sgemm at the reference network's shapes and larger ones, and the packed reference
/// ConvNet against its float reference, each at batch 1 and 100.
extension BenchCommand {
    static let convolutionBatches = [1, 100]

    /// The conv rows and the ConvNet inference rows, printed as tables unless `json`.
    func measureConvolutions(_ bench: KernelBenchmark, using rng: inout some RandomNumberGenerator)
        throws(ModelParametersError) -> (convolution: [KernelBenchmark.ConvolutionResult], inference: [KernelBenchmark.InferenceResult]) {
        if !json {
            print("")
            print(column("Convolution 3×3 (NHWC)", 28) + column("batch", 6, right: true) + column("binary", 12, right: true)
                  + column("float", 12, right: true) + column("float/binary", 14, right: true)
                  + "  (binary: direct XNOR or integer pixel convolution + thresholds; float: im2col + sgemm)")
        }
        var convolutions: [KernelBenchmark.ConvolutionResult] = []
        for s in KernelBenchmark.convolutionShapes {
            for batch in Self.convolutionBatches {
                let r = bench.measureConvolution(side: s.side, inputs: s.inputs, outputs: s.outputs, first: s.first,
                                                 batch: batch, using: &rng)
                convolutions.append(r)
                if !json {
                    print(column(r.shape, 28) + column("\(r.batch)", 6, right: true) + column(duration(r.binarySeconds), 12, right: true)
                          + column(duration(r.floatSeconds), 12, right: true)
                          + column(String(format: "%.1fx", r.ratio), 14, right: true) + "  \(r.kernel)")
                }
            }
        }
        var inference: [KernelBenchmark.InferenceResult] = []
        for batch in Self.convolutionBatches {
            let r = try bench.measureConvNetInference(KernelBenchmark.referenceConvNet, batch: batch, using: &rng)
            inference.append(r)
            if !json {
                print(inferenceRow(r, rate: "%.0f img/s", widths: (16, 16, 8), note: "packed vs float; "))
            }
        }
        return (convolutions, inference)
    }
}
