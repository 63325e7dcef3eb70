import Foundation
import Testing
import BNNEngine

/// The metrics JSON Lines schema: the writer and the reader agree on the fields,
/// the version and the non-finite rule.
@Suite("Metrics schema")
struct MetricsSchemaTests {
    static let metrics = EpochMetrics(
        run: "det", mode: "det", arch: "3-2-2", epoch: 4, trainLoss: .nan, trainError: 0.25, valLoss: .infinity,
        valError: 0.5, testLoss: -.infinity, testError: 0.75, lr: 0.001, epochSeconds: 1.5, samplesPerSecond: 100,
        rssMB: 20, clipFraction: [0.1, 0.2], flipRatio: [0.01, 0.02], steCancelFraction: [0.3, 0.4],
        weightHistogram: [[1, 2], [3, 4]])

    @Test("a written line carries the schema version and the dataset, and reads back with NaN and infinities")
    func roundTrip() throws {
        let line = MetricsLogWriter.line(for: Self.metrics, dataset: "MNIST")
        #expect(line.contains("\"schema\":\(MetricsSchema.version)"))
        #expect(line.contains("\"dataset\":\"MNIST\""))
        #expect(line.contains("\"train_loss\":\"nan\"") && line.contains("\"val_loss\":\"inf\"")
                && line.contains("\"test_loss\":\"-inf\""))
        var log = MetricsLog()
        try log.append(text: line, source: "m.jsonl")
        let read = try #require(log.runs.first?.epochs.first)
        #expect(read.trainLoss.isNaN && read.valLoss == .infinity && read.testLoss == -.infinity)
        var expected = Self.metrics
        expected.trainLoss = 0
        var got = read
        got.trainLoss = 0
        #expect(got == expected)
        #expect(log.dataset == "MNIST")
        #expect(!MetricsLogWriter.line(for: Self.metrics).contains("\"dataset\""))
    }

    @Test("lines without a schema are version 1; a newer schema and an unprintable dataset are refused")
    func versions() throws {
        let line = MetricsLogWriter.line(for: Self.metrics)
        var log = MetricsLog()
        try log.append(text: line.replacingOccurrences(of: "\"schema\":1,", with: ""), source: "old.jsonl")
        #expect(log.runs.count == 1 && log.dataset == nil)

        var newer = MetricsLog()
        #expect(throws: MetricsLogError.malformedLine(
            path: "new.jsonl", line: 1,
            reason: "schema 2 is not one this bnn-tui reads (1-1); a newer bnn-tui wrote it")) {
            try newer.append(text: line.replacingOccurrences(of: "\"schema\":1", with: "\"schema\":2"), source: "new.jsonl")
        }
        let control = MetricsLogWriter.line(for: Self.metrics, dataset: "a\u{1B}[2Jb")
        #expect(throws: MetricsLogError.self) { try newer.append(text: control, source: "c.jsonl") }
    }
}
