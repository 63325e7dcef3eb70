import BNNData
import BNNEngine
import BNNKernels
import Foundation
import BNNSupport

/// The seed inputs of every fuzz target, made with the product's own writers
/// (real checkpoints from real training runs, real metrics lines) plus hand-made
/// broken files, so `bnn-fuzz make-corpus Fuzz/Corpus` can regenerate the corpus.
///
/// Names say what the loader must do: `valid-*` must load, `bad-*` must be
/// refused with a typed error; anything else only must not crash. The reliability
/// tests hold the committed corpus to that.
public enum SeedCorpus {
    /// Writes `<directory>/<target>/<seed>` for every target; returns the number of files.
    public static func write(to directory: String) throws -> Int {
        let scratch = try ScratchFile()
        defer { scratch.remove() }
        var count = 0
        for (target, seeds) in try all(scratch: scratch) {
            let folder = "\(directory)/\(target)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, bytes) in seeds {
                try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
                count += 1
            }
        }
        return count
    }

    typealias Seeds = [(name: String, bytes: [UInt8])]

    static func all(scratch: ScratchFile) throws -> [(target: String, seeds: Seeds)] {
        let checkpoints = try checkpointFiles(scratch: scratch)
        let metrics = try metricsFiles()
        return [
            ("idx-images", idxImages(scratch: scratch)),
            ("idx-labels", idxLabels(scratch: scratch)),
            ("idx-images-gz", controlled(idxImagePlainSeeds)),
            ("idx-labels-gz", controlled(idxLabelPlainSeeds)),
            ("checkpoint", checkpoints),
            ("checkpoint-framed", framed(checkpoints)),
            ("metrics-log", metrics),
            ("metrics-plot", metrics),
            ("packed-model", try packedModels()),
            ("packed-model-framed", try framedPackedModels()),
            ("packed-model-v2", try version2PackedModels()),
        ]
    }

    // MARK: - IDX

    static func imagesFile(count: Int, rows: Int, cols: Int, magic: UInt32 = IDXFormat.imagesMagic) -> [UInt8] {
        var bytes = bigEndian([magic, UInt32(count), UInt32(rows), UInt32(cols)])
        for i in 0..<(count * rows * cols) { bytes.append(UInt8(truncatingIfNeeded: 29 * (i / (rows * cols)) + 23 * i)) }
        return bytes
    }

    static func labelsFile(count: Int, magic: UInt32 = IDXFormat.labelsMagic) -> [UInt8] {
        bigEndian([magic, UInt32(count)]) + (0..<count).map { UInt8(7 * $0 % 10) }
    }

    static func bigEndian(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { w in [UInt8(w >> 24), UInt8(w >> 16 & 0xFF), UInt8(w >> 8 & 0xFF), UInt8(w & 0xFF)] }
    }

    static var idxImagePlainSeeds: Seeds {
        let small = imagesFile(count: 3, rows: 3, cols: 4)
        return [
            ("valid-3x4", small),
            ("valid-28x28", imagesFile(count: 2, rows: 28, cols: 28)),
            ("bad-empty", []),
            ("bad-header-only", Array(small.prefix(16))),
            ("bad-truncated-header", Array(small.prefix(10))),
            ("bad-truncated", Array(small.dropLast(5))),
            ("bad-trailing", small + [1, 2, 3]),
            ("bad-wrong-magic", labelsFile(count: 12)),
            ("bad-non-byte-magic", imagesFile(count: 1, rows: 2, cols: 2, magic: 0x0000_0D03)),
            ("bad-zero-count", bigEndian([IDXFormat.imagesMagic, 0, 3, 4])),
            ("bad-zero-rows", bigEndian([IDXFormat.imagesMagic, 3, 0, 4])),
            ("bad-huge-count", bigEndian([IDXFormat.imagesMagic, 0x7FFF_FFFF, 28, 28]) + Array(small.dropFirst(16))),
            ("bad-huge-side", bigEndian([IDXFormat.imagesMagic, 1, 5000, 1]) + [UInt8](repeating: 7, count: 64)),
            ("bad-max-dimensions", bigEndian([IDXFormat.imagesMagic, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF])),
        ]
    }

    static var idxLabelPlainSeeds: Seeds {
        let labels = labelsFile(count: 12)
        return [
            ("valid-12", labels),
            ("valid-300", labelsFile(count: 300)),
            ("bad-empty", []),
            ("bad-truncated-header", Array(labels.prefix(6))),
            ("bad-truncated", Array(labels.dropLast(2))),
            ("bad-trailing", labels + [9]),
            ("bad-zero-count", bigEndian([IDXFormat.labelsMagic, 0])),
            ("bad-huge-count", bigEndian([IDXFormat.labelsMagic, 0xFFFF_FFFF]) + [1, 2, 3]),
            ("bad-wrong-magic", imagesFile(count: 3, rows: 3, cols: 4)),
        ]
    }

    /// Plain seeds as they are, gzip copies of the valid ones, and damaged gzip files.
    static func withGzip(_ plain: Seeds, scratch: ScratchFile) -> Seeds {
        let gzipped = plain.filter { $0.name.hasPrefix("valid") || $0.name == "bad-trailing" || $0.name == "bad-truncated" }
            .map { (name: $0.name + ".gz", bytes: gzip($0.bytes, scratch: scratch)) }
        let valid = gzipped[0].bytes
        var badCRC = valid
        badCRC[badCRC.count - 6] ^= 0xFF
        return plain + gzipped + [
            ("bad-cut.gz", Array(valid.prefix(valid.count / 2))),
            ("bad-crc.gz", badCRC),
            ("bad-no-trailer.gz", Array(valid.dropLast(8))),
            ("bad-fake.gz", [0x1F, 0x8B] + Array("not really gzip data at all".utf8)),
        ]
    }

    static func idxImages(scratch: ScratchFile) -> Seeds { withGzip(idxImagePlainSeeds, scratch: scratch) }
    static func idxLabels(scratch: ScratchFile) -> Seeds { withGzip(idxLabelPlainSeeds, scratch: scratch) }

    /// Seeds for the compress-it-yourself targets: each plain seed intact (control 0),
    /// and the first valid one cut, bit-flipped and followed by a second copy or garbage.
    static func controlled(_ plain: Seeds) -> Seeds {
        let valid = plain[0].bytes
        return plain.map { (name: $0.name, bytes: [0] + $0.bytes) } + [
            ("bad-cut-stream", [1 | 32 << 2] + valid),
            ("bad-flipped-trailer-bit", [2 | 63 << 2] + valid),
            ("bad-second-member", [3 | 0 << 2] + valid),
            ("garbage-after-stream", [3 | 5 << 2] + valid),
        ]
    }

    static func gzip(_ bytes: [UInt8], scratch: ScratchFile) -> [UInt8] {
        bytes.withUnsafeBytes { GzipInput.gzip($0, scratchPath: scratch.path("seed.gz")) }
    }

    // MARK: - Checkpoints

    /// Real checkpoints: a fresh deterministic run, a stochastic run after one epoch
    /// (with history), a float SGD run; then broken copies.
    static func checkpointFiles(scratch: ScratchFile) throws -> Seeds {
        let runs: [(String, TrainingConfiguration, Bool)] = [
            ("valid-det-fresh.ckpt", TrainingConfiguration(architecture: Architecture(widths: [8, 6, 3]),
                                                          mode: .deterministic, batchSize: 10, epochs: 2), false),
            ("valid-stoch-epoch1.ckpt", TrainingConfiguration(architecture: Architecture(widths: [8, 4, 4, 3]),
                                                             mode: .stochastic, loss: .crossEntropy,
                                                             batchSize: 10, epochs: 1), true),
            ("valid-float-sgd.ckpt", TrainingConfiguration(architecture: Architecture(widths: [8, 3]), mode: .float,
                                                          optimizer: .sgd, schedule: .factor(start: 0.1, lambda: 0.5),
                                                          batchSize: 5, epochs: 3), true),
        ]
        var seeds: Seeds = []
        for (name, configuration, train) in runs {
            let data = TinyImages(count: 30, featureCount: 8, classes: 3)
            let run = try TrainingRun(name: String(name.dropFirst(6).dropLast(5)), configuration: configuration,
                                      data: TrainingData(train: data, validation: data, test: data))
            if train {
                run.start()
                run.waitUntilFinished()
            }
            let path = scratch.path("seed.ckpt")
            try run.saveCheckpoint(to: path)
            seeds.append((name, CorpusFiles.read(path) ?? []))
        }
        let valid = seeds[0].bytes
        var flipped = valid, badVersion = valid, hugeHeader = valid
        flipped[valid.count / 2] ^= 0x10
        badVersion[8] = 99
        for i in 12..<20 { hugeHeader[i] = 0xFF }
        return seeds + [
            // A never-forked run's checkpoint has no `parent` key: with version 1 in the frame it is
            // what a version-1 build wrote, which must still load.
            ("valid-v1-det-fresh.ckpt", CheckpointFrame.withVersion(1, valid)),
            ("valid-fork-stoch.ckpt", try forkCheckpoint(scratch: scratch)),
            ("bad-empty.ckpt", []),
            ("bad-magic-only.ckpt", Array(valid.prefix(8))),
            ("bad-truncated.ckpt", Array(valid.dropLast(9))),
            ("bad-trailing.ckpt", valid + [0, 0, 0, 0]),
            ("bad-flipped.ckpt", flipped),
            ("bad-version.ckpt", badVersion),
            ("bad-header-length.ckpt", hugeHeader),
            ("bad-not-a-checkpoint.ckpt", Array("BNNTUICX but not really".utf8)),
        ]
    }

    /// A stoch fork (lr 1e-3) of a det run at epoch 1 of 2, as `RunCheckpoint.forked` makes it.
    static func forkCheckpoint(scratch: ScratchFile) throws -> [UInt8] {
        let data = TinyImages(count: 30, featureCount: 8, classes: 3)
        let configuration = TrainingConfiguration(architecture: Architecture(widths: [8, 6, 3]), mode: .deterministic,
                                                  batchSize: 10, epochs: 1)
        let parent = try TrainingRun(name: "det", configuration: configuration,
                                     data: TrainingData(train: data, validation: data, test: data))
        parent.start()
        parent.waitUntilFinished()
        let fork = try parent.checkpoint().continued(forMoreEpochs: 1)
            .forked(name: "det.f1", learningRate: 1e-3, mode: .stochastic)
        let run = try TrainingRun(name: fork.name, configuration: fork.configuration,
                                  data: TrainingData(train: data, validation: data, test: data), resumingFrom: fork)
        let path = scratch.path("fork.ckpt")
        try run.saveCheckpoint(to: path)
        return CorpusFiles.read(path) ?? []
    }

    /// The `checkpoint-framed` form of the valid checkpoints, plus broken headers.
    static func framed(_ checkpoints: Seeds) -> Seeds {
        // The framed target writes the current version itself: a version-1 seed would repeat another.
        let valid = checkpoints.filter { $0.name.hasPrefix("valid") && !$0.name.hasPrefix("valid-v1") }.compactMap { seed in
            CheckpointFrame.unframe(seed.bytes).map { (name: seed.name, bytes: $0) }
        }
        let first = valid[0].bytes
        let json = Array(first.prefix(while: { $0 != 0 }))
        return valid + [
            ("bad-empty", []),
            ("bad-header-not-json", Array("{\"name\": ".utf8) + [0] + [1, 2, 3, 4]),
            ("bad-no-tensors", json),
            ("bad-short-tensors", Array(first.dropLast(4))),
            ("bad-extra-tensors", first + [0, 0, 0, 0]),
        ]
    }

    // MARK: - Metrics

    /// Real metrics lines from two short runs, the same with CRLF line ends and with
    /// non-finite values, and broken files.
    static func metricsFiles() throws -> Seeds {
        var lines: [String] = []
        for (name, mode, widths) in [("det", BinarizationMode.deterministic, [8, 5, 3]), ("float", .float, [8, 4, 4, 3])] {
            let data = TinyImages(count: 30, featureCount: 8, classes: 3)
            let configuration = TrainingConfiguration(architecture: Architecture(widths: widths), mode: mode,
                                                      batchSize: 10, epochs: 2)
            let run = try TrainingRun(name: name, configuration: configuration,
                                      data: TrainingData(train: data, validation: data, test: data))
            run.start()
            run.waitUntilFinished()
            lines += run.snapshot().history.map { MetricsLogWriter.line(for: $0) }
        }
        let encoder = MetricsSchema.makeEncoder()
        var diverged = try MetricsSchema.makeDecoder().decode(EpochMetrics.self, from: Data(lines[0].utf8))
        diverged.trainLoss = .nan
        diverged.valLoss = .infinity
        diverged.epoch = 2
        let nonFinite = String(decoding: try encoder.encode(diverged), as: UTF8.self)

        func file(_ lines: [String], separator: String = "\n") -> [UInt8] {
            Array((lines.joined(separator: separator) + separator).utf8)
        }
        return [
            ("valid-two-runs.jsonl", file(lines)),
            ("valid-crlf.jsonl", file(lines, separator: "\r\n")),
            ("valid-non-finite.jsonl", file([lines[0], nonFinite])),
            ("bad-empty.jsonl", []),
            ("bad-not-json.jsonl", Array("epoch 1: loss 0.5\n".utf8)),
            ("bad-missing-key.jsonl", file([lines[0].replacingAll("\"train_loss\"", with: "\"trainloss\"")])),
            ("bad-mode.jsonl", file([lines[0].replacingAll("\"mode\":\"det\"", with: "\"mode\":\"binary\"")])),
            ("bad-layer-count.jsonl", file([lines[0].replacingAll("\"arch\":\"8-5-3\"", with: "\"arch\":\"8-5-5-3\"")])),
            ("bad-second-line.jsonl", file([lines[0], "{\"run\": 3}"])),
            ("bad-not-utf8.jsonl", Array(lines[0].utf8) + [0xFF, 0xFE, 0x0A]),
        ]
    }
}

extension SeedCorpus {
    // MARK: - Packed models

    /// A packed model of `widths` with seeded random weights and BatchNorm, as the
    /// engine would hand over after training.
    static func packedModel(_ widths: [Int], seed: UInt64) throws -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        func values(_ n: Int, _ low: Double, _ high: Double) -> [Float] {
            (0..<n).map { _ in Float(low + (high - low) * g.nextUnitDouble()) }
        }
        let layers = (0..<(widths.count - 1)).map { k in
            DenseLayerParameters(inputs: widths[k], outputs: widths[k + 1],
                                 latentWeights: values(widths[k] * widths[k + 1], -1, 1),
                                 bnGamma: values(widths[k + 1], 0.5, 1.5), bnBeta: values(widths[k + 1], -0.5, 0.5),
                                 bnRunningMean: values(widths[k + 1], -20, 20), bnRunningVar: values(widths[k + 1], 1, 50),
                                 bnEpsilon: 1e-4)
        }
        return try PackedModel(layers: layers).serialized()
    }

    static var packedModelShapes: [(name: String, widths: [Int])] {
        [("valid-8-6-3.bnnpack", [8, 6, 3]), ("valid-16-5-4-3.bnnpack", [16, 5, 4, 3]),
         ("valid-784-10.bnnpack", [784, 10]), ("valid-65-1-3.bnnpack", [65, 1, 3])]
    }

    /// Valid models, then broken copies of the first.
    static func packedModels() throws -> Seeds {
        let valid = try packedModelShapes.enumerated().map { (name: $1.name, bytes: try packedModel($1.widths, seed: UInt64($0 + 1))) }
        let model = valid[0].bytes
        var flipped = model, version = model, length = model
        flipped[40] ^= 0x04
        version[8] = 3
        length[16] &+= 1
        return valid + [("valid-4x4-4C3-MP2-3.bnnpack", try convNet(version2Shapes[0]))] + [
            ("bad-empty.bnnpack", []),
            ("bad-magic-only.bnnpack", Array(model.prefix(8))),
            ("bad-header-cut.bnnpack", Array(model.prefix(30))),
            ("bad-truncated.bnnpack", Array(model.dropLast(3))),
            ("bad-trailing.bnnpack", model + [0]),
            ("bad-flipped.bnnpack", flipped),
            ("bad-version.bnnpack", version),
            ("bad-length.bnnpack", length),
            ("bad-not-a-model.bnnpack", Array("BNNPACK but not really a model".utf8)),
        ]
    }

    /// The `packed-model-framed` form (no CRC) of the valid models, and broken contents
    /// that a correct CRC and length cannot save.
    static func framedPackedModels() throws -> Seeds {
        let valid = try packedModelShapes.enumerated().map {
            (name: $1.name, bytes: Array(try packedModel($1.widths, seed: UInt64($0 + 1)).dropLast(4)))
        }
        let model = valid[0].bytes  // 8-6-3: header 36, widths at 36..<48, layer 0 weights at 48..<54
        func edited(_ edit: (inout [UInt8]) -> Void) -> [UInt8] { var m = model; edit(&m); return m }
        return valid + [
            ("bad-zero-layers", edited { $0[24] = 0 }),
            ("bad-layer-count", edited { $0[24] = 3 }),
            ("bad-input-scale", edited { $0[31] ^= 0x01 }),
            ("bad-zero-width", edited { $0[40] = 0 }),
            ("bad-width-mismatch", edited { $0[40] = 7 }),
            ("bad-threshold", edited { $0[57] = 0x7F }),
            ("bad-cut-body", Array(model.dropLast(10))),
        ]
    }
}

extension SeedCorpus {
    typealias ConvNetShape = (name: String, input: FeatureShape, layers: [KernelBenchmark.ConvNetLayer], padding: ConvolutionPadding)

    /// Small ConvNets (and a dense layer on an image), both paddings, that fit `packed-model-v2`'s -max_len.
    static var version2Shapes: [ConvNetShape] {
        [("valid-4x4-4C3-MP2-3", FeatureShape(height: 4, width: 4, channels: 1), [.convolution(4), .maxPool, .dense(3)], .zero),
         ("valid-6x5-3C3-70C3-MP2-5FC-3", FeatureShape(height: 6, width: 5, channels: 1),
          [.convolution(3), .convolution(70), .maxPool, .dense(5), .dense(3)], .one),
         ("valid-28x28-8C3-MP2-8C3-MP2-10", FeatureShape(height: 28, width: 28, channels: 1),
          [.convolution(8), .maxPool, .convolution(8), .maxPool, .dense(10)], .zero),
         ("valid-3x3x2-20FC-4", FeatureShape(height: 3, width: 3, channels: 2), [.dense(20), .dense(4)], .zero)]
    }

    /// A whole version-2 model file of `shape` with seeded random parameters.
    static func convNet(_ shape: ConvNetShape, seed: UInt64 = 5) throws -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        let network = KernelBenchmark.randomConvNet(shape.layers, input: shape.input, padding: shape.padding, using: &g)
        return try PackedModel(network: network).serialized()
    }

    /// `packed-model-v2` seeds (files without their CRC): the valid ConvNets, then broken
    /// layer records of the first (4×4: shape at 36, layer 0's kind at 48, Cout 52, padding 56).
    static func version2PackedModels() throws -> Seeds {
        let valid = try version2Shapes.map { (name: $0.name, bytes: Array(try convNet($0).dropLast(4))) }
        let model = valid[0].bytes
        func edited(_ edit: (inout [UInt8]) -> Void) -> [UInt8] { var m = model; edit(&m); return m }
        return valid + [
            ("bad-unknown-kind", edited { $0[48] = 9 }),
            ("bad-pool-first", edited { $0[48] = 2 }),
            ("bad-first-layer-padding", edited { $0[56] = 1 }),
            ("bad-zero-channels", edited { $0[52] = 0 }),
            ("bad-zero-height", edited { $0[36] = 0 }),
            ("bad-huge-input", edited { $0[39] = 0x7F; $0[43] = 0x7F }),
            ("bad-layer-count", edited { $0[24] = 2 }),
            ("bad-trailing-body", model + [0, 0, 0, 0]),
            ("bad-cut-body", Array(model.dropLast(6))),
            ("bad-threshold", edited { $0[68] = 0x7F }),  // the top byte of layer 0's first threshold (65..<69)
        ]
    }
}

/// A tiny learnable data set for seed runs: class c lights up features c, c+3, c+6, …
struct TinyImages: ImageBatchSource {
    let count: Int
    let featureCount: Int
    let classes: Int

    func gather(indices: UnsafeBufferPointer<Int>, pixels: UnsafeMutablePointer<Float>,
                labels: UnsafeMutablePointer<Int32>) {
        for (row, index) in indices.enumerated() {
            let c = index % classes
            for j in 0..<featureCount {
                pixels[row * featureCount + j] = j % classes == c ? 0.9 : -0.9
            }
            labels[row] = Int32(c)
        }
    }
}
