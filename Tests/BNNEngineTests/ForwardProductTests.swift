import Testing
import BNNData
@testable import BNNEngine

/// The XNOR-popcount forward product changes speed, never results.
@Suite struct ForwardProductTests {
    func train(_ mode: BinarizationMode, policy: ForwardProductPolicy, hiddenDropout: Float = 0) throws -> RunSnapshot {
        // Two binary hidden layers (inputs 48 and 40: K below and not a multiple of 64).
        let c = TrainingConfiguration(architecture: Architecture(widths: [32, 48, 40, 10]), mode: mode,
                                      schedule: .exponential(start: 0.01, end: 0.001), batchSize: 50,
                                      epochs: 2, seed: 5, threads: 2, hiddenDropout: hiddenDropout)
        let run = try TrainingRun(name: "\(mode)-\(policy)", configuration: c,
                                  data: SyntheticImages.splits(train: 1000, eval: 300), forwardProductPolicy: policy)
        run.start()
        #expect(run.waitUntilFinished(timeout: 120))
        return run.snapshot()
    }

    @Test(arguments: [BinarizationMode.deterministic, .stochastic])
    func xnorAndSgemmRunsAreIdentical(mode: BinarizationMode) throws {
        let blas = try train(mode, policy: .sgemm)
        let xnor = try train(mode, policy: .xnor)
        #expect(blas.forwardProducts.isEmpty)
        #expect(xnor.forwardProducts.map(\.layer) == [1, 2])
        #expect(xnor.forwardProducts.allSatisfy { $0.usesXnor })
        // The layers report what their training forward pass ran (the synthetic images are not
        // pixel values, so the first layer takes sgemm; FirstLayerPixelProductTests has pixels).
        #expect(xnor.layers.map(\.forwardProduct) == ["sgemm", "xnor", "xnor"])
        #expect(blas.layers.map(\.forwardProduct) == ["sgemm", "sgemm", "sgemm"])
        #expect(blas.history.count == 2)
        #expect(xnor.history.map(\.trainLoss) == blas.history.map(\.trainLoss))
        #expect(xnor.history.map(\.valError) == blas.history.map(\.valError))
        #expect(xnor.history.map(\.testError) == blas.history.map(\.testError))
        #expect(xnor.history.map(\.flipRatio) == blas.history.map(\.flipRatio))
    }

    @Test func autoTimesBothAndKeepsTheFaster() throws {
        let s = try train(.deterministic, policy: .auto)
        #expect(s.forwardProducts.count == 2)
        for choice in s.forwardProducts {
            let x = try #require(choice.xnorSeconds), g = try #require(choice.sgemmSeconds)
            #expect(x > 0 && g > 0)
            #expect(choice.usesXnor == (x < g))
            #expect(choice.summary.contains("\(choice.rows)x\(choice.outputs)x\(choice.inputs)"))
        }
    }

    /// Float runs multiply real activations, and dropout makes binary activations {0, ±1/(1-p)}:
    /// neither may take the ±1 product.
    @Test func ineligibleRunsStayOnSgemm() throws {
        let float = try train(.float, policy: .xnor)
        #expect(float.forwardProducts.isEmpty)
        #expect(float.layers.map(\.forwardProduct) == ["sgemm", "sgemm", "sgemm"])
        let dropout = try train(.deterministic, policy: .xnor, hiddenDropout: 0.2)
        #expect(dropout.forwardProducts.isEmpty)
        #expect(dropout.layers.map(\.forwardProduct) == ["sgemm", "sgemm", "sgemm"])
    }
}
