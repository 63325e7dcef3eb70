import ArgumentParser
import BNNDashboard
import BNNEngine
import Foundation

/// The dashboard's terminal loop over any `RunController`: local runs
/// (`dashboard`), runs attached over their control sockets (`attach`) or
/// metrics files followed as they grow (`watch`).
///
/// It renders the controller's snapshots whenever one changes (or the clock
/// ticks), turns keys into commands, and on quit calls `stopAll` (which stops
/// local runs and detaches from remote ones). The terminal is restored on every way out.
enum DashboardLoop {
    /// Runs the dashboard until the user quits.
    /// - Parameters:
    ///   - header: a function, so that runs joining later (`watch DIR`) can change it.
    ///   - start: called once the terminal is up (e.g. to start training).
    ///   - notice: a first message for the status area.
    static func run(_ controller: any RunController, header: @escaping () -> DashboardHeader,
                    display: DisplayOptions, notice: (text: String, kind: TransientMessage.Kind)? = nil,
                    start: () -> Void = {}) throws {
        let terminal: Terminal
        do { terminal = try Terminal(options: Terminal.Options(monochrome: display.monochrome)) } catch {
            throw CommandFailure.runtime("\(error)")
        }
        var state = DashboardState(monochrome: display.monochrome, ascii: display.ascii || !terminal.unicode)
        state.branchingRefusal = controller.readOnlyReason.map { "read-only: \($0)" } ?? controller.branchingRefusal
        if let notice {
            // The notices separate their parts with " · "; in ASCII with the ASCII separator.
            let text = notice.text.replacingOccurrences(of: Glyphs.unicode.separator,
                                                        with: Glyphs.forASCII(state.ascii).separator)
            state.post(text, kind: notice.kind, now: Date().timeIntervalSince1970)
        }
        start()
        let app = TerminalApp(terminal: terminal)
        var lastVersions: [UInt64] = []
        var lastSecond = -1
        var lastMessage: TransientMessage?
        var snapshots = controller.snapshots()
        let exit = app.run(
            render: { width, height in
                DashboardRenderer.render(snapshots: snapshots, state: state, header: header(),
                                         width: width, height: height, now: Date().timeIntervalSince1970)
            },
            onKey: { key in
                guard let input = KeyInput(key) else { return .continue }
                let now = Date().timeIntervalSince1970
                snapshots = controller.snapshots()
                let exportOptions = TextExport.Options(ascii: state.ascii)
                let commands = DashboardReducer.handle(input, state: &state, snapshots: snapshots, now: now)
                let quit = DashboardCommandPerformer.perform(
                    commands, on: controller, runCount: snapshots.count, state: &state, now: now,
                    export: {
                        let path = TextExport.unusedFileName(unixTime: now)
                        try TextExport.write(snapshots: controller.snapshots(), header: header(),
                                             options: exportOptions, to: path)
                        return path
                    })
                snapshots = controller.snapshots()
                return quit ? .quit : .continue
            },
            needsRedraw: {
                let now = Date().timeIntervalSince1970
                snapshots = controller.snapshots()
                let versions = snapshots.map(\.version)
                let message = state.visibleMessage(now: now)
                let second = Int(now)
                defer { lastVersions = versions; lastSecond = second; lastMessage = message }
                return versions != lastVersions || second != lastSecond || message != lastMessage
            })
        terminal.end()
        controller.stopAll()
        if exit.exitStatus != 0 { throw ExitCode(exit.exitStatus) }
    }
}
