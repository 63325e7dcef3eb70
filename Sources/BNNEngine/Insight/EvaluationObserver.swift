/// Watches the scores of an evaluation pass batch by batch and keeps what the
/// insight view needs: the confusion matrix and the most confidently wrong images.
///
/// Fed by `TrainingRun` from the scores `Network.evaluate` computes anyway, so
/// it costs no extra forward pass.
struct EvaluationObserver {
    private(set) var confusion: ConfusionMatrix
    /// Every wrong image of the pass; `worst(_:)` sorts them once at the end.
    private var wrong: [MisclassifiedImage] = []

    init(classCount: Int) { confusion = ConfusionMatrix(classCount: classCount) }

    /// Records `rows` rows of `classes` scores for images `firstIndex ..< firstIndex + rows`.
    mutating func observe(scores: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int,
                          classes: Int, firstIndex: Int) {
        for r in 0..<rows {
            let row = scores + r * classes
            let label = Int(labels[r])
            // The same arg-max as the loss's error count (first of equal scores wins).
            var best = 0
            for c in 1..<classes where row[c] > row[best] { best = c }
            confusion.add(label: label, predicted: best)
            if best != label {
                wrong.append(MisclassifiedImage(index: firstIndex + r, label: label, predicted: best,
                                                margin: Double(row[best] - row[label])))
            }
        }
    }

    /// The `count` wrong images with the largest margins, most confident first
    /// (ties by test index, so the order is reproducible).
    func worst(_ count: Int) -> [MisclassifiedImage] {
        Array(wrong.sorted { ($0.margin, -$0.index) > ($1.margin, -$1.index) }.prefix(count))
    }
}
