/// How many images a run trained and evaluated on, saved in its checkpoint.
///
/// It exists so that `train --resume` can go on with the data the run had (a run started
/// with `--train-limit 2000 --eval-limit 500` resumes on those images, not the full set,
/// and its metrics file never mixes test errors over different test sets), and say so
/// when it is told otherwise.
public struct DataSizes: Sendable, Codable, Equatable, CustomStringConvertible {
    public var train: Int
    public var validation: Int
    public var test: Int

    public init(train: Int, validation: Int, test: Int) {
        self.train = train; self.validation = validation; self.test = test
    }

    /// "train 2000 · validation 500 · test 500", as the `train` banner's data line.
    public var description: String { "train \(train) · validation \(validation) · test \(test)" }
}
