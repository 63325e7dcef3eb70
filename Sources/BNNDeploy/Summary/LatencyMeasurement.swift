import BNNKernels
import BNNSupport
import Foundation

/// Wall-clock time per image of a packed model on this CPU, one thread.
///
/// Batch 1 is what a device does (one image per call); batch 256 shows the throughput
/// the blocked kernels reach when images queue up. Inference time does not depend on the
/// weights' values, so an architecture alone is timed with seeded random weights (`RandomNetwork`).
public struct LatencyMeasurement: Sendable, Codable, Equatable {
    public var cpu: String
    public var kernel: String
    public var threads: Int
    public var images: Int
    public var microsecondsPerImageBatch1: Double
    public var microsecondsPerImageBatch256: Double

    /// Times `model` on `pixels` (whole images, raw 8-bit), best of three passes each.
    public init(model: PackedModel, pixels: [UInt8]) throws {
        let gemm = try BinaryGEMM(threadCount: 1)
        let count = pixels.count / model.inputSize
        precondition(count > 0, "no images to time")
        cpu = Self.cpuName()
        kernel = gemm.variant.description
        threads = 1
        images = count
        let single = model.makePredictor(gemm: gemm, maxBatch: 1)
        let batched = model.makePredictor(gemm: gemm, maxBatch: 256)
        var classes = [Int](repeating: 0, count: count)
        microsecondsPerImageBatch1 = try Self.best(count) {
            try pixels.withUnsafeBufferPointer { p in
                for i in 0..<count {
                    classes[i] = try single.predict(image: UnsafeBufferPointer(rebasing: p[(i * model.inputSize)..<((i + 1) * model.inputSize)]))
                }
            }
        }
        microsecondsPerImageBatch256 = try Self.best(count) {
            try pixels.withUnsafeBufferPointer { p in
                try classes.withUnsafeMutableBufferPointer { c in try batched.predict(pixels: p, classes: c) }
            }
        }
    }

    private static func best(_ count: Int, _ body: () throws -> Void) throws -> Double {
        try body()  // warm up
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(count))
        }
        return best
    }

    /// The CPU's model name, family and model from /proc/cpuinfo (Linux), or the architecture.
    static func cpuName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            #if arch(x86_64)
            return "x86_64"
            #else
            return "arm64"
            #endif
        }
        func field(_ name: String) -> String? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) && $0.dropFirst(name.count).first.map { $0 == " " || $0 == "\t" || $0 == ":" } == true }),
                  let colon = line.firstIndex(of: ":") else { return nil }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var name = field("model name") ?? "unknown CPU"
        if let family = field("cpu family"), let model = field("model") { name += " (family \(family) model \(model))" }
        return name
    }
}
