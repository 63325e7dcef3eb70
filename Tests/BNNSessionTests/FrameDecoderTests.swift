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

    /// A snapshot frame as protocol version 1 has always written it still reads the same;
    /// a forward product with a kernel this build does not know is left out, not fatal.
    @Test func versionOneSnapshotStillReads() throws {
        let text = """
        {"type": "snapshot", "snapshot": {"name": "det", "mode": "det", "architecture": {"widths": [4, 3, 2]}, \
        "state": "paused", "stateReason": "by you", "epoch": 1, "totalEpochs": 10, "batchesDone": 2, \
        "batchesPerEpoch": 5, "learningRate": 0.01, "partialTrainLoss": 0.5, "partialTrainError": "nan", \
        "historyCount": 1, "layers": [{"inputs": 4, "outputs": 3, "histogram": [1, 2, 3], "clipFraction": 0.1, \
        "flipRatio": 0.2, "steCancelFraction": 0.3}], "trainingSeconds": 1.5, "forwardProducts": [{"layer": 0, \
        "rows": 100, "outputs": 3, "inputs": 4, "kernel": "avx2", "usesXnor": true}, {"layer": 1, "rows": 100, \
        "outputs": 2, "inputs": 3, "kernel": "neon", "usesXnor": true}], "version": 7}}
        """
        guard case .snapshot(let wire) = try ServerMessage(payload: Array(text.utf8)) else {
            Issue.record("not a snapshot")
            return
        }
        let s = wire.snapshot(history: [FakeControlledRun.epoch(1, run: "det"), FakeControlledRun.epoch(2, run: "det")])
        #expect(s.name == "det" && s.mode == .deterministic && s.state == .paused(reason: "by you"))
        #expect(s.epoch == 1 && s.totalEpochs == 10 && s.batchesDone == 2 && s.batchesPerEpoch == 5 && s.version == 7)
        #expect(s.partialTrainLoss == 0.5 && s.partialTrainError!.isNaN && s.history.count == 1)
        #expect(s.layers == [LayerStatistics(inputs: 4, outputs: 3, histogram: [1, 2, 3], clipFraction: 0.1,
                                             flipRatio: 0.2, steCancelFraction: 0.3)])
        #expect(s.forwardProducts.map(\.kernel) == [.avx2])
    }

    /// A convolution's kernel size and unique-filter count travel (optional keys a
    /// version-1 peer ignores), so an attached dashboard labels a ConvNet's layers right.
    @Test func convolutionLayerStatisticsTravel() throws {
        var original = FakeControlledRun().snapshot()
        original.layers[0].kernelSize = 3
        original.layers[0].uniqueFilters = 17
        var decoder = FrameDecoder()
        guard case .snapshot(let wire) = try ServerMessage(payload: decoder.feed(ServerMessage.snapshot(WireSnapshot(original)).frame)[0]) else {
            Issue.record("not a snapshot")
            return
        }
        #expect(wire.snapshot(history: original.history).layers == original.layers)
    }

    /// An attached dashboard's insight view: the confusion matrix and misclassified list of
    /// the last epoch record, and a fork's lineage, rebuilt from the history that travels.
    @Test func insightAndLineageComeFromTheLastEpochRecord() {
        let original = FakeControlledRun().snapshot()
        var history = original.history
        var matrix = ConfusionMatrix(classCount: 2)
        matrix.add(label: 0, predicted: 1)
        history[history.count - 1].valConfusion = matrix
        history[history.count - 1].testMisclassified = [MisclassifiedImage(index: 7, label: 0, predicted: 1, margin: 1.5)]
        history[history.count - 1].parent = RunLineage(parent: "det", epoch: 1, learningRate: 1e-3)
        let s = WireSnapshot(original).snapshot(history: history)
        #expect(s.insight?.confusion == matrix)
        #expect(s.insight?.misclassified.map(\.index) == [7])
        #expect(s.insight?.epoch == history.last?.epoch)
        #expect(s.lineage?.parent == "det")
        #expect(WireSnapshot(original).snapshot(history: original.history).insight == nil, "no record, no insight")
    }

    @Test func badClientMessagesAreRefusedWithAReason() throws {
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
        // Any positive finite rate passes, as in the dashboard's prompt (a huge one diverges the
        // run, which then says so; it does not cost the session).
        #expect(try ClientMessage(payload: Array("{\"type\":\"lr\",\"value\":1e7}".utf8)) == .setLearningRate(1e7))
    }
}
