/// The letter and ASCII symbol that name each run on charts, legends and the
/// table, so runs stay apart without color (`NO_COLOR`) and in ASCII.
///
/// A run's letter is the first letter of its name not already taken by an
/// earlier run (det → d, stoch → s, float → f), else a digit, else any free
/// letter (a-z, then A-Z): 61 runs have letters of their own. Letters are given
/// in run order, so a run that joins later never changes an earlier run's letter.
public struct RunMarkers: Sendable, Equatable {
    public let letters: [Unicode.Scalar]
    /// Symbols for ASCII charts, in run order, wrapping (the letters, written on
    /// each validation line, tell apart the runs that share a symbol).
    public static let asciiSymbols: [Unicode.Scalar] = ["*", "o", "+", "x", "#", "%", "@", "&"]

    /// The marks tried after a name's own letters, in order.
    private static let fallbacks: [Unicode.Scalar] =
        Array("123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)

    public init(names: [String]) {
        var taken = Set<Unicode.Scalar>()
        var letters: [Unicode.Scalar] = []
        for (i, name) in names.enumerated() {
            let candidates = name.lowercased().unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }
            var pick: Unicode.Scalar? = candidates.first(where: { !taken.contains($0) })
            if pick == nil {
                // Digits start at the run's own number (the third run tries "3" first).
                let digits = (0..<9).map { Self.fallbacks[(i + $0) % 9] }
                pick = (digits + Self.fallbacks[9...]).first(where: { !taken.contains($0) })
            }
            let letter = pick ?? "?"
            taken.insert(letter)
            letters.append(letter)
        }
        self.letters = letters
    }

    public func letter(_ run: Int) -> Unicode.Scalar {
        run >= 0 && run < letters.count ? letters[run] : "?"
    }

    public static func asciiSymbol(_ run: Int) -> Unicode.Scalar {
        asciiSymbols[((run % asciiSymbols.count) + asciiSymbols.count) % asciiSymbols.count]
    }
}
