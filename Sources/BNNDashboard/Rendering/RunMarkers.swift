/// The letter and ASCII symbol that name each run on charts, legends and the
/// table, so runs stay apart without color (`NO_COLOR`) and in ASCII.
///
/// A run's letter is the first letter of its name not already taken by an
/// earlier run (det → d, stoch → s, float → f), else its number.
public struct RunMarkers: Sendable, Equatable {
    public let letters: [Unicode.Scalar]
    /// Symbols for ASCII charts, in run order, wrapping.
    public static let asciiSymbols: [Unicode.Scalar] = ["*", "o", "+", "x", "#", "%", "@", "&"]

    public init(names: [String]) {
        var taken = Set<Unicode.Scalar>()
        var letters: [Unicode.Scalar] = []
        for (i, name) in names.enumerated() {
            let candidates = name.lowercased().unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }
            var pick: Unicode.Scalar? = candidates.first(where: { !taken.contains($0) })
            if pick == nil {
                pick = (1...9).lazy.compactMap { Unicode.Scalar(48 + UInt8(($0 + i - 1) % 9 + 1)) }
                    .first(where: { !taken.contains($0) })
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
