/// Messages quote text that came from files (tensor names, paths, JSON values), and a file
/// may hold anything: a newline or an escape sequence there would split the one line an
/// error must be, or drive the terminal. This escapes every control character (U+0000 to
/// U+001F and U+007F) as Swift does in a string literal (`\n`, `\u{1B}`), and keeps the
/// rest, so a message stays one printable line.
extension String {
    public var escapingControlCharacters: String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
