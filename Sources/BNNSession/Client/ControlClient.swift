import BNNEngine
import BNNSupport
import Foundation

/// One dashboard's connection to a run's control socket: the run's latest
/// snapshot (history included, received over the socket) and its commands.
///
/// `connect` does the whole greeting (hello both ways, the history so far and the
/// first snapshot) before returning, so `snapshot()` always has something to show.
/// A thread of its own then reads what the server sends. When the connection ends
/// the last snapshot stays; a run that ended says so, one whose process vanished
/// shows as failed with the reason.
public final class ControlClient: @unchecked Sendable {
    public let path: String
    public let serverPID: Int32
    public let runName: String
    public let header: SessionHeader

    private let fd: Int32
    private let condition = NSCondition()
    private let writeLock = NSLock()
    private var wire: WireSnapshot
    private var history: [EpochMetrics]
    private var localVersion: UInt64 = 0
    private var endReason: String?
    private var saveReplies: [Int: Result<String, SocketError>] = [:]
    private var nextSaveID = 1

    /// Connects to the run at `path` and waits (up to `timeout` seconds) for its greeting.
    public static func connect(path: String, timeout: Double = SessionProtocol.messageTimeout) throws(SocketError) -> ControlClient {
        let fd = try UnixSocket.connect(path: path)
        var greeting = Greeting()
        do {
            try greeting.receive(fd: fd, path: path, timeout: timeout)
        } catch {
            Glibc.close(fd)
            throw error
        }
        return ControlClient(path: path, fd: fd, greeting: greeting)
    }

    private init(path: String, fd: Int32, greeting: Greeting) {
        self.path = path; self.fd = fd
        serverPID = greeting.pid; runName = greeting.run; header = greeting.header
        wire = greeting.snapshot!; history = greeting.history
        let decoder = greeting.decoder
        let thread = Thread { [self] in readLoop(decoder: decoder) }
        thread.name = "bnn-tui.attach"
        thread.start()
    }

    /// The run as last heard of.
    public func snapshot() -> RunSnapshot {
        condition.lock(); defer { condition.unlock() }
        var s = wire.snapshot(history: history)
        if let endReason, !s.state.isFinished { s.state = .failed(reason: endReason) }
        s.version = s.version &* 1024 &+ localVersion
        return s
    }

    /// Why the connection ended, or nil while it is up.
    public var ended: String? { condition.withLock { endReason } }

    public func send(_ message: ClientMessage) {
        let ok = writeLock.withLock { UnixSocket.writeAll(fd, message.frame) }
        if !ok { end("lost the connection to the run (pid \(serverPID))") }
    }

    /// Asks the run to write a checkpoint into `directory` and waits for the answer.
    public func saveCheckpoint(directory: String, timeout: Double = 120) throws(SocketError) -> String {
        let id = condition.withLock { () -> Int in nextSaveID += 1; return nextSaveID }
        send(.save(id: id, directory: directory))
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock(); defer { condition.unlock() }
        while saveReplies[id] == nil {
            if let endReason { throw SocketError(path: path, reason: endReason) }
            if !condition.wait(until: deadline) { throw SocketError(path: path, reason: "no answer to save within \(Int(timeout)) s") }
        }
        return try saveReplies.removeValue(forKey: id)!.get()
    }

    /// Detaches: the run goes on. The reader thread closes the socket.
    public func close() {
        end("detached")
        shutdown(fd, Int32(SHUT_RDWR))
    }

    // MARK: - Reading (the client's thread)

    private func readLoop(decoder start: FrameDecoder) {
        var decoder = start
        var buffer = [UInt8](repeating: 0, count: 65536)
        reading: while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { end("lost the connection to the run (pid \(serverPID))"); break }
            do {
                for frame in try decoder.feed(buffer[0..<n]) {
                    let message = try ServerMessage(payload: frame)
                    if case .bye(let reason) = message { end(reason); break reading }
                    apply(message)
                }
            } catch {
                end("the run sent a bad message: \(error)")
                break
            }
        }
        Glibc.close(fd)
    }

    private func apply(_ message: ServerMessage) {
        condition.lock(); defer { condition.unlock() }
        switch message {
        case .snapshot(let s): wire = s
        case .epochs(let from, let epochs): Greeting.merge(epochs, from: from, into: &history)
        case .saved(let id, let path, let error):
            saveReplies[id] = path.map { .success($0) } ?? .failure(SocketError(path: self.path, reason: error ?? "save failed"))
        case .hello, .bye: break
        }
        localVersion &+= 1
        condition.broadcast()
    }

    private func end(_ reason: String) {
        condition.lock()
        if endReason == nil { endReason = reason; localVersion &+= 1 }
        condition.broadcast()
        condition.unlock()
    }
}

/// The start of a connection, read synchronously by `ControlClient.connect`:
/// the server's hello, our hello back, then epochs until the first snapshot.
private struct Greeting {
    var decoder = FrameDecoder()
    var pid: Int32 = 0
    var run = ""
    var header = SessionHeader(dataset: "")
    var snapshot: WireSnapshot?
    var history: [EpochMetrics] = []

    mutating func receive(fd: Int32, path: String, timeout: Double) throws(SocketError) {
        let deadline = ControlServer.monotonicSeconds() + timeout
        var greeted = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while snapshot == nil {
            let left = deadline - ControlServer.monotonicSeconds()
            guard left > 0, UnixSocket.waitReadable(fd, seconds: left) else {
                throw SocketError(path: path, reason: "the run did not answer within \(Int(timeout)) s")
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw SocketError(path: path, reason: greeted ? "the run closed the connection"
                    : "refused: the run closed the connection without a word (it serves only the user who started it)")
            }
            let frames: [[UInt8]]
            do { frames = try decoder.feed(buffer[0..<n]) } catch { throw SocketError(path: path, reason: "bad answer: \(error)") }
            for frame in frames {
                let message: ServerMessage
                do { message = try ServerMessage(payload: frame) } catch { throw SocketError(path: path, reason: "bad answer: \(error)") }
                switch message {
                case .hello(let version, let pid, let run, let header) where !greeted:
                    guard version == SessionProtocol.version else {
                        throw SocketError(path: path, reason: "the run speaks protocol version \(version); this bnn-tui speaks \(SessionProtocol.version)")
                    }
                    self.pid = pid; self.run = run; self.header = header
                    greeted = true
                    guard UnixSocket.writeAll(fd, ClientMessage.hello(version: SessionProtocol.version).frame) else {
                        throw SocketError(path: path, reason: "the run closed the connection")
                    }
                case .epochs(let from, let epochs) where greeted: Self.merge(epochs, from: from, into: &history)
                case .snapshot(let s) where greeted: snapshot = s
                case .bye(let reason): throw SocketError(path: path, reason: reason)
                default: throw SocketError(path: path, reason: "bad answer: unexpected message before the first snapshot")
                }
            }
        }
    }

    /// Puts `epochs` at `from`… of `history` (a resent history replaces what it overlaps).
    static func merge(_ epochs: [EpochMetrics], from: Int, into history: inout [EpochMetrics]) {
        guard from <= history.count else { return }  // a gap: the server never sends one
        history.removeSubrange(from...)
        history += epochs
    }
}
