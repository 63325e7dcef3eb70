extension Int {
    /// The number with thousands separators, e.g. "38,000" or "-1,024": the one
    /// way counts are written in messages, headers and tables.
    public var groupedDigits: String {
        let digits = String(magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return self < 0 ? "-" + out : out
    }
}
