/// The layer widths of a multilayer perceptron, written `784-1024-10`.
///
/// Exists so that every command and the dashboard parse and print network
/// shapes the same way, with one clear error for a bad one.
public struct Architecture: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Layer widths from the input to the output, at least two entries.
    public let widths: [Int]

    /// The reasons `Architecture(parsing:)` rejects a string.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case tooFewLayers(String)
        case nonPositiveWidth(String)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .malformed(let s): return "bad architecture '\(s)': expected widths joined by '-', e.g. 784-1024-10"
            case .tooFewLayers(let s): return "bad architecture '\(s)': needs an input and an output width, e.g. 784-10"
            case .nonPositiveWidth(let s): return "bad architecture '\(s)': every width must be a positive integer"
            case .tooLarge(let s): return "bad architecture '\(s)': a width above 65536 is not supported"
            }
        }
    }

    public init(widths: [Int]) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 })
        self.widths = widths
    }

    /// Parses `784-1024-10`.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
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
        self.widths = widths
    }

    public var inputSize: Int { widths[0] }
    public var outputSize: Int { widths[widths.count - 1] }
    /// Number of dense layers (each followed by BatchNorm).
    public var layerCount: Int { widths.count - 1 }
    /// (inputs, outputs) of dense layer `i`.
    public func layerShape(_ i: Int) -> (inputs: Int, outputs: Int) { (widths[i], widths[i + 1]) }
    /// Total number of dense weights.
    public var weightCount: Int { (0..<layerCount).reduce(0) { $0 + widths[$1] * widths[$1 + 1] } }

    public var description: String { widths.map(String.init).joined(separator: "-") }

    /// Decodes and validates (a file may hold anything): the same rules as parsing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let widths = try container.decode([Int].self, forKey: .widths)
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 && $0 <= 65536 }) else {
            throw DecodingError.dataCorruptedError(forKey: .widths, in: container,
                debugDescription: "architecture needs at least two widths in 1...65536, got \(widths)")
        }
        self.widths = widths
    }

    private enum CodingKeys: String, CodingKey { case widths }
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
