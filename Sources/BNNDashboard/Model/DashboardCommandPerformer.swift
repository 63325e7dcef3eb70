import BNNEngine

/// Carries out the reducer's commands against a `RunController` and reports
/// the outcome of slow or fallible ones (export, checkpoints) as a transient
/// message, so the app loop only decides when to quit.
public enum DashboardCommandPerformer {
    /// Performs `commands` in order.
    /// - Parameters:
    ///   - runCount: number of runs, for `pauseAll` / `resumeAll`.
    ///   - export: writes the text export and returns its path (e.g. with `TextExport.write`).
    /// - Returns: true when one of the commands was `quit` (the app then calls `stopAll`).
    public static func perform(_ commands: [DashboardCommand], on controller: any RunController, runCount: Int,
                               state: inout DashboardState, now: Double,
                               export: () throws -> String) -> Bool {
        var quit = false
        for command in commands {
            if let reason = controller.readOnlyReason, command.steersRuns {
                state.post("read-only: \(reason)", kind: .error, now: now)
                continue
            }
            switch command {
            case .pause(let run): controller.pause(run: run)
            case .resume(let run): controller.resume(run: run)
            case .pauseAll: for run in 0..<runCount { controller.pause(run: run) }
            case .resumeAll: for run in 0..<runCount { controller.resume(run: run) }
            case .setLearningRate(let run, let value): controller.setLearningRate(value, run: run)
            case .fork(let run, let rate, let mode):
                do {
                    let name = try controller.fork(run: run, learningRate: rate, mode: mode)
                    state.post("forked \(name)", now: now)
                } catch {
                    state.post("fork failed: \(error)", kind: .error, now: now)
                }
            case .continueRun(let run, let epochs):
                do {
                    try controller.continueRun(run, epochs: epochs)
                    state.post("continuing for \(epochs) more \(epochs == 1 ? "epoch" : "epochs")", now: now)
                } catch {
                    state.post("continue failed: \(error)", kind: .error, now: now)
                }
            case .export:
                do {
                    let path = try export()
                    state.post("exported to \(path)", now: now)
                } catch {
                    state.post("export failed: \(error)", kind: .error, now: now)
                }
            case .saveCheckpoints:
                do {
                    let paths = try controller.saveCheckpoints()
                    let text = paths.count == 1 ? "saved \(paths[0])" : "saved \(paths.count) checkpoints"
                        + (paths.first.map { " (\($0), ...)" } ?? "")
                    state.post(text, now: now)
                } catch {
                    state.post("saving checkpoints failed: \(error)", kind: .error, now: now)
                }
            case .quit:
                quit = true
            }
        }
        return quit
    }
}
