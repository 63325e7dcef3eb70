import Foundation

/// Everything `bnn-tui summary` prints: the layer table, the energy estimate with its
/// assumptions and the measured latency. One value, rendered as text or as one JSON object.
public struct SummaryReport: Sendable, Codable, Equatable {
    public var source: String
    public var architecture: String
    public var summary: ModelSummary
    public var totals: [String: Int]
    public var compressionRatio: Double
    public var energy: EnergyEstimate
    public var latency: LatencyMeasurement?

    /// `architecture` in the paper's notation (`PackedModel.architecture`).
    public init(source: String, architecture: String, summary: ModelSummary, latency: LatencyMeasurement?) {
        self.source = source
        self.architecture = architecture
        self.summary = summary
        totals = [
            "binaryWeights": summary.total(\.binaryWeights), "otherParameters": summary.total(\.otherParameters),
            "packedBytes": summary.total(\.packedBytes), "float32Bytes": summary.total(\.float32Bytes),
            "binaryOperationBits": summary.total(\.binaryOperationBits),
            "binaryOperationWords": summary.total(\.binaryOperationWords),
            "thresholdCompares": summary.total(\.thresholdCompares),
            "pixelMultiplyAccumulates": summary.total(\.pixelMultiplyAccumulates),
            "float32Compares": summary.total(\.float32Compares),
            "realMultiplyAccumulates": summary.total(\.realMultiplyAccumulates),
            "float32MultiplyAccumulates": summary.total(\.float32MultiplyAccumulates),
        ]
        compressionRatio = summary.compressionRatio
        energy = EnergyEstimate(summary)
        self.latency = latency
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        let network = summary.isConvolutional ? "ConvNet" : "MLP"
        var lines = ["\(source): \(architecture) binarized \(network) (packed: 1-bit weights, integer thresholds)", ""]
        // The 8-bit MAC column only where a first convolution has some (an MLP's table stays as it was).
        let pixels = summary.total(\.pixelMultiplyAccumulates) > 0
        let header = ["layer", "kind", "output", "binary w", "other", "packed", "float32", "binary ops bits", "64-bit words", "thresholds"]
            + (pixels ? ["8-bit MACs"] : []) + ["real MACs", "float32 MACs"]
        func row(_ name: String, _ kind: String, _ output: String, _ value: (KeyPath<ModelSummary.Layer, Int>) -> Int) -> [String] {
            [name, kind, output, group(value(\.binaryWeights)), group(value(\.otherParameters)), bytes(value(\.packedBytes)),
             bytes(value(\.float32Bytes)), group(value(\.binaryOperationBits)), group(value(\.binaryOperationWords)),
             group(value(\.thresholdCompares))] + (pixels ? [group(value(\.pixelMultiplyAccumulates))] : [])
                + [group(value(\.realMultiplyAccumulates)), group(value(\.float32MultiplyAccumulates))]
        }
        var rows = summary.layers.map { l in
            row(l.name, l.kind, l.outputShape.map(String.init).joined(separator: "×")) { l[keyPath: $0] }
        }
        rows.append(row("total", "", "") { summary.total($0) })
        lines += table(header, rows)
        lines.append(String(format: "compression: %.1fx (float32 weights and BatchNorm over the packed model)", compressionRatio))
        lines.append("")
        lines.append("energy per inference (estimate):")
        let e = energy
        lines += table(["network", "compute", "memory", "total", "weights read from"], [
            ["float32", pj(e.float32.computePicojoules), pj(e.float32.memoryPicojoules), pj(e.float32.totalPicojoules), e.float32.weightMemory],
            ["binary", pj(e.binary.computePicojoules), pj(e.binary.memoryPicojoules), pj(e.binary.totalPicojoules), e.binary.weightMemory],
        ])
        lines.append(String(format: "binary uses %.0fx less energy than float32 (compute %.0fx, memory %.0fx)", e.ratio,
                            e.float32.computePicojoules / e.binary.computePicojoules, e.float32.memoryPicojoules / e.binary.memoryPicojoules))
        lines.append("assumptions:")
        lines += e.assumptions.map { "  - " + $0 }
        lines.append("")
        if let l = latency {
            lines.append(String(format: "latency on %@ (packed model, %@ kernel, %d thread, %d images): %.1f µs per image at batch 1, %.1f µs per image at batch 256",
                                l.cpu, l.kernel, l.threads, l.images, l.microsecondsPerImageBatch1, l.microsecondsPerImageBatch256))
        } else {
            lines.append("latency: not measured (--no-latency)")
        }
        return lines.joined(separator: "\n")
    }

    private func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { c, cell in
                c <= 1 || (header.count == 5 && c == 4) ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    private func group(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    private func bytes(_ n: Int) -> String {
        let b = Double(n)
        if b >= 1_048_576 { return String(format: "%.2f MiB", b / 1_048_576) }
        if b >= 1024 { return String(format: "%.1f KiB", b / 1024) }
        return "\(n) B"
    }

    private func pj(_ p: Double) -> String {
        if p >= 1e6 { return String(format: "%.2f µJ", p / 1e6) }
        if p >= 1e3 { return String(format: "%.2f nJ", p / 1e3) }
        return String(format: "%.1f pJ", p)
    }
}
