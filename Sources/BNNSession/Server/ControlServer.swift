import BNNEngine
import BNNSupport
import Foundation

/// Serves one run over a Unix domain socket, so that dashboards can attach to
/// a headless `train`, steer it and detach while it goes on.
///
/// One thread of its own runs a `poll` loop over the listening socket and every
/// client; the training loop never waits for it and never sees a client. With no
/// client attached the thread sleeps in `poll` until someone connects, so a run
/// nobody watches trains at full speed. A connecting process whose uid (from
/// `SO_PEERCRED`) is not the server's is closed before a single byte is written.
/// A malformed, oversized or slow message closes that connection with a logged
/// reason; the run and the other clients carry on.
public final class ControlServer: @unchecked Sendable {
    public let path: String
    private let run: any ControlledRun
    private let header: SessionHeader
    private let log: @Sendable (String) -> Void
    private let ownerUID = getuid()
    private let listener: Int32
    private let socketInode: ino_t
    private let wakeRead: Int32, wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let messageTimeout: Double

    // Shared with other threads, guarded by `lock`.
    private let lock = NSLock()
    private var finishing = false
    private var started = false
    private var completedSaves: [(connection: Int, message: ServerMessage)] = []
    private var attachedCount = 0

    // Touched only by the server's thread.
    private var connections: [ServerConnection] = []
    private var nextID = 1
    private var lastPublish = 0.0
    private var readBuffer = [UInt8](repeating: 0, count: 65536)

    /// Creates the socket at `path` (mode 0600; its directory must be private to this user).
    /// - Parameter log: receives one line per notable event (a refusal, a dropped client), from the server's thread.
    /// - Parameter messageTimeout: seconds a client has for its hello and for each frame it begins.
    public init(path: String, run: any ControlledRun, header: SessionHeader,
                messageTimeout: Double = SessionProtocol.messageTimeout,
                log: @escaping @Sendable (String) -> Void) throws(SocketError) {
        self.path = path; self.run = run; self.header = header; self.log = log
        self.messageTimeout = messageTimeout
        try ControlDirectory.checkPrivate((path as NSString).deletingLastPathComponent.isEmpty
                                          ? "." : (path as NSString).deletingLastPathComponent)
        listener = try UnixSocket.listen(path: path)
        var info = stat()
        stat(path, &info)
        socketInode = info.st_ino
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(listener); unlink(path)
            throw SocketError(path: path, reason: "cannot create a pipe: \(UnixSocket.errorText())")
        }
        wakeRead = pipeEnds[0]; wakeWrite = pipeEnds[1]
        for fd in pipeEnds { UnixSocket.setNonBlocking(fd); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        UnixSocket.setNonBlocking(listener)
    }

    /// Starts serving on the server's own thread.
    public func start() {
        lock.lock(); defer { lock.unlock() }
        guard !started else { return }
        started = true
        let thread = Thread { [self] in serve() }
        thread.name = "bnn-tui.control"
        thread.start()
    }

    /// Sends every client the final snapshot and a `bye`, waits (bounded) for them to
    /// receive it, closes everything and removes the socket file.
    public func finish() {
        lock.lock()
        let wasStarted = started
        finishing = true
        lock.unlock()
        guard wasStarted else { closeListener(); return }
        wakeUp()
        finished.wait()
    }

    /// Clients past their hello right now (for tests and the log).
    public var attachedClients: Int { lock.withLock { attachedCount } }

    // MARK: - The loop (server thread)

    private func serve() {
        while true {
            let now = Self.monotonicSeconds()
            let (isFinishing, saves) = lock.withLock { () -> (Bool, [(connection: Int, message: ServerMessage)]) in
                defer { completedSaves = [] }
                return (finishing, completedSaves)
            }
            for save in saves { connections.first { $0.id == save.connection }?.queue(save.message.frame) }
            if isFinishing { closeAll(); break }
            if !connections.isEmpty && now - lastPublish >= SessionProtocol.publishInterval {
                publish()
                lastPublish = now
            }
            expireDeadlines(now: now)
            waitForEvents()
        }
        finished.signal()
    }

    private func waitForEvents() {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        for c in connections {
            fds.append(pollfd(fd: c.fd, events: Int16(POLLIN) | (c.queuedBytes > 0 ? Int16(POLLOUT) : 0), revents: 0))
        }
        let timeout: Int32 = connections.isEmpty ? -1 : Int32(SessionProtocol.publishInterval * 1000)
        guard poll(&fds, nfds_t(fds.count), timeout) > 0 else { return }
        if fds[0].revents != 0 { drainWakePipe() }
        if fds[1].revents & Int16(POLLIN) != 0 { acceptClient() }
        for (i, c) in connections.enumerated() where i + 2 < fds.count && fds[i + 2].fd == c.fd {
            let events = fds[i + 2].revents
            if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 { receive(c) }
            if events & Int16(POLLOUT) != 0, c.phase != .closing || c.queuedBytes > 0 {
                if !c.flush() { drop(c, reason: "the client went away") }
            }
            if c.phase == .closing && c.queuedBytes == 0 { drop(c, reason: nil) }
        }
        connections.removeAll { $0.fd < 0 }
        lock.withLock { attachedCount = connections.filter { $0.phase == .attached }.count }
    }

    private func acceptClient() {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        guard let peer = UnixSocket.peerCredentials(fd) else {
            close(fd)
            log("refused a connection: the kernel did not say who it came from")
            return
        }
        guard peer.uid == ownerUID else {
            close(fd)  // before writing anything: the peer learns nothing about the run
            log("refused a connection from uid \(peer.uid) (pid \(peer.pid)): only uid \(ownerUID) may attach")
            return
        }
        UnixSocket.setNonBlocking(fd)
        let connection = ServerConnection(fd: fd, peer: peer, id: nextID, deadline: Self.monotonicSeconds() + messageTimeout)
        nextID += 1
        connection.queue(ServerMessage.hello(version: SessionProtocol.version, pid: getpid(), run: run.name,
                                             header: header).frame)
        connections.append(connection)
    }

    private func receive(_ c: ServerConnection) {
        let n = readBuffer.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
        if n < 0 {
            if errno == EAGAIN || errno == EINTR || errno == EWOULDBLOCK { return }
            drop(c, reason: "read failed: \(UnixSocket.errorText())")
            return
        }
        if n == 0 { drop(c, reason: c.phase == .attached ? "detached" : "closed before its hello"); return }
        let hadPartial = c.decoder.pendingByteCount > 0
        let frames: [[UInt8]]
        do { frames = try c.decoder.feed(readBuffer[0..<n]) } catch {
            drop(c, reason: error.description)
            return
        }
        if !hadPartial && c.decoder.pendingByteCount > 0 && c.phase == .attached {
            c.deadline = Self.monotonicSeconds() + messageTimeout
        }
        for frame in frames where c.fd >= 0 && c.phase != .closing {
            do { handle(try ClientMessage(payload: frame), from: c) } catch {
                drop(c, reason: "malformed message: \(error.description)")
            }
        }
    }

    private func handle(_ message: ClientMessage, from c: ServerConnection) {
        switch (c.phase, message) {
        case (.awaitingHello, .hello(let version)):
            guard version == SessionProtocol.version else {
                c.queue(ServerMessage.bye(reason: "protocol version \(version) is not supported; this run speaks version \(SessionProtocol.version)").frame)
                c.phase = .closing
                log("\(c.who) speaks protocol version \(version); told it this run speaks \(SessionProtocol.version)")
                return
            }
            c.phase = .attached
            log("\(c.who) attached")
            publish(to: c, snapshot: run.snapshot())
        case (.awaitingHello, _):
            drop(c, reason: "malformed message: expected 'hello' first")
        case (.attached, .hello):
            drop(c, reason: "malformed message: a second 'hello'")
        case (.attached, .pause): run.pause()
        case (.attached, .resume): run.resume()
        case (.attached, .setLearningRate(let rate)): run.setLearningRate(rate)
        case (.attached, .save(let id, let directory)): save(id: id, directory: directory, for: c.id)
        case (.closing, _): break
        }
    }

    /// Writes the checkpoint off the server's thread (it waits for a batch boundary) and
    /// queues the answer for the loop.
    private func save(id: Int, directory: String, for connection: Int) {
        let run = self.run
        let path = (directory as NSString).appendingPathComponent("bnn-tui-\(run.name).ckpt")
        DispatchQueue.global().async { [self] in
            let message: ServerMessage
            do {
                try run.saveCheckpoint(to: path)
                message = .saved(id: id, path: path, error: nil)
            } catch {
                message = .saved(id: id, path: nil, error: "\(error)")
            }
            lock.withLock { completedSaves.append((connection, message)) }
            wakeUp()
        }
    }

    // MARK: - Sending snapshots

    private func publish() {
        let attached = connections.filter { $0.phase == .attached && $0.queuedBytes < SessionProtocol.maximumMessageBytes }
        guard !attached.isEmpty else {
            for c in connections where c.queuedBytes > SessionProtocol.maximumQueuedBytes {
                drop(c, reason: "not reading (\(c.queuedBytes) bytes queued)")
            }
            return
        }
        let snapshot = run.snapshot()
        for c in attached { publish(to: c, snapshot: snapshot) }
    }

    /// Queues the epochs `c` has not had yet, then the snapshot if it changed.
    private func publish(to c: ServerConnection, snapshot: RunSnapshot) {
        let history = snapshot.history
        if c.sentEpochs > history.count { c.sentEpochs = 0 }
        while c.sentEpochs < history.count {
            let end = min(history.count, c.sentEpochs + SessionProtocol.epochsPerFrame)
            c.queue(ServerMessage.epochs(from: c.sentEpochs, Array(history[c.sentEpochs..<end])).frame)
            c.sentEpochs = end
        }
        if c.sentVersion != snapshot.version {
            c.queue(ServerMessage.snapshot(WireSnapshot(snapshot)).frame)
            c.sentVersion = snapshot.version
        }
        if !c.flush() { drop(c, reason: "the client went away") }
    }

    // MARK: - Closing

    private func expireDeadlines(now: Double) {
        for c in connections where now > c.deadline {
            if c.phase == .awaitingHello {
                drop(c, reason: "no hello within \(formatSeconds(messageTimeout))")
            } else if c.decoder.pendingByteCount > 0 {
                drop(c, reason: "slow message: \(c.decoder.pendingByteCount) bytes of an unfinished frame after \(formatSeconds(messageTimeout))")
            }
        }
        connections.removeAll { $0.fd < 0 }
    }

    /// Closes `c`; `reason` (when given) goes to the log.
    private func drop(_ c: ServerConnection, reason: String?) {
        guard c.fd >= 0 else { return }
        if let reason { log("closed \(c.who): \(reason)") }
        close(c.fd)
        c.markClosed()
    }

    private func closeAll() {
        let snapshot = run.snapshot()
        for c in connections where c.phase == .attached {
            publish(to: c, snapshot: snapshot)
            c.queue(ServerMessage.bye(reason: "the run ended (\(snapshot.state.label))").frame)
        }
        let deadline = Self.monotonicSeconds() + 2
        while connections.contains(where: { $0.fd >= 0 && $0.queuedBytes > 0 }) && Self.monotonicSeconds() < deadline {
            var fds = connections.filter { $0.fd >= 0 && $0.queuedBytes > 0 }
                .map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 100)
            for c in connections where c.fd >= 0 && c.queuedBytes > 0 {
                if !c.flush() { drop(c, reason: nil) }
            }
        }
        for c in connections { drop(c, reason: nil) }
        connections = []
        lock.withLock { attachedCount = 0 }
        closeListener()
        close(wakeRead); close(wakeWrite)
    }

    private func closeListener() {
        close(listener)
        // Remove the socket only if it is still ours (not a new run's at the same path).
        var info = stat()
        if stat(path, &info) == 0 && info.st_ino == socketInode { unlink(path) }
    }

    private func wakeUp() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func drainWakePipe() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &bytes, 64) > 0 {}
    }

    private func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
