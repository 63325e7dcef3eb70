import BNNKernels
import Foundation

/// How a run picks the forward product of its binary hidden layers.
///
/// A binary layer whose input is a binarized activation multiplies two ±1 matrices,
/// which the XNOR-popcount kernels do exactly (see `BinaryDenseProduct`); sgemm does it
/// exactly too. Which one is faster depends on the shape and the CPU, so by default each
/// run times both on its own shapes when it starts and keeps the winner. The results are
/// bit-identical either way, so the choice never changes a metric.
public enum ForwardProductPolicy: String, Sendable, CaseIterable {
    /// Time both on each eligible layer, keep the faster.
    case auto
    /// Always sgemm (OpenBLAS).
    case sgemm
    /// Always XNOR-popcount where the layer allows it.
    case xnor

    /// The environment variable that overrides the policy: `auto`, `sgemm` or `xnor`.
    public static let environmentVariable = "BNN_TRAIN_PRODUCT"

    /// The policy `BNN_TRAIN_PRODUCT` names; `auto` when it is unset, empty or unknown
    /// (the commands reject an unknown value up front, see `select(environmentValue:)`).
    public static var fromEnvironment: ForwardProductPolicy {
        select(environmentValue: ProcessInfo.processInfo.environment[environmentVariable]) ?? .auto
    }

    /// The policy a `BNN_TRAIN_PRODUCT` value asks for: `auto` for nil or empty, the named
    /// policy (case-insensitive), or nil when the value names none.
    public static func select(environmentValue value: String?) -> ForwardProductPolicy? {
        let name = value?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return name.isEmpty ? .auto : ForwardProductPolicy(rawValue: name)
    }
}

/// The product a weight layer's training forward pass ran in its last batch, as panels and
/// logs name it. It exists because which product runs depends on more than the tuning
/// (`ForwardProductChoice`): a binary network's first dense layer runs the exact pixel
/// product only while its input is pixel values (input dropout makes it sgemm).
public enum ForwardProductKind: String, Sendable, CaseIterable {
    /// The exact integer product of 8-bit pixels and ±1 weights (`PixelDenseProduct`).
    case pixels
    /// XNOR-popcount on packed ±1 inputs and weights.
    case xnor
    /// OpenBLAS sgemm.
    case sgemm
    /// The direct float 3×3 convolution (`bnn_conv3x3_f32`).
    case direct
}

/// The forward product one binary layer uses in training, and the timings that chose it.
public struct ForwardProductChoice: Sendable, Equatable, Codable {
    /// Layer index (0 is the first dense layer).
    public var layer: Int
    /// Rows (the batch), outputs and inputs: the M x N x K of the product.
    public var rows: Int
    public var outputs: Int
    public var inputs: Int
    /// The XNOR-popcount kernel variant that was timed.
    public var kernel: KernelVariant
    /// Median seconds per forward product with sgemm and with XNOR-popcount (packing included);
    /// nil when the policy forced a product without timing.
    public var sgemmSeconds: Double?
    public var xnorSeconds: Double?
    /// Whether the layer uses XNOR-popcount.
    public var usesXnor: Bool
    /// What the float product is, when not sgemm: "direct" for a convolution
    /// (`bnn_conv3x3_f32`). `sgemmSeconds` times it. nil (older records too) means sgemm.
    public var floatProduct: String?

    public init(layer: Int, rows: Int, outputs: Int, inputs: Int, kernel: KernelVariant,
                sgemmSeconds: Double? = nil, xnorSeconds: Double? = nil, usesXnor: Bool, floatProduct: String? = nil) {
        self.layer = layer; self.rows = rows; self.outputs = outputs; self.inputs = inputs
        self.kernel = kernel; self.sgemmSeconds = sgemmSeconds; self.xnorSeconds = xnorSeconds
        self.usesXnor = usesXnor; self.floatProduct = floatProduct
    }

    /// One line for logs, e.g. "layer 2 · 100x4096x4096 · xnor/avx2 28.612 ms vs sgemm 58.664 ms → xnor/avx2".
    public var summary: String {
        var line = "layer \(layer + 1) · \(rows)x\(outputs)x\(inputs) · "
        let float = floatProduct ?? "sgemm"
        if let x = xnorSeconds, let s = sgemmSeconds {
            line += String(format: "xnor/%@ %.3f ms vs %@ %.3f ms", kernel.rawValue, x * 1e3, float, s * 1e3)
        } else {
            line += "forced"
        }
        return line + " → " + (usesXnor ? "xnor/\(kernel.rawValue)" : float)
    }
}
