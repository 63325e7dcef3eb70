import BNNEngine
import BNNSession
import BNNSupport
import Foundation
import Testing

@Suite(.serialized) struct ControlServerTests {
    private func serve(_ run: FakeControlledRun, in dir: PrivateDirectory, log: LogLines = LogLines(),
                       timeout: Double = 5) throws -> ControlServer {
        let server = try ControlServer(path: dir.path + "/run.sock", run: run,
                                       header: SessionHeader(dataset: "Fashion-MNIST", batchSize: 100),
                                       messageTimeout: timeout, log: { log.append($0) })
        server.start()
        return server
    }

    @Test func clientGetsHistoryAndSteersTheRun() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let run = FakeControlledRun(epochs: 70)  // more than one `epochs` frame
        let server = try serve(run, in: dir)
        let client = try ControlClient.connect(path: server.path)
        #expect(client.runName == "det" && client.header.batchSize == 100)
        #expect(client.snapshot().history == run.snapshot().history)
        #expect(client.snapshot().history.count == 70)

        client.send(.pause)
        client.send(.setLearningRate(0.02))
        client.send(.resume)
        #expect(eventually { run.recorded() == ["pause", "lr 0.02", "resume"] })

        run.update { $0.history.append(FakeControlledRun.epoch(71, run: "det")); $0.epoch = 71; $0.learningRate = 0.02 }
        #expect(eventually { client.snapshot().history.count == 71 && client.snapshot().learningRate == 0.02 })

        let path = try client.saveCheckpoint(directory: dir.path)
        #expect(path == dir.path + "/bnn-tui-det.ckpt")
        #expect(FileManager.default.fileExists(atPath: path))

        run.update { $0.state = .done }
        server.finish()
        #expect(eventually { client.ended != nil })
        #expect(client.snapshot().state == .done)
        #expect(!FileManager.default.fileExists(atPath: server.path), "the socket file is removed at the end")
    }

    @Test func socketIsPrivateAndNeedsAPrivateDirectory() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let server = try serve(FakeControlledRun(), in: dir)
        defer { server.finish() }
        var info = stat()
        #expect(stat(server.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(dir.path, &info) == 0 && info.st_mode & 0o777 == 0o700)

        let open = try PrivateDirectory(); defer { open.remove() }
        chmod(open.path, 0o755)
        #expect(throws: SocketError.self) {
            _ = try ControlServer(path: open.path + "/run.sock", run: FakeControlledRun(), header: SessionHeader(dataset: ""), log: { _ in })
        }
        // A second server on a live socket is refused; the first keeps serving.
        #expect(throws: SocketError.self) {
            _ = try ControlServer(path: server.path, run: FakeControlledRun(), header: SessionHeader(dataset: ""), log: { _ in })
        }
        #expect(try ControlClient.connect(path: server.path).runName == "det")
    }

    @Test func severalClientsAndAMisbehavingOne() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let log = LogLines()
        let run = FakeControlledRun()
        let server = try serve(run, in: dir, log: log)
        defer { server.finish() }
        let first = try ControlClient.connect(path: server.path)
        let second = try ControlClient.connect(path: server.path)
        #expect(eventually { server.attachedClients == 2 })

        // Garbage after a correct hello: that connection is closed with a reason.
        let raw = try rawAttach(server.path)
        _ = UnixSocket.writeAll(raw, FrameDecoder.frame(Array("{\"type\":\"lr\",\"value\":0}".utf8)))
        #expect(readsToEnd(raw))
        close(raw)
        // An oversized frame header.
        let big = try rawAttach(server.path)
        _ = UnixSocket.writeAll(big, [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(readsToEnd(big))
        close(big)
        #expect(eventually { log.all.contains { $0.contains("malformed message") && $0.contains("positive finite") } })
        #expect(eventually { log.all.contains { $0.contains("oversized message") } })

        first.send(.pause)
        second.send(.resume)
        #expect(eventually { run.recorded() == ["pause", "resume"] })
        first.close()
        #expect(eventually { server.attachedClients == 1 })
        run.update { $0.epoch = 4 }
        #expect(eventually { second.snapshot().epoch == 4 })
    }

    @Test func slowMessageAndSilentPeerAreDropped() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let log = LogLines()
        let server = try serve(FakeControlledRun(), in: dir, log: log, timeout: 0.3)
        defer { server.finish() }
        let silent = try UnixSocket.connect(path: server.path)
        let slow = try rawAttach(server.path)
        _ = UnixSocket.writeAll(slow, [0, 0, 0, 50, 0x7B])  // 1 of 50 bytes, then nothing
        #expect(readsToEnd(silent) && readsToEnd(slow))
        close(silent); close(slow)
        #expect(eventually { log.all.contains { $0.contains("no hello within 0.3 s") } })
        #expect(eventually { log.all.contains { $0.contains("slow message: 5 bytes") } })
        #expect(try ControlClient.connect(path: server.path).snapshot().name == "det")
    }

    @Test func otherProtocolVersionIsToldAndClosed() throws {
        let dir = try PrivateDirectory(); defer { dir.remove() }
        let server = try serve(FakeControlledRun(), in: dir)
        defer { server.finish() }
        let fd = try UnixSocket.connect(path: server.path)
        defer { close(fd) }
        _ = UnixSocket.writeAll(fd, ClientMessage.hello(version: 99).frame)
        var decoder = FrameDecoder()
        var messages: [ServerMessage] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while UnixSocket.waitReadable(fd, seconds: 5) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            messages += try decoder.feed(buffer[0..<n]).map { try ServerMessage(payload: $0) }
        }
        #expect(messages.count == 2)
        guard case .bye(let reason) = messages.last else { Issue.record("no bye: \(messages)"); return }
        #expect(reason.contains("version 99 is not supported"))
    }

    /// Connects and sends a correct hello, returning the socket.
    private func rawAttach(_ path: String) throws -> Int32 {
        let fd = try UnixSocket.connect(path: path)
        _ = UnixSocket.writeAll(fd, ClientMessage.hello(version: SessionProtocol.version).frame)
        return fd
    }

    /// Reads until the server closes the connection (true), or 5 s pass (false).
    private func readsToEnd(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while UnixSocket.waitReadable(fd, seconds: 5) {
            if recv(fd, &buffer, buffer.count, 0) <= 0 { return true }
        }
        return false
    }
}
