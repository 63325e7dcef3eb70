import BNNEngine

/// What a key asks the app to do beyond the dashboard's own state: talk to
/// the engine (through `RunController`), write files, or leave.
///
/// The reducer returns these so it stays pure and testable; the app loop
/// carries them out.
public enum DashboardCommand: Sendable, Equatable {
    case pause(run: Int)
    case resume(run: Int)
    case pauseAll
    case resumeAll
    /// The new learning rate, already validated (positive and finite).
    case setLearningRate(run: Int, value: Double)
    /// Fork the run into a new one beside it: nil keeps its learning rate / mode.
    case fork(run: Int, learningRate: Double?, mode: BinarizationMode?)
    /// Train a finished run for `epochs` more epochs.
    case continueRun(run: Int, epochs: Int)
    /// Write the text export (the app chooses the path and reports it with `DashboardState.post`).
    case export
    case saveCheckpoints
    case quit
}

extension DashboardCommand {
    /// Whether the command changes a run (refused when the runs are read-only).
    public var steersRuns: Bool {
        switch self {
        case .pause, .resume, .pauseAll, .resumeAll, .setLearningRate, .saveCheckpoints, .fork, .continueRun: return true
        case .export, .quit: return false
        }
    }
}
