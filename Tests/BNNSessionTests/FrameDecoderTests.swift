import BNNEngine
import BNNSession
import Testing

@Suite struct FrameDecoderTests {
    @Test func framesSurviveArbitraryPieces() throws {
        let stream = FrameDecoder.frame(Array("hello".utf8)) + FrameDecoder.frame([1, 2, 3]) + FrameDecoder.frame([9])
        for piece in 1...stream.count {
            var decoder = FrameDecoder()
            var frames: [[UInt8]] = []
            var i = 0
            while i < stream.count {
                frames += try decoder.feed(stream[i..<min(stream.count, i + piece)])
                i += piece
            }
            #expect(frames == [Array("hello".utf8), [1, 2, 3], [9]], "piece size \(piece)")
            #expect(decoder.pendingByteCount == 0)
        }
    }

    @Test func oversizedLengthIsRefusedBeforeItsBytesArrive() {
        var decoder = FrameDecoder(limit: 100)
        #expect(throws: FrameDecoder.Failure.oversized(length: 101, limit: 100)) {
            _ = try decoder.feed([0, 0, 0, 101])
        }
        var other = FrameDecoder()
        #expect(throws: FrameDecoder.Failure.self) { _ = try other.feed([0xFF, 0xFF, 0xFF, 0xFF]) }
        var empty = FrameDecoder()
        #expect(throws: FrameDecoder.Failure.empty) { _ = try empty.feed([0, 0, 0, 0]) }
    }

    @Test func partialFrameWaits() throws {
        var decoder = FrameDecoder()
        #expect(try decoder.feed([0, 0, 0, 3, 7]).isEmpty)
        #expect(decoder.pendingByteCount == 5)
        #expect(try decoder.feed([8, 9]) == [[7, 8, 9]])
    }

    @Test func messagesRoundTrip() throws {
        let run = FakeControlledRun()
        let server: [ServerMessage] = [
            .hello(version: 1, pid: 42, run: "det", header: SessionHeader(dataset: "Fashion-MNIST", batchSize: 100, seed: 7)),
            .snapshot(WireSnapshot(run.snapshot())),
            .epochs(from: 2, [FakeControlledRun.epoch(3, run: "det")]),
            .saved(id: 3, path: "/tmp/x.ckpt", error: nil),
            .bye(reason: "the run ended (done)"),
        ]
        for message in server {
            let frame = message.frame
            var decoder = FrameDecoder()
            let payloads = try decoder.feed(frame)
            let decoded = try ServerMessage(payload: payloads[0])
            if case .snapshot(let s) = decoded {
                // NaN never equals itself: compare the snapshot rebuilt with the same history.
                let original = run.snapshot()
                let rebuilt = s.snapshot(history: original.history)
                #expect(rebuilt.partialTrainError!.isNaN)
                #expect(rebuilt.layers == original.layers && rebuilt.history == original.history
                        && rebuilt.state == original.state && rebuilt.learningRate == original.learningRate)
            } else {
                #expect(decoded == message)
            }
        }
        let client: [ClientMessage] = [.hello(version: 1), .pause, .resume, .setLearningRate(0.02), .save(id: 1, directory: "/tmp")]
        for message in client {
            var decoder = FrameDecoder()
            #expect(try ClientMessage(payload: decoder.feed(message.frame)[0]) == message)
        }
    }

    @Test func badClientMessagesAreRefusedWithAReason() {
        for (text, reason) in [("{\"type\":\"lr\",\"value\":\"nan\"}", "positive finite"),
                               ("{\"type\":\"lr\",\"value\":-1}", "positive finite"),
                               ("{\"type\":\"save\",\"id\":1,\"directory\":\"relative\"}", "absolute"),
                               ("{\"type\":\"shutdown\"}", "unknown message type"),
                               ("[1,2]", "not a message"), ("{", "not a message"), ("{}", "missing key 'type'")] {
            do {
                _ = try ClientMessage(payload: Array(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(reason), "\(text): \(error.description)")
            }
        }
    }
}
