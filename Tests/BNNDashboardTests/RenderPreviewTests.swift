import Foundation
import Testing
import BNNEngine
@testable import BNNDashboard

/// Prints a render for a person to look at when `BNN_PREVIEW` names a size
/// (e.g. `BNN_PREVIEW=160x48 swift test --filter previewRender`), into the file
/// `BNN_PREVIEW_OUT` (default /tmp/bnn-preview.txt); otherwise does nothing.
@Test func previewRender() {
    let env = ProcessInfo.processInfo.environment
    guard let spec = env["BNN_PREVIEW"] else { return }
    let parts = spec.split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2 else { return }
    var state = DashboardState()
    state.ascii = env["BNN_PREVIEW_ASCII"] != nil
    state.monochrome = env["BNN_PREVIEW_MONO"] != nil
    state.showTest = env["BNN_PREVIEW_TEST"] != nil
    state.logScale = env["BNN_PREVIEW_LOG"] != nil
    state.helpVisible = env["BNN_PREVIEW_HELP"] != nil
    if env["BNN_PREVIEW_LOSS"] != nil { state.chartKind = .loss }
    state.post("lr det set to 0.002", now: 220)
    let grid = DashboardRenderer.render(snapshots: FakeRuns.three(), state: state,
                                        header: DashboardHeader(batchSize: 100, optimizer: "Adam", seed: 1, startedAt: 0),
                                        width: parts[0], height: parts[1], now: 221)
    let path = env["BNN_PREVIEW_OUT"] ?? "/tmp/bnn-preview.txt"
    try? (grid.text() + "\n").write(toFile: path, atomically: true, encoding: .utf8)
}
