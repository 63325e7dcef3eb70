import Foundation
import Testing
import BNNData
import BNNKernels
@testable import BNNEngine
import BNNSupport

/// The insight data a run publishes (confusion matrix, misclassified images, receptive fields)
/// and the fork / continue branching of checkpoints.
@Suite struct InsightTests {
    @Test func confusionMatrixCountsErrorsAndNamesTheWorstPair() throws {
        var m = ConfusionMatrix(classCount: 3)
        for _ in 0..<8 { m.add(label: 0, predicted: 0) }
        for _ in 0..<2 { m.add(label: 0, predicted: 2) }
        for _ in 0..<5 { m.add(label: 1, predicted: 1) }
        for _ in 0..<5 { m.add(label: 1, predicted: 0) }
        #expect(m.total == 20)
        #expect(m.error(ofClass: 0) == 0.2)
        #expect(m.error(ofClass: 1) == 0.5)
        #expect(m.error(ofClass: 2) == nil)
        #expect(m.errorRate == 7.0 / 20)
        let pair = try #require(m.mostConfusedPair)
        #expect(pair.label == 1 && pair.predicted == 0 && pair.fraction == 0.5)
        let json = try JSONEncoder().encode(m)
        #expect(String(decoding: json, as: UTF8.self) == "[[8,0,2],[5,5,0],[0,0,0]]")
        #expect(try JSONDecoder().decode(ConfusionMatrix.self, from: json) == m)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ConfusionMatrix.self, from: Data("[[1,2]]".utf8)) }
    }

    @Test func observerKeepsTheMostConfidentlyWrongImages() {
        var observer = EvaluationObserver(classCount: 3)
        // Rows: right, wrong by 0.5, wrong by 2, wrong by 0.5 (later index).
        let scores: [Float] = [3, 0, 0,  0, 1, 0.5,  0, 0, 2,  1.5, 1, 0]
        let labels: [Int32] = [0, 2, 0, 1]
        scores.withUnsafeBufferPointer { s in labels.withUnsafeBufferPointer { l in
            observer.observe(scores: s.baseAddress!, labels: l.baseAddress!, rows: 4, classes: 3, firstIndex: 10)
        } }
        let worst = observer.worst(2)
        #expect(worst.map(\.index) == [12, 11])
        #expect(worst[0] == MisclassifiedImage(index: 12, label: 0, predicted: 2, margin: 2))
        #expect(observer.confusion.counts == [[1, 0, 1], [1, 0, 0], [0, 1, 0]])
    }

    @Test func receptiveFieldsDifferAndIgnoreSignFlips() {
        // 4 inputs (2x2), 4 neurons: n1 = -n0 (a flip), n2 differs from n0 in one pixel, n3 in two.
        let columns: [[Float]] = [[1, 1, -1, -1], [-1, -1, 1, 1], [1, 1, 1, -1], [1, -1, 1, -1]]
        var w = [Float](repeating: 0, count: 16)
        for j in 0..<4 { for i in 0..<4 { w[i * 4 + j] = columns[j][i] } }
        let fields = w.withUnsafeBufferPointer {
            ReceptiveFieldChoice.choose(count: 3, weights: $0.baseAddress!, inputs: 4, outputs: 4, width: 2, height: 2)
        }
        #expect(fields.map(\.neuron) == [0, 3, 2])
        #expect(fields[1].positive == [true, false, true, false])
    }

    @Test func filterChoiceReadsKernelsByChannelAndSkipsRepeats() {
        // 3 output channels x 2 input channels, layout [Cout][tap][Cin]: kernel (o, c) has tap t at
        // o*18 + t*2 + c. Kernels: (0,0) all +1, (0,1) = -(0,0) (a flip), (1,0) first tap -1,
        // (1,1) = (0,0), (2,0) checkerboard, (2,1) = (1,0).
        let checker = (0..<9).map { $0 % 2 == 0 }
        let kernels: [[Bool]] = [Array(repeating: true, count: 9), Array(repeating: false, count: 9),
                                 [false] + Array(repeating: true, count: 8), Array(repeating: true, count: 9),
                                 checker, [false] + Array(repeating: true, count: 8)]
        var w = [Float](repeating: 0, count: 54)
        for u in 0..<6 { for t in 0..<9 { w[(u / 2) * 18 + t * 2 + u % 2] = kernels[u][t] ? 0.5 : -0.5 } }
        let fields = w.withUnsafeBufferPointer {
            ReceptiveFieldChoice.chooseFilters(count: 10, weights: $0.baseAddress!, outputChannels: 3, inputChannels: 2,
                                               kernelSize: 3)
        }
        // All +1 first, then the checkerboard (4 taps from it up to sign), then the one-tap change; the
        // flip and the copies repeat chosen kernels and are left out.
        #expect(fields.map { [$0.neuron, $0.inputChannel!] } == [[0, 0], [2, 0], [1, 0]])
        #expect(fields[1].positive == checker)
        #expect(w.withUnsafeBufferPointer { UniqueFilters.count(weights: $0.baseAddress!, outputChannels: 3, inputChannels: 2) } == 3)
    }

    @Test func forkAndContinueBranchTheSavedState() throws {
        let config = TrainingConfiguration(architecture: Architecture(widths: [32, 16, 10]), mode: .deterministic,
                                           schedule: .exponential(start: 1e-2, end: 1e-4), epochs: 3, seed: 2)
        let run = try TrainingRun(name: "det", configuration: config, data: SyntheticImages.splits())
        run.start()
        #expect(run.waitUntilFinished(timeout: 120))
        let done = try run.checkpoint()
        #expect(done.completedEpochs == 3 && done.history.count == 3)
        #expect(throws: CheckpointError.self) { try done.forked(name: "x", learningRate: 1e-3) }

        // Continue: two more epochs, the schedule's factor 0.1 per epoch goes on.
        let more = done.continued(forMoreEpochs: 2)
        #expect(more.configuration.epochs == 5)
        #expect(abs(more.learningRate / done.learningRate - 0.1) < 1e-9)
        let continued = try TrainingRun(name: "det", configuration: more.configuration, data: SyntheticImages.splits(),
                                        resumingFrom: more)
        continued.start()
        #expect(continued.waitUntilFinished(timeout: 120))
        let s = continued.snapshot()
        #expect(s.epoch == 5 && s.history.count == 5)
        #expect(abs(s.history[4].lr / s.history[3].lr - 0.1) < 1e-9)

        // Fork at epoch 3 of 5 into stoch with a new rate: history shared, lineage published.
        let fork = try more.forked(name: "det.f1", learningRate: 5e-4, mode: .stochastic)
        #expect(fork.configuration.mode == .stochastic && fork.learningRate == 5e-4 && fork.history == done.history)
        #expect(fork.lineage == RunLineage(parent: "det", epoch: 3, learningRate: 5e-4, mode: .stochastic))
        let forked = try TrainingRun(name: "det.f1", configuration: fork.configuration, data: SyntheticImages.splits(),
                                     resumingFrom: fork)
        #expect(forked.snapshot().displayName() == "det\u{2192}stoch lr 5e-4 @3")
        #expect(forked.snapshot().displayName(ascii: true) == "det->stoch lr 5e-4 @3")
        forked.start()
        #expect(forked.waitUntilFinished(timeout: 120))
        #expect(forked.snapshot().history.map(\.epoch) == [1, 2, 3, 4, 5])
        #expect(forked.snapshot().history[3].lr == 5e-4)
    }

    /// The misclassified strip shows what the model really predicts: the packed 1-bit model
    /// (an independent implementation) predicts the same wrong class for every image listed.
    @Test func misclassifiedImagesAreTheEnginesPredictions() throws {
        let data = try RealDataLearningTests.embeddedData()
        let test = try #require(data.test as? LabeledImages)
        let config = TrainingConfiguration(architecture: Architecture(widths: [784, 64, 10]), mode: .deterministic,
                                           batchSize: 100, epochs: 1, seed: 5, threads: 2)
        let run = try TrainingRun(name: "det", configuration: config, data: data)
        run.start()
        #expect(run.waitUntilFinished(timeout: 300))
        let s = run.snapshot()
        let insight = try #require(s.insight)
        #expect(insight.misclassified.count == RunInsight.keptMisclassified)
        #expect(insight.misclassifiedPixels.count == insight.misclassified.count)
        #expect(zip(insight.misclassified, insight.misclassified.dropFirst()).allSatisfy { $0.margin >= $1.margin })
        #expect(s.history.last?.testMisclassified == insight.misclassified)
        let confusion = try #require(insight.confusion)
        #expect(abs(confusion.errorRate - s.history.last!.valError) < 1e-9)
        #expect(insight.receptiveFields.count == RunInsight.fieldCount)
        #expect(Set(insight.receptiveFields.map(\.neuron)).count == RunInsight.fieldCount)

        let packed = try PackedModel(layers: try run.checkpoint().denseLayerParameters())
        let gemm = try BinaryGEMM(threadCount: 1)
        for (image, pixels) in zip(insight.misclassified, insight.misclassifiedPixels) {
            #expect(Array(test.pixels(ofImage: image.index)) == pixels)
            #expect(image.label == Int(test.labels[image.index]) && image.predicted != image.label)
            let predicted = try packed.predict(pixels: pixels, gemm: gemm)
            #expect(predicted == [image.predicted], "test image \(image.index)")
        }
    }

    /// A ConvNet publishes its confusion matrix, misclassified images, a zoom per weight layer
    /// (convolutions and dense) and, as receptive fields, its first convolution's 3×3 filters:
    /// every distinct one (up to sign) when there are at most `filterCount`, each the signs of
    /// the saved latent weights.
    @Test func convNetInsightShowsTheFirstConvolutionsFilters() throws {
        let data = try RealDataLearningTests.embeddedData(SplitOptions(trainLimit: 300, evalLimit: 200))
        let config = TrainingConfiguration(architecture: try Architecture(parsing: "4C3-MP2-16FC-10"),
                                           mode: .deterministic, batchSize: 100, epochs: 1, seed: 3, threads: 2)
        let run = try TrainingRun(name: "det", configuration: config, data: data)
        run.start()
        #expect(run.waitUntilFinished(timeout: 300))
        let s = run.snapshot()
        let insight = try #require(s.insight)
        let unique = try #require(s.layers[0].uniqueFilters)
        #expect(insight.receptiveFields.count == unique)
        let weights = try #require(try run.checkpoint().tensor(named: "conv0.W"))
        for field in insight.receptiveFields {
            #expect(field.isFilter && field.inputChannel == 0 && field.width == 3 && field.height == 3)
            #expect(field.positive == (0..<9).map { weights[field.neuron * 9 + $0] >= 0 }, "filter \(field.neuron)")
        }
        #expect(insight.weightZoom.count == s.layers.count && s.layers.count == 3)
        let confusion = try #require(insight.confusion)
        #expect(abs(confusion.errorRate - s.history.last!.valError) < 1e-9)
        #expect(!insight.misclassified.isEmpty && insight.misclassifiedPixels.count == insight.misclassified.count)
        #expect(s.history.last?.uniqueFilters?.first??.description != nil)
        #expect(s.history.last?.valConfusion == confusion)
    }
}
