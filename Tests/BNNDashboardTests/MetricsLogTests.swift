import Foundation
import Testing
import BNNEngine
@testable import BNNDashboard

@Suite("Metrics JSONL")
struct MetricsLogTests {
    /// Two runs interleaved in one file, written by hand: 3-2-2 network (2 layers), 4-bin histograms,
    /// a blank line, CRLF endings, epoch 2 of "det" repeated (the later line wins), and a "nan" loss.
    static let handWritten = """
        {"run":"det","mode":"det","arch":"3-2-2","epoch":1,"train_loss":0.9,"train_error":0.30,"val_loss":1.0,"val_error":0.32,"test_loss":1.1,"test_error":0.33,"lr":0.001,"epoch_seconds":2.0,"samples_per_second":1000,"rss_mb":50,"clip_fraction":[0.01,0.02],"flip_ratio":[0.1,0.2],"ste_cancel_fraction":[0.3,0.4],"weight_histogram":[[1,2,3,4],[5,6,7,8]]}\r
        {"run":"float","mode":"float","arch":"3-2-2","epoch":1,"train_loss":0.8,"train_error":0.25,"val_loss":0.9,"val_error":0.27,"test_loss":0.95,"test_error":0.28,"lr":0.01,"epoch_seconds":1.0,"samples_per_second":2000,"rss_mb":40,"clip_fraction":[0,0],"flip_ratio":[0,0],"ste_cancel_fraction":[0,0],"weight_histogram":[[0,5,5,0],[0,2,2,0]]}

        {"run":"det","mode":"det","arch":"3-2-2","epoch":2,"train_loss":0.7,"train_error":0.99,"val_loss":0.8,"val_error":0.99,"test_loss":0.9,"test_error":0.99,"lr":0.001,"epoch_seconds":2.0,"samples_per_second":1000,"rss_mb":50,"clip_fraction":[0.03,0.04],"flip_ratio":[0.05,0.06],"ste_cancel_fraction":[0.3,0.4],"weight_histogram":[[4,3,2,1],[8,7,6,5]]}
        {"run":"det","mode":"det","arch":"3-2-2","epoch":2,"train_loss":"nan","train_error":0.20,"val_loss":0.8,"val_error":0.22,"test_loss":0.9,"test_error":0.23,"lr":0.0005,"epoch_seconds":2.5,"samples_per_second":900,"rss_mb":51,"clip_fraction":[0.05,0.06],"flip_ratio":[0.07,0.08],"ste_cancel_fraction":[0.31,0.41],"weight_histogram":[[9,1,1,9],[2,2,2,2]]}
        """

    @Test func readsRunsFromAHandWrittenFile() throws {
        var log = MetricsLog()
        try log.append(text: Self.handWritten, source: "runs.jsonl")
        #expect(log.runs.map(\.name) == ["det", "float"])
        #expect(log.runs[0].epochs.map(\.epoch) == [1, 2])
        #expect(log.runs[0].epochs[1].valError == 0.22)       // the later epoch-2 line won
        #expect(log.runs[0].epochs[1].trainLoss.isNaN)        // "nan" read as NaN

        let snapshots = log.snapshots()
        let det = snapshots[0]
        #expect(det.state == .done)
        #expect(det.mode == .deterministic)
        #expect(det.architecture == Architecture(widths: [3, 2, 2]))
        #expect(det.epoch == 2 && det.totalEpochs == 2)
        #expect(det.learningRate == 0.0005)
        #expect(det.trainingSeconds == 4.5)
        #expect(det.layers.count == 2)
        #expect(det.layers[0] == LayerStatistics(inputs: 3, outputs: 2, histogram: [9, 1, 1, 9], clipFraction: 0.05,
                                                 flipRatio: 0.07, steCancelFraction: 0.31))
        #expect(det.layers[1].inputs == 2 && det.layers[1].histogram == [2, 2, 2, 2])
        #expect(det.bestValidation?.epoch == 2)
        #expect(snapshots[1].mode == .float && snapshots[1].epoch == 1)
    }

    @Test func plotPipelineDrawsTheHandWrittenFile() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = try dir.write("runs.jsonl", Self.handWritten)
        let text = try TextExport.document(metricsFiles: [path], options: .init(width: 80, chartHeight: 14))
        #expect(text.hasPrefix("bnn-tui · Fashion-MNIST · 3-2-2 · 2 runs: det, float\n"))
        #expect(text.contains("Error vs epoch"))
        #expect(squeezed(text).contains("d det ✓ done 2/2 20.00% 22.00% 23.00% 22.00% @2 0.0005"))
        #expect(text.contains("Latent weights · float · layer 2 of 2 (2×2)"))
    }

    @Test func sameRunNameInTwoFilesStaysTwoRuns() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let a = try dir.write("a.jsonl", Self.handWritten)
        let b = try dir.write("b.jsonl", Self.handWritten)
        let log = try MetricsLog(files: [a, b])
        #expect(log.runs.map(\.name) == ["det", "float", "det#2", "float#2"])
        #expect(log.runs[2].source == b)
    }

    /// Two networks trained under one name into one file are two runs, not one run whose
    /// epochs come from both.
    @Test func sameRunNameWithAnotherNetworkInOneFileStaysTwoRuns() throws {
        let other = Self.goodLine.replacingOccurrences(of: "\"arch\":\"3-2-2\"", with: "\"arch\":\"3-4-2\"")
            .replacingOccurrences(of: "\"epoch\":1", with: "\"epoch\":3")
        var log = MetricsLog()
        try log.append(text: Self.handWritten + "\n" + other, source: "m.jsonl")
        #expect(log.runs.map(\.name) == ["det", "float", "det#2"])
        #expect(log.runs[0].epochs.map(\.epoch) == [1, 2])
        #expect(log.runs[2].epochs.map(\.arch) == ["3-4-2"])
    }

    /// A line's total_epochs gives a followed run its goal.
    @Test func totalEpochsComesFromTheLastLine() throws {
        let line = Self.goodLine.replacingOccurrences(of: "\"epoch\":1,", with: "\"epoch\":1,\"total_epochs\":600,")
        var log = MetricsLog()
        try log.append(text: line, source: "m.jsonl")
        let s = MetricsLog.snapshot(name: "det", epochs: log.runs[0].epochs, state: .running)
        #expect(s.epoch == 1 && s.totalEpochs == 600)
        #expect(log.snapshots()[0].totalEpochs == 1, "a recorded run's chart ends at its last epoch")
    }

    /// The settings every run names head a plot; runs that differ say so.
    @Test func sharedSettingsAreTheOnesEveryRunNames() throws {
        let zero = Self.goodLine.replacingOccurrences(of: "\"epoch\":1,", with: "\"epoch\":1,\"settings\":[\"init unit\",\"padding zero\"],")
        let one = zero.replacingOccurrences(of: "\"padding zero\"", with: "\"glorot-lr\"")
            .replacingOccurrences(of: "\"run\":\"det\"", with: "\"run\":\"other\"")
        var log = MetricsLog()
        try log.append(text: zero, source: "a.jsonl")
        #expect(log.sharedSettings == ["init unit", "padding zero"])
        try log.append(text: one, source: "b.jsonl")
        #expect(log.sharedSettings == ["init unit", "settings differ by run"])
    }

    func error(_ text: String) -> MetricsLogError? {
        var log = MetricsLog()
        do { try log.append(text: text, source: "m.jsonl") } catch { return error }
        return nil
    }

    /// The first line, without its "\r" (split on the byte: "\r\n" is one Character).
    static let goodLine = String(decoding: handWritten.utf8.split(separator: UInt8(ascii: "\r"))[0], as: UTF8.self)

    @Test func malformedLinesAreNamedByNumber() {
        let good = Self.goodLine
        #expect(error(good + "\n" + good + "\n{\"run\": \"det\",") ==
                .malformedLine(path: "m.jsonl", line: 3, reason: "not valid JSON"))
        #expect(error(good + "\n\n" + good.replacingOccurrences(of: "\"val_error\":0.32,", with: "")) ==
                .malformedLine(path: "m.jsonl", line: 3, reason: "missing key 'val_error'"))
        #expect(error(good.replacingOccurrences(of: "\"epoch\":1", with: "\"epoch\":\"one\"")) ==
                .malformedLine(path: "m.jsonl", line: 1, reason: "'epoch' is not an integer"))
        #expect(error(good.replacingOccurrences(of: "\"mode\":\"det\"", with: "\"mode\":\"ternary\"")) ==
                .malformedLine(path: "m.jsonl", line: 1, reason: "unknown mode 'ternary' (expected det, stoch or float)"))
        #expect(error(good.replacingOccurrences(of: "[0.01,0.02]", with: "[0.01]")) ==
                .malformedLine(path: "m.jsonl", line: 1, reason: "clip_fraction has 1 entries but 3-2-2 has 2 layers"))
        #expect(error(good.replacingOccurrences(of: "[1,2,3,4]", with: "[1,2,-3,4]")) ==
                .malformedLine(path: "m.jsonl", line: 1, reason: "weight_histogram[0] has a negative count"))
        #expect(error("[1, 2]") == .malformedLine(path: "m.jsonl", line: 1, reason: "not a JSON object"))
        #expect(error(good.replacingOccurrences(of: "\"arch\":\"3-2-2\"", with: "\"arch\":\"3-x\""))?.description
                == "m.jsonl line 1: bad architecture '3-x': unknown layer 'x' (expected NC3, MP2, NFC or a class count, e.g. 32C3-MP2-64C3-MP2-256FC-10)")
        // The message the plot command prints.
        #expect(MetricsLogError.malformedLine(path: "m.jsonl", line: 3, reason: "not valid JSON").description
                == "m.jsonl line 3: not valid JSON")
    }

    @Test func missingEmptyAndDirectoryFiles() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let empty = try dir.write("empty.jsonl", "\n\n")
        #expect(throws: MetricsLogError.unreadable(path: dir.file("nope.jsonl"), reason: "no such file")) {
            try MetricsLog(files: [dir.file("nope.jsonl")])
        }
        #expect(throws: MetricsLogError.noEpochs(path: empty)) { try MetricsLog(files: [empty]) }
        #expect(throws: MetricsLogError.unreadable(path: dir.path, reason: "is a directory")) {
            try MetricsLog(files: [dir.path])
        }
        #expect(MetricsLogError.noEpochs(path: "e.jsonl").description.hasPrefix("e.jsonl holds no epochs"))
    }
}
