import ArgumentParser
import BNNKernels
import BNNSupport
import CTrainingKernels
import Foundation

/// `bnn-tui bench`: binary XNOR-popcount kernels against OpenBLAS sgemm, and
/// packed against float inference, on this machine.
///
/// Prints the OpenBLAS core, the kernel variant (BNN_KERNEL applies) and the
/// thread count, then a GEMM table, an inference table and the training forward
/// products of binary hidden layers (or one JSON object with every ratio and the
/// load average before and after, with `--json`). Times are medians of repeated
/// runs after a warm-up; all operands and network parameters are random.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the binary kernels against OpenBLAS sgemm and packed against float inference.",
        discussion: """
            Random operands and random network parameters (the timings do not depend on the values). \
            For OpenBLAS at its best run it as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE bnn-tui bench`. \
            BNN_KERNEL=portable|popcnt|avx2|avx512 forces a kernel variant.
            """
    )

    @Option(parsing: .unconditional, help: "Threads for both the binary kernels and OpenBLAS; defaults to the number of CPUs.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Fewer repeats: a rough result in a few seconds.")
    var quick = false

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Option(parsing: .unconditional, help: "Seed of the random operands and parameters.")
    var seed: UInt64 = 1

    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 4096, 4096), (64, 4096, 4096), (100, 1024, 1024), (4096, 4096, 4096)]
    static let networks: [[Int]] = [[784, 1024, 10], [784, 4096, 4096, 4096, 10]]
    static let batches = [1, 256]
    /// Training forward products of binary hidden layers at batch 100: 784-1024-10's output
    /// layer, a 1024-wide and a 4096-wide hidden layer.
    static let trainingShapes: [(m: Int, n: Int, k: Int)] = [(100, 10, 1024), (100, 1024, 1024), (100, 4096, 4096)]

    func validate() throws {
        try ThreadCount.validate(threads)
    }

    func run() throws {
        try reportingFailures {
            let gemm = try makeGEMM()
            #if DEBUG
            printError("bnn-tui: warning: this is a debug build; use `swift build -c release` for meaningful timings")
            #endif
            let timer = quick
                ? BenchmarkTimer(budget: 0.15, minimumRuns: 3, maximumRuns: 50)
                : BenchmarkTimer(budget: 1.0, minimumRuns: 7, maximumRuns: 500)
            let bench = KernelBenchmark(gemm: gemm, timer: timer)
            var rng = SeededGenerator(seed: seed)
            let loadBefore = Self.loadAverage()
            if !json { printHeader(gemm) }
            let gemmResults = measureGEMM(bench, using: &rng)
            let inferenceResults = try measureInference(bench, using: &rng)
            let trainingResults = measureTrainingForward(bench, using: &rng)
            let conv: (convolution: [KernelBenchmark.ConvolutionResult], inference: [KernelBenchmark.InferenceResult])
            do { conv = try measureConvolutions(bench, using: &rng) } catch { throw CommandFailure.runtime("\(error)") }
            if json {
                let report = Report(openblasCore: FloatGEMM.coreName, kernel: gemm.variant.rawValue,
                                    trainingKernel: String(cString: bnn_training_kernels_variant()),
                                    firstLayer: PixelProduct.prefersTableLookup(gemm.variant) ? "table lookup" : "bit planes",
                                    threads: gemm.threadCount, loadAverageBefore: loadBefore, loadAverageAfter: Self.loadAverage(),
                                    gemm: gemmResults, inference: inferenceResults + conv.inference, trainingForward: trainingResults,
                                    convolution: conv.convolution)
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print("")
                print("Load average (1 min) before and after: \(loadBefore.map { String(format: "%.2f", $0) } ?? "?")"
                      + " / \(Self.loadAverage().map { String(format: "%.2f", $0) } ?? "?")")
            }
        }
    }

    /// The `--json` object: every row with its ratio, plus what ran them and how busy the machine was.
    struct Report: Encodable {
        let openblasCore: String
        let kernel: String
        let trainingKernel: String
        let firstLayer: String
        let threads: Int
        let loadAverageBefore: Double?
        let loadAverageAfter: Double?
        let gemm: [KernelBenchmark.GEMMResult]
        let inference: [KernelBenchmark.InferenceResult]
        let trainingForward: [KernelBenchmark.TrainingForwardResult]
        let convolution: [KernelBenchmark.ConvolutionResult]
    }

    private func makeGEMM() throws -> BinaryGEMM {
        do { return try BinaryGEMM(threadCount: threads) } catch { throw CommandFailure.usage(error.description) }
    }

    private func printHeader(_ gemm: BinaryGEMM) {
        let available = KernelVariant.available.map(\.rawValue).joined(separator: ", ")
        let first = PixelProduct.prefersTableLookup(gemm.variant) ? "table lookup" : "bit planes"
        print("OpenBLAS core: \(FloatGEMM.coreName)   kernel: \(gemm.variant)   threads: \(gemm.threadCount)"
              + "   (available: \(available); first layer: \(first))")
        print("Median of repeated runs after a warm-up; random operands and parameters\(quick ? " (--quick)" : "").")
    }

    private func measureGEMM(_ bench: KernelBenchmark, using rng: inout SeededGenerator) -> [KernelBenchmark.GEMMResult] {
        if !json {
            print("")
            print(column("GEMM M x N x K", 20) + column("binary", 12, right: true) + column("sgemm", 12, right: true)
                  + column("sgemm/binary", 14, right: true) + "  kernel")
        }
        let results = Self.shapes.map { shape in
            let r = bench.measureGEMM(m: shape.m, n: shape.n, k: shape.k, using: &rng)
            if !json {
                print(column("\(r.m) x \(r.n) x \(r.k)", 20) + column(duration(r.binarySeconds), 12, right: true)
                      + column(duration(r.sgemmSeconds) + (r.m == 1 ? "*" : " "), 12, right: true)
                      + column(String(format: "%.1fx", r.ratio), 14, right: true) + "  \(r.kernel)")
            }
            return r
        }
        if !json { print("* sgemv for M = 1. Binary operands are pre-packed bits; sgemm's are float32.") }
        return results
    }

    private func measureInference(_ bench: KernelBenchmark,
                                  using rng: inout SeededGenerator) throws -> [KernelBenchmark.InferenceResult] {
        if !json {
            print("")
            print(column("Inference (random parameters)", 30) + column("batch", 6, right: true)
                  + column("packed img/s", 14, right: true) + column("float img/s", 13, right: true)
                  + column("packed/float", 14, right: true) + "  file vs float32 weights")
        }
        var results: [KernelBenchmark.InferenceResult] = []
        for widths in Self.networks {
            for batch in Self.batches {
                let r: KernelBenchmark.InferenceResult
                do { r = try bench.measureInference(widths: widths, batch: batch, using: &rng) } catch {
                    throw CommandFailure.runtime(error.description)
                }
                results.append(r)
                if !json {
                    print(inferenceRow(r, rate: "%.0f", widths: (14, 13, 14)))
                }
            }
        }
        return results
    }

    private func measureTrainingForward(_ bench: KernelBenchmark,
                                        using rng: inout SeededGenerator) -> [KernelBenchmark.TrainingForwardResult] {
        if !json {
            print("")
            print(column("Training forward M x N x K", 28) + column("xnor", 12, right: true) + column("sgemm", 12, right: true)
                  + column("sgemm/xnor", 12, right: true) + "  (xnor includes packing both float ±1 operands)")
        }
        return Self.trainingShapes.map { shape in
            let r = bench.measureTrainingForward(m: shape.m, n: shape.n, k: shape.k, using: &rng)
            if !json {
                print(column("\(r.m) x \(r.n) x \(r.k)", 28) + column(duration(r.xnorSeconds), 12, right: true)
                      + column(duration(r.sgemmSeconds), 12, right: true)
                      + column(String(format: "%.1fx", r.ratio), 12, right: true) + "  \(r.kernel)")
            }
            return r
        }
    }

    /// The 1-minute load average from /proc/loadavg (nil where there is none).
    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }

    func column(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    func duration(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
        return String(format: "%.3f s", seconds)
    }

    /// One inference row, MLP or ConvNet: network, batch, packed and float images per second
    /// (`rate` formats them, `widths` sizes their columns and the ratio's), the ratio, then
    /// `note` and the packed file against float32 weights, e.g. "1.6 MiB vs 51.3 MiB (31.9x smaller)".
    func inferenceRow(_ r: KernelBenchmark.InferenceResult, rate: String, widths: (Int, Int, Int), note: String = "") -> String {
        let shrink = Double(r.float32WeightBytes) / Double(r.packedBytes)
        return column(r.arch, 30) + column("\(r.batch)", 6, right: true)
            + column(String(format: rate, r.packedImagesPerSecond), widths.0, right: true)
            + column(String(format: rate, r.floatImagesPerSecond), widths.1, right: true)
            + column(String(format: "%.1fx", r.ratio), widths.2, right: true)
            + "  \(note)\(bytes(r.packedBytes)) vs \(bytes(r.float32WeightBytes)) (\(String(format: "%.1fx", shrink)) smaller)"
    }

    func bytes(_ n: Int) -> String {
        n < 1 << 20 ? String(format: "%.1f KiB", Double(n) / 1024) : String(format: "%.1f MiB", Double(n) / Double(1 << 20))
    }
}
