/// A growing C source file with helpers for the generated constant arrays.
struct CSourceText {
    private(set) var text = ""

    mutating func line(_ s: String = "") { text += s + "\n" }

    /// `static const TYPE NAME[count] = { … };`, `perLine` values per line.
    mutating func array<T>(_ type: String, _ name: String, _ values: [T], perLine: Int = 8,
                           format: (T) -> String) {
        line("static const \(type) \(name)[\(max(values.count, 1))] = {")
        if values.isEmpty { line("    0") }
        var index = 0
        while index < values.count {
            let end = min(index + perLine, values.count)
            line("    " + values[index..<end].map(format).joined(separator: ", ") + (end < values.count ? "," : ""))
            index = end
        }
        line("};")
    }

    /// A `uint32_t` array in hexadecimal.
    mutating func words(_ name: String, _ values: [UInt32]) {
        array("uint32_t", name, values) { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 8) + "u" }
    }

    /// An `int32_t` array in decimal (every value is above −2^31, so each literal fits a long).
    mutating func int32s(_ name: String, _ values: [Int32]) {
        array("int32_t", name, values, perLine: 8) { String($0) }
    }

    /// A `uint8_t` array in decimal.
    mutating func bytes(_ name: String, _ values: [UInt8]) {
        array("uint8_t", name, values, perLine: 16) { String($0) }
    }

    /// An `int64_t` array of INT64_C literals.
    mutating func int64s(_ name: String, _ values: [Int64]) {
        array("int64_t", name, values, perLine: 4) { "INT64_C(\($0))" }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
