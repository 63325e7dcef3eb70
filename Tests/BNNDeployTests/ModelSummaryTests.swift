import BNNKernels
import Foundation
import Testing

@testable import BNNDeploy

/// `summary`'s counts, worked out by hand for the reference networks of docs/deploy.md.
@Suite("Model summary")
struct ModelSummaryTests {
    @Test("784-1024-10: the MLP rows docs/deploy.md shows")
    func multilayerPerceptron() throws {
        let model = try RandomNetwork.model(input: .vector(784), layers: [.dense(units: 1024), .dense(units: 10)])
        let s = ModelSummary(model: model)
        #expect(s.layers.map(\.name) == ["dense0", "dense1"] && !s.isConvolutional)
        #expect(s.total(\.binaryWeights) == 813_056 && s.total(\.otherParameters) == 1_065)
        #expect(s.layers[0].binaryOperationBits == 6_422_528 && s.layers[0].binaryOperationWords == 106_496)
        #expect(s.total(\.binaryOperationWords) == 106_656 && s.total(\.float32MultiplyAccumulates) == 814_090)
        #expect(s.total(\.pixelMultiplyAccumulates) == 0 && s.total(\.float32Compares) == 0)
        #expect(s.total(\.realMultiplyAccumulates) == 10 && s.total(\.thresholdCompares) == 1_024)
    }

    @Test("32C3-MP2-64C3-MP2-256FC-10: convolution, pooling and dense rows")
    func referenceConvNet() throws {
        let model = try RandomNetwork.model(
            input: FeatureShape(height: 28, width: 28, channels: 1),
            layers: [.convolution(outputChannels: 32), .maxPool, .convolution(outputChannels: 64), .maxPool, .dense(units: 256), .dense(units: 10)])
        let s = ModelSummary(model: model)
        #expect(s.isConvolutional && s.layers.map(\.name) == ["conv0", "pool1", "conv2", "pool3", "dense4", "dense5"])
        let conv0 = s.layers[0], pool1 = s.layers[1], conv2 = s.layers[2], dense4 = s.layers[4]
        #expect(conv0.outputShape == [28, 28, 32] && pool1.outputShape == [14, 14, 32] && conv2.outputShape == [14, 14, 64])
        // The first convolution: 9 real pixels per output value, 16 threshold sets (border classes).
        #expect(conv0.kind.hasPrefix("conv 3×3×1→32") && conv0.binaryWeights == 288 && conv0.otherParameters == 16 * 32)
        #expect(conv0.pixelMultiplyAccumulates == 28 * 28 * 32 * 9 && conv0.binaryOperationBits == 0)
        #expect(conv0.thresholdCompares == 28 * 28 * 32 && conv0.float32MultiplyAccumulates == 28 * 28 * 32 * 9 + 14 * 14 * 32)
        // The binary convolution: 288 bits, 9 words of 32 channels per output value.
        #expect(conv2.kind.hasPrefix("conv 3×3×32→64") && conv2.binaryWeights == 64 * 288 && conv2.otherParameters == 64)
        #expect(conv2.binaryOperationBits == 14 * 14 * 64 * 288 && conv2.binaryOperationWords == 14 * 14 * 64 * 9)
        #expect(conv2.packedBytes == 64 * 288 / 8 + 4 * 64 + 8)
        #expect(pool1.binaryOperationBits == 4 * 14 * 14 * 32 && pool1.float32Compares == 3 * 14 * 14 * 32 && pool1.packedBytes == 0)
        // The dense layer on 7×7×64 NHWC bits: one word per position.
        #expect(dense4.inputs == 3136 && dense4.binaryOperationWords == 256 * 49)
        #expect(s.total(\.binaryWeights) == model.binaryWeightCount)

        let report = SummaryReport(source: "test", architecture: model.architecture, summary: s, latency: nil)
        let text = report.text()
        #expect(text.contains("32C3-MP2-64C3-MP2-256FC-10 binarized ConvNet") && text.contains("8-bit MACs"))
        #expect(text.contains("28×28×32") && text.contains("max-pool 2×2"))
        #expect(report.energy.assumptions.contains { $0.hasPrefix("first convolution:") })
        #expect(report.energy.ratio > 1)
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let totals = json?["totals"] as? [String: Int]
        #expect(totals?["pixelMultiplyAccumulates"] == 225_792)
    }
}
