/// One test image the network got wrong, with how sure it was.
///
/// The margin is the predicted class's score minus the true class's score in
/// evaluation mode: the larger it is, the more confidently wrong the network
/// was. The metrics JSONL stores the worst ones per epoch as `test_misclassified`.
public struct MisclassifiedImage: Sendable, Equatable, Codable {
    /// Index of the image in the test set.
    public var index: Int
    public var label: Int
    public var predicted: Int
    public var margin: Double

    public init(index: Int, label: Int, predicted: Int, margin: Double) {
        self.index = index; self.label = label; self.predicted = predicted; self.margin = margin
    }
}
