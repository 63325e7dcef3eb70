import Foundation

/// Number and time formatting with fixed widths, shared by every panel so the
/// same value always reads the same and columns never jitter.
public enum Format {
    /// A fraction as a percent with `decimals` decimals ("11.20%"); "—"/"-" style blank for nil or non-finite.
    public static func percent(_ fraction: Double?, decimals: Int = 2) -> String {
        guard let f = fraction, f.isFinite else { return "-" }
        return String(format: "%.\(decimals)f%%", f * 100)
    }

    /// A fraction as a percent in at most 6 columns: two decimals below 10%, one above ("3.10%", "18.0%").
    public static func percentCompact(_ fraction: Double?) -> String {
        guard let f = fraction, f.isFinite else { return "-" }
        return String(format: abs(f) < 0.1 ? "%.2f%%" : "%.1f%%", f * 100)
    }

    /// A learning rate in at most 8 columns ("0.00200", "0.000125", "1.56e-05").
    public static func learningRate(_ lr: Double) -> String {
        guard lr.isFinite else { return "-" }
        // Three significant digits, trailing zeros kept, so that a column of rates lines up
        // ("8.90e-05" above "9.01e-05", not "8.9e-05").
        let text = String(format: "%#.3g", lr)
        // A three-digit exponent ("1.00e+308") would not fit: one digit fewer ("1.0e+308").
        return text.count <= 8 ? text : String(format: "%#.2g", lr)
    }

    /// A learning rate as typed or confirmed in a message ("0.002", "1.5625e-05").
    public static func learningRateMessage(_ lr: Double) -> String {
        String(format: "%g", lr)
    }

    /// A duration as h:mm:ss ("0:03:41", "12:00:05"); "-" for unknown.
    public static func duration(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite, s >= 0, s < 1e12 else { return "-" }
        let total = Int(s.rounded())
        return String(format: "%d:%02d:%02d", total / 3600, (total / 60) % 60, total % 60)
    }

    /// A short duration: m:ss under an hour, else h:mm:ss.
    public static func shortDuration(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite, s >= 0, s < 1e12 else { return "-" }
        let total = Int(s.rounded())
        if total < 3600 { return String(format: "%d:%02d", total / 60, total % 60) }
        return duration(s)
    }

    /// An integer with thousands separators ("38,000").
    public static func grouped(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "-" }
        guard abs(v) < 1e15 else { return String(format: "%.3g", v) }
        return Int(v.rounded()).groupedDigits
    }

    /// A number with `decimals` decimals, "-" when not finite.
    public static func fixed(_ value: Double?, decimals: Int) -> String {
        guard let v = value, v.isFinite else { return "-" }
        return String(format: "%.\(decimals)f", v)
    }

    /// `text` padded with spaces (or cut) to exactly `width` columns.
    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let n = text.unicodeScalars.count
        if n >= width { return String(String.UnicodeScalarView(text.unicodeScalars.prefix(width))) }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + text : text + fill
    }
}
