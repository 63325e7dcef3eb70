import BNNDashboard
import BNNEngine
import BNNSession

/// The fuzz target for the control-socket decoder: what a server does with the
/// bytes a client sends, and what `attach` does with the bytes a server sends.
///
/// The input is a byte stream cut into pieces of 1-16 bytes (the first byte picks
/// the size, as `read` might return them) and fed to a `FrameDecoder`; every frame
/// is decoded as a `ClientMessage` and as a `ServerMessage`. A refusal must be one
/// line; a decoded learning rate must be positive and finite; a decoded snapshot
/// must rebuild into a `RunSnapshot` that the dashboard renders.
enum SessionTargets {
    static let stream = FuzzTarget(
        name: "session-stream",
        summary: "the input as bytes on a control socket → FrameDecoder, ClientMessage and ServerMessage, then the dashboard over a decoded snapshot",
        maximumInputLength: 16384
    ) { input, _ in
        guard let first = input.first else { return .rejected("empty input") }
        let piece = Int(first % 16) + 1
        var decoder = FrameDecoder(limit: 8192)
        var frames: [[UInt8]] = []
        var offset = 1
        do throws(FrameDecoder.Failure) {
            while offset < input.count {
                let end = min(input.count, offset + piece)
                frames += try decoder.feed(input[offset..<end])
                offset = end
            }
        } catch {
            return judge(error.description, loader: "FrameDecoder")
        }
        var decoded = 0
        for frame in frames {
            do throws(MessageError) {
                if case .setLearningRate(let rate) = try ClientMessage(payload: frame), !(rate.isFinite && rate > 0) {
                    return .violation("ClientMessage decoded learning rate \(rate)")
                }
                decoded += 1
            } catch {
                if case .violation(let v) = judge(error.description, loader: "ClientMessage") { return .violation(v) }
            }
            do throws(MessageError) {
                if case .snapshot(let wire) = try ServerMessage(payload: frame) {
                    let snapshot = wire.snapshot(history: [])
                    let grid = DashboardRenderer.render(snapshots: [snapshot], state: DashboardState(),
                                                        header: DashboardHeader(), width: 100, height: 32, now: 0)
                    guard grid.width == 100 && grid.height == 32 else { return .violation("render size changed") }
                }
                decoded += 1
            } catch {
                if case .violation(let v) = judge(error.description, loader: "ServerMessage") { return .violation(v) }
            }
        }
        return .loaded("\(frames.count) frames, \(decoded) decoded")
    }

    private static func judge(_ message: String, loader: String) -> FuzzOutcome {
        if message.isEmpty { return .violation("\(loader): empty error message") }
        if message.contains(where: \.isNewline) { return .violation("\(loader): error message is not one line: \(message.debugDescription)") }
        return .rejected(message)
    }
}
