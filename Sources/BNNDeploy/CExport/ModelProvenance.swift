/// What the generated header says about where the model came from.
///
/// The packed model file holds only the network; a checkpoint also knows the run.
/// The command fills in what it knows and says "not recorded" for the rest.
public struct ModelProvenance: Sendable {
    /// e.g. "784-1024-10 multilayer perceptron".
    public var architecture: String
    /// det or stoch, and what that means.
    public var mode: String
    /// Run name, epochs, seed, source file.
    public var trainingRun: String
    /// The test error and how it was measured.
    public var testError: String
    /// Class names, one per output, when the dataset has them.
    public var classNames: [String]?

    public init(architecture: String, mode: String, trainingRun: String, testError: String, classNames: [String]?) {
        self.architecture = architecture
        self.mode = mode
        self.trainingRun = trainingRun
        self.testError = testError
        self.classNames = classNames
    }
}
