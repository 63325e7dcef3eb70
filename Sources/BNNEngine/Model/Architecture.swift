import BNNData
import BNNKernels

extension ImageShape {
    /// Values per image.
    public var size: Int { featureCount }
    /// A flat vector of `count` features (what an MLP written `784-…` sees).
    public static func flat(_ count: Int) -> ImageShape { ImageShape(height: 1, width: 1, channels: count) }
    /// The 28×28 grey images of the MNIST-style datasets: what a spec is checked against
    /// before the data is loaded (the dataset's descriptor has the same).
    public static let grey28 = ImageShape(height: 28, width: 28, channels: 1)
}

/// `ImageShape` as a checkpoint header stores it.
private struct InputShapeCoding: Codable {
    let height: Int
    let width: Int
    let channels: Int
}

/// One layer of an architecture in the paper's notation: `NC3` (a 3×3 convolution with N
/// output channels, stride 1, padding 1), `MP2` (2×2 max-pooling, stride 2) or `NFC` / a
/// plain `N` (a dense layer of N units; the last one gives the classes).
public enum LayerSpec: Sendable, Hashable {
    case convolution(outputChannels: Int)
    case maxPool
    case dense(units: Int)

    /// The token that writes it (`64C3`, `MP2`, `256FC`).
    public var token: String {
        switch self {
        case .convolution(let n): return "\(n)C3"
        case .maxPool: return "MP2"
        case .dense(let n): return "\(n)FC"
        }
    }
}

/// A layer with weights, as the engine builds it: a 3×3 convolution or a dense layer,
/// followed by an optional 2×2 max-pool (convolutions only), then BatchNorm.
public struct WeightLayerShape: Sendable, Hashable {
    /// The convolution's geometry, or nil for a dense layer.
    public let convolution: ConvolutionGeometry?
    /// Whether a 2×2 max-pool follows the convolution (before BatchNorm).
    public let pooled: Bool
    /// Dense: inputs and units. Convolution: input and output channels.
    public let inputs: Int
    public let outputs: Int
    /// The shape after the layer (and its pool): what BatchNorm normalizes per channel.
    public let output: ImageShape

    /// Values per example entering and leaving the layer (after its pool).
    public var inputSize: Int { convolution?.inputSize ?? inputs }
    public var outputSize: Int { output.size }
    /// Fan-in and fan-out for Glorot's bound: a convolution counts its 3×3 receptive field
    /// on both sides, as Lasagne (and so BinaryNet's code) does.
    public var fanIn: Int { convolution.map { $0.patchLength } ?? inputs }
    public var fanOut: Int { convolution.map { $0.kernelSize * $0.kernelSize * $0.outputChannels } ?? outputs }
    /// Latent weights: conv Cout × (3·3·Cin) ([Cout][ky][kx][Cin]); dense inputs × outputs.
    public var weightCount: Int { convolution?.weightCount ?? inputs * outputs }
    /// Per-channel positions BatchNorm averages over (1 for dense layers).
    public var positions: Int { output.height * output.width }
}

/// A network's layers, written in the paper's notation (`32C3-MP2-64C3-MP2-256FC-10`) or,
/// for a multilayer perceptron, as widths from input to output (`784-1024-10`).
///
/// Exists so that every command and the dashboard parse and print network shapes the
/// same way, with one clear error (naming the token) for a bad one.
public struct Architecture: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The image the first layer sees.
    public let input: ImageShape
    /// The layers in order; the last is a dense layer with one unit per class.
    public let layers: [LayerSpec]
    /// Whether it was written as plain widths (`784-1024-10`), which names the input size.
    public let isWidthList: Bool
    /// The layers with weights, compiled from `layers` and `input`.
    public let weightLayers: [WeightLayerShape]

    /// The reasons `Architecture(parsing:)` rejects a string; each names the bad token.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case tooFewLayers(String)
        case nonPositiveWidth(String)
        case tooLarge(String)
        case unknownToken(spec: String, token: String)
        case zeroChannels(spec: String, token: String)
        case tooWide(spec: String, token: String)
        case inputInLayerNotation(spec: String, token: String)
        case convolutionAfterDense(spec: String, token: String)
        case poolTooSmall(spec: String, token: String, height: Int, width: Int)
        case poolWithoutConvolution(spec: String, token: String)
        case mustEndWithClasses(spec: String, token: String)

        public var description: String {
            switch self {
            case .malformed(let s): return "bad architecture '\(s)': expected widths joined by '-', e.g. 784-1024-10"
            case .tooFewLayers(let s): return "bad architecture '\(s)': needs an input and an output width, e.g. 784-10"
            case .nonPositiveWidth(let s): return "bad architecture '\(s)': every width must be a positive integer"
            case .tooLarge(let s): return "bad architecture '\(s)': a width above 65536 is not supported"
            case let .unknownToken(s, t):
                return "bad architecture '\(s)': unknown layer '\(t)' (expected NC3, MP2, NFC or a class count, e.g. 32C3-MP2-64C3-MP2-256FC-10)"
            case let .zeroChannels(s, t): return "bad architecture '\(s)': layer '\(t)' has no units or channels (need 1 to 65536)"
            case let .tooWide(s, t): return "bad architecture '\(s)': layer '\(t)' is too wide (at most 65536 units or channels)"
            case let .inputInLayerNotation(s, t):
                return "bad architecture '\(s)': in the paper's notation the image is implied, so '\(t)' would be a hidden layer of \(t) units: drop it, or give widths only (e.g. 784-1024-10)"
            case let .convolutionAfterDense(s, t): return "bad architecture '\(s)': convolution '\(t)' after a dense layer (convolutions come first)"
            case let .poolTooSmall(s, t, h, w): return "bad architecture '\(s)': pool '\(t)' would shrink the \(h)x\(w) image below 1x1"
            case let .poolWithoutConvolution(s, t): return "bad architecture '\(s)': pool '\(t)' must follow a convolution"
            case let .mustEndWithClasses(s, t): return "bad architecture '\(s)': it must end with a dense layer or class count, not '\(t)'"
            }
        }
    }

    /// A multilayer perceptron with these widths (input first).
    public init(widths: [Int]) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 })
        try! self.init(input: .flat(widths[0]), layers: widths.dropFirst().map { .dense(units: $0) },
                       isWidthList: true, text: widths.map(String.init).joined(separator: "-"))
    }

    /// Parses `784-1024-10` (widths, the first is the input size) or the paper's notation,
    /// `32C3-MP2-64C3-MP2-256FC-10` (`2x64C3` repeats a layer), for images of shape `input`.
    public init(parsing text: String, input: ImageShape = .grey28) throws(ParseError) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if !trimmed.contains(where: \.isLetter) {
            let widths = try Self.parseWidths(parts, text: text)
            try self.init(input: .flat(widths[0]), layers: widths.dropFirst().map { .dense(units: $0) },
                          isWidthList: true, text: text)
            return
        }
        // A bare first number equal to the input size is the width-list habit (784-1024FC-10):
        // here it would silently add a hidden layer of that many units.
        if let first = parts.first, let n = Int(first), n == input.size, parts.count > 1 {
            throw .inputInLayerNotation(spec: text, token: first)
        }
        var layers: [LayerSpec] = []
        for part in parts { layers += try Self.parseToken(part, text: text) }
        try self.init(input: input, layers: layers, isWidthList: false, text: text)
    }

    /// Builds and checks the layers on `input`.
    init(input: ImageShape, layers: [LayerSpec], isWidthList: Bool, text: String) throws(ParseError) {
        self.input = input
        self.layers = layers
        self.isWidthList = isWidthList
        weightLayers = try Self.compile(layers, input: input, text: text)
    }

    private static func parseWidths(_ parts: [String], text: String) throws(ParseError) -> [Int] {
        var widths: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                if part.first == "0" || part.hasPrefix("+") { throw .nonPositiveWidth(text) }
                throw .malformed(text)
            }
            guard let w = Int(part) else { throw .tooLarge(text) }
            guard w > 0 else { throw .nonPositiveWidth(text) }
            guard w <= 65536 else { throw .tooLarge(text) }
            widths.append(w)
        }
        guard widths.count >= 2 else { throw .tooFewLayers(text) }
        return widths
    }

    /// One token: `NC3`, `MP2`, `NFC`, `N`, each optionally `Rx` repeated.
    private static func parseToken(_ token: String, text: String) throws(ParseError) -> [LayerSpec] {
        var body = Substring(token)
        var repeats = 1
        if let x = body.firstIndex(where: { $0 == "x" || $0 == "X" }), x > body.startIndex,
           body[..<x].allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let r = Int(body[..<x]), r >= 1, r <= 64 else { throw .unknownToken(spec: text, token: token) }
            repeats = r
            body = body[body.index(after: x)...]
        }
        let upper = body.uppercased()
        let layer: LayerSpec
        if upper == "MP2" {
            layer = .maxPool
        } else {
            let digits = upper.prefix { $0.isASCII && $0.isNumber }
            let suffix = upper.dropFirst(digits.count)
            guard !digits.isEmpty, suffix == "C3" || suffix == "FC" || suffix.isEmpty else {
                throw .unknownToken(spec: text, token: token)
            }
            guard let n = Int(digits), n <= 65536 else { throw .tooWide(spec: text, token: token) }
            guard n > 0 else { throw .zeroChannels(spec: text, token: token) }
            layer = suffix == "C3" ? .convolution(outputChannels: n) : .dense(units: n)
        }
        return Array(repeating: layer, count: repeats)
    }

    /// The weight layers of `layers` on `input`, checking the order and the image size.
    private static func compile(_ layers: [LayerSpec], input: ImageShape, text: String) throws(ParseError) -> [WeightLayerShape] {
        guard case .dense = layers.last else {
            throw .mustEndWithClasses(spec: text, token: layers.last?.token ?? text)
        }
        var shapes: [WeightLayerShape] = []
        var current = input
        var seenDense = false
        for (i, layer) in layers.enumerated() {
            switch layer {
            case .convolution(let channels):
                guard !seenDense else { throw .convolutionAfterDense(spec: text, token: layer.token) }
                let geometry = ConvolutionGeometry(inputHeight: current.height, inputWidth: current.width,
                                                   inputChannels: current.channels, outputChannels: channels)
                var output = ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: channels)
                let pooled = i + 1 < layers.count && layers[i + 1] == .maxPool
                if pooled {
                    guard output.height >= 2 && output.width >= 2 else {
                        throw .poolTooSmall(spec: text, token: LayerSpec.maxPool.token, height: output.height, width: output.width)
                    }
                    output = ImageShape(height: output.height / 2, width: output.width / 2, channels: channels)
                }
                shapes.append(WeightLayerShape(convolution: geometry, pooled: pooled, inputs: current.channels,
                                               outputs: channels, output: output))
                current = output
            case .maxPool:
                guard i > 0, case .convolution = layers[i - 1] else {
                    throw .poolWithoutConvolution(spec: text, token: layer.token)
                }
            case .dense(let units):
                seenDense = true
                shapes.append(WeightLayerShape(convolution: nil, pooled: false, inputs: current.size,
                                               outputs: units, output: .flat(units)))
                current = .flat(units)
            }
        }
        return shapes
    }

    /// The widths from input to output of a multilayer perceptron (for a ConvNet: the
    /// input size, then every weight layer's output size).
    public var widths: [Int] { [input.size] + weightLayers.map(\.outputSize) }
    public var inputSize: Int { input.size }
    public var outputSize: Int { weightLayers[weightLayers.count - 1].outputs }
    /// Number of weight layers (each followed by BatchNorm).
    public var layerCount: Int { weightLayers.count }
    /// Whether any layer is a convolution.
    public var hasConvolutions: Bool { weightLayers.contains { $0.convolution != nil } }
    /// (fan-in values, outputs) of weight layer `i`: a dense layer's inputs and units.
    public func layerShape(_ i: Int) -> (inputs: Int, outputs: Int) { (weightLayers[i].fanIn, weightLayers[i].outputs) }
    /// Total number of weights.
    public var weightCount: Int { weightLayers.reduce(0) { $0 + $1.weightCount } }

    public var description: String {
        isWidthList ? widths.map(String.init).joined(separator: "-") : layers.map(\.token).joined(separator: "-")
            .replacingFinalDense()
    }

    // MARK: Codable: MLPs as {"widths": [...]} (as every checkpoint so far), others as the spec and input.

    private enum CodingKeys: String, CodingKey { case widths, spec, input }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let spec = try container.decodeIfPresent(String.self, forKey: .spec) {
            let shape = try container.decode(InputShapeCoding.self, forKey: .input)
            guard shape.height > 0, shape.width > 0, shape.channels > 0, shape.height <= 4096, shape.width <= 4096,
                  shape.channels <= 65536 else {
                throw DecodingError.dataCorruptedError(forKey: .input, in: container, debugDescription: "bad input shape")
            }
            let input = ImageShape(height: shape.height, width: shape.width, channels: shape.channels)
            do { self = try Architecture(parsing: spec, input: input) } catch {
                throw DecodingError.dataCorruptedError(forKey: .spec, in: container, debugDescription: error.description)
            }
            return
        }
        let widths = try container.decode([Int].self, forKey: .widths)
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 && $0 <= 65536 }) else {
            throw DecodingError.dataCorruptedError(forKey: .widths, in: container,
                debugDescription: "architecture needs at least two widths in 1...65536, got \(widths)")
        }
        self.init(widths: widths)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if isWidthList {
            try container.encode(widths, forKey: .widths)
        } else {
            try container.encode(description, forKey: .spec)
            try container.encode(InputShapeCoding(height: input.height, width: input.width, channels: input.channels),
                                 forKey: .input)
        }
    }

    public static func == (a: Architecture, b: Architecture) -> Bool {
        a.input == b.input && a.layers == b.layers && a.isWidthList == b.isWidthList
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(input); hasher.combine(layers); hasher.combine(isWidthList)
    }
}

private extension String {
    /// `…-10FC` → `…-10`: the paper writes the class count as a plain number. A spec of
    /// dense layers only keeps it (`3FC` stays `3FC`, `256FC-10` stays): without a letter
    /// it would read back as a list of widths, whose first number is the input.
    func replacingFinalDense() -> String {
        guard hasSuffix("FC") else { return self }
        let shorter = String(dropLast(2))
        return shorter.contains(where: \.isLetter) ? shorter : self
    }
}

extension String {
    /// The string without leading and trailing whitespace (no Foundation needed);
    /// used for typed values and file lines.
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
