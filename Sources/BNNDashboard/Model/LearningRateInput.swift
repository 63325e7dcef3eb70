/// Parses a learning rate typed by the user: a positive, finite number.
///
/// Exists so the prompt and any other entry point reject the same values
/// ("abc", "-1", "0", "inf", "nan") with the same message.
public enum LearningRateInput {
    /// Why a typed learning rate was refused; `description` is the one-line message shown.
    public struct Rejection: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "bad learning rate '\(text)': needs a positive finite number, e.g. 0.001"
        }
    }

    /// The value of `text` (surrounding spaces ignored) if it is a positive finite number.
    public static func parse(_ text: String) -> Result<Double, Rejection> {
        let trimmed = text.trimmingWhitespace()
        // Swift's Double(_:) also accepts hex floats, "inf" and "nan"; only plain decimals are lrs.
        let allowed = trimmed.unicodeScalars.allSatisfy { "0123456789.eE+-".unicodeScalars.contains($0) }
        guard allowed, let value = Double(trimmed), value.isFinite, value > 0 else {
            return .failure(Rejection(text: trimmed))
        }
        return .success(value)
    }
}
