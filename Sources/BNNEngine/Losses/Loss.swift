import BNNSupport

/// The result of scoring one batch: the summed loss, the number of
/// misclassified rows (arg-max ≠ label) and the row count.
struct BatchScore {
    var lossSum: Double = 0
    var errors: Int = 0
    var rows: Int = 0

    static func += (a: inout BatchScore, b: BatchScore) {
        a.lossSum += b.lossSum; a.errors += b.errors; a.rows += b.rows
    }
    var meanLoss: Double { rows > 0 ? lossSum / Double(rows) : 0 }
    var errorRate: Double { rows > 0 ? Double(errors) / Double(rows) : 0 }
}

/// The losses of `LossKind`, with their gradients w.r.t. the output scores.
///
/// Square hinge (the paper): per row, the mean over the C classes of
/// max(0, 1 - t·y)² with t = +1 for the label and -1 otherwise, averaged
/// over the batch — exactly BinaryNet's `mean(sqr(maximum(0, 1 - t·y)))`.
/// Cross-entropy: -log softmax(y)[label], averaged over the batch.
enum Loss {
    /// Scores `rows` x `classes` outputs against `labels`; if `gradient` is given,
    /// writes ∂(mean loss over the batch)/∂y into it.
    static func evaluate(_ kind: LossKind, scores y: UnsafePointer<Float>, labels: UnsafePointer<Int32>,
                         rows: Int, classes: Int, gradient: UnsafeMutablePointer<Float>?) -> BatchScore {
        var result = BatchScore(rows: rows)
        for r in 0..<rows {
            let row = y + r * classes
            let label = Int(labels[r])
            var best = 0
            for c in 1..<classes where row[c] > row[best] { best = c }
            if best != label { result.errors += 1 }
            switch kind {
            case .squareHinge:
                var rowLoss: Float = 0
                let scale = 2 / Float(rows * classes)
                for c in 0..<classes {
                    let t: Float = c == label ? 1 : -1
                    let margin = max(0, 1 - t * row[c])
                    rowLoss += margin * margin
                    gradient?[r * classes + c] = -t * margin * scale
                }
                result.lossSum += Double(rowLoss) / Double(classes)
            case .crossEntropy:
                var maxScore = row[0]
                for c in 1..<classes { maxScore = max(maxScore, row[c]) }
                var sum: Double = 0
                for c in 0..<classes { sum += exp(Double(row[c] - maxScore)) }
                let logSum = log(sum) + Double(maxScore)
                result.lossSum += logSum - Double(row[label])
                if let gradient {
                    let scale = 1 / Double(rows)
                    for c in 0..<classes {
                        let p = exp(Double(row[c]) - logSum)
                        gradient[r * classes + c] = Float((p - (c == label ? 1 : 0)) * scale)
                    }
                }
            }
        }
        return result
    }
}
