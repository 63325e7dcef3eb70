import ArgumentParser
import BNNDashboard
import BNNSession
import Foundation

/// `bnn-tui attach [PATH…]`: the dashboard over headless `train` runs, through
/// their control sockets. Every key works as on local runs; `q` detaches and
/// the runs go on training.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Open the dashboard on running `bnn-tui train` runs; q detaches and they go on.",
        discussion: """
        With no path, attaches to every run of yours in the default socket directory \
        ($XDG_RUNTIME_DIR/bnn-tui, else /tmp/bnn-tui-<uid>). The charts include the epochs \
        trained before attaching. Several dashboards may attach to one run.
        """)

    @Argument(help: "Control sockets (train --control PATH, or the path train printed).")
    var paths: [String] = []

    @OptionGroup var display: DisplayOptions

    @Option(name: .customLong("checkpoint-dir"), help: "Where 's' asks each run to save its checkpoint (bnn-tui-<run>.ckpt).")
    var checkpointDirectory: String = "."

    func run() throws {
        try reportingFailures { try attach() }
    }

    private func attach() throws {
        let clients = try connect()
        do { try InteractiveCheck.requireTerminal() } catch {
            clients.forEach { $0.close() }
            throw CommandFailure.usage("\(error)")
        }
        let directory = URL(fileURLWithPath: checkpointDirectory).standardizedFileURL.path
        let runs = RemoteRuns(clients: clients, checkpointDirectory: directory)
        let header = clients[0].header
        let names = clients.map(\.runName).joined(separator: ", ")
        try DashboardLoop.run(runs, header: { header }, display: display,
                              notice: (text: "attached to \(names) · q detaches (the runs go on)", kind: .info))
    }

    /// One client per socket; with no paths, every live socket in the default directory.
    private func connect() throws -> [ControlClient] {
        if !paths.isEmpty {
            return try paths.map { path in
                do { return try ControlClient.connect(path: path) } catch {
                    throw CommandFailure.runtime("attach: \(error)")
                }
            }
        }
        let directory = ControlDirectory.defaultPath(environment: ProcessInfo.processInfo.environment)
        let clients = ControlDirectory.sockets(in: directory).compactMap { try? ControlClient.connect(path: $0) }
        guard !clients.isEmpty else {
            throw CommandFailure.runtime("attach: no running runs found in \(directory) (start one with bnn-tui train, or give a socket path)")
        }
        return clients
    }
}
