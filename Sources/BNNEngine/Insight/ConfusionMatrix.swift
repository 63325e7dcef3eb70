/// Counts of (true class, predicted class) over one evaluation pass: row `t`,
/// column `p` holds the images of class `t` the network called `p`.
///
/// It is what the insight view draws after every epoch (on the validation set)
/// and what the metrics JSONL stores as `val_confusion`, so a plot of a finished
/// run shows the same matrix the dashboard showed.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public private(set) var counts: [[Int]]

    public init(classCount: Int) {
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// A matrix from stored rows; nil unless they are square and non-negative.
    public init?(counts: [[Int]]) {
        guard !counts.isEmpty, counts.allSatisfy({ $0.count == counts.count && $0.allSatisfy { $0 >= 0 } }) else {
            return nil
        }
        self.counts = counts
    }

    public init(from decoder: any Decoder) throws {
        let rows = try decoder.singleValueContainer().decode([[Int]].self)
        guard let matrix = ConfusionMatrix(counts: rows) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a confusion matrix is square with counts >= 0"))
        }
        self = matrix
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(counts)
    }

    public var classCount: Int { counts.count }

    /// Records one image of class `label` predicted as `predicted`.
    public mutating func add(label: Int, predicted: Int) {
        guard counts.indices.contains(label), counts.indices.contains(predicted) else { return }
        counts[label][predicted] += 1
    }

    /// Images of class `label`.
    public func total(ofClass label: Int) -> Int { counts[label].reduce(0, +) }

    /// All images counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Fraction of class `label`'s images predicted as another class (nil without images of it).
    public func error(ofClass label: Int) -> Double? {
        let n = total(ofClass: label)
        return n > 0 ? Double(n - counts[label][label]) / Double(n) : nil
    }

    /// Fraction of all images predicted wrongly.
    public var errorRate: Double {
        let n = total
        return n > 0 ? Double(n - (0..<classCount).reduce(0) { $0 + counts[$1][$1] }) / Double(n) : 0
    }

    /// The off-diagonal cell with the largest share of its true class: "class `label` is
    /// taken for `predicted` in `fraction` of its images". Nil when nothing is confused.
    public var mostConfusedPair: (label: Int, predicted: Int, fraction: Double)? {
        var best: (Int, Int, Double)?
        for t in 0..<classCount {
            let n = total(ofClass: t)
            guard n > 0 else { continue }
            for p in 0..<classCount where p != t && counts[t][p] > 0 {
                let f = Double(counts[t][p]) / Double(n)
                if best == nil || f > best!.2 { best = (t, p, f) }
            }
        }
        return best.map { (label: $0.0, predicted: $0.1, fraction: $0.2) }
    }
}
