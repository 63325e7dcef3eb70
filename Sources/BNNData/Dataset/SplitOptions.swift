/// Limits for quick runs: how much of each split to use.
///
/// `trainLimit` takes the first N images of the training split and must not ask
/// for more than there are (an error, so a typo is not silently ignored);
/// `evalLimit` is a cap on validation and test (first N of each) and is simply
/// ignored where a split is already smaller. Both must be positive when given.
public struct SplitOptions: Equatable, Sendable {
    /// Use only the first N training images (nil: all).
    public var trainLimit: Int?
    /// Use at most the first N images of validation and of test (nil: all).
    public var evalLimit: Int?

    public init(trainLimit: Int? = nil, evalLimit: Int? = nil) {
        self.trainLimit = trainLimit
        self.evalLimit = evalLimit
    }

    /// No limits.
    public static let none = SplitOptions()

    /// Throws `invalidOption` for a limit below 1.
    public func validate() throws(DatasetError) {
        if let trainLimit, trainLimit < 1 {
            throw .invalidOption(name: "train limit", value: trainLimit, requirement: "at least 1")
        }
        if let evalLimit, evalLimit < 1 {
            throw .invalidOption(name: "eval limit", value: evalLimit, requirement: "at least 1")
        }
    }
}
