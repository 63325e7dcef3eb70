import Testing
import BNNSupport
@testable import BNNEngine

/// BinaryNet's MNIST recipe options (`--init unit`, `--glorot-lr`): what they change and what not.
@Suite struct RecipeOptionsTests {
    func network(_ mode: BinarizationMode, unit: Bool, glorot: Bool) -> Network {
        var g = SeededGenerator(seed: 4)
        let c = TrainingConfiguration(architecture: Architecture(widths: [20, 30, 5]), mode: mode,
                                      glorotLearningRateScale: glorot, batchSize: 10,
                                      weightInitialization: unit ? .unit : .glorot)
        return Network(configuration: c, maxRows: 10, generator: &g)
    }

    @Test func unitInitializationSpreadsBinaryWeightsOverTheClipInterval() {
        let net = network(.deterministic, unit: true, glorot: true)
        let w = net.weightLayers[0].weights.value.array
        #expect(w.allSatisfy { abs($0) <= 1 })
        #expect(w.contains { abs($0) > 0.9 })
        // 1/sqrt(1.5/(20+30)) and 1/sqrt(1.5/(30+5)).
        #expect(abs(net.weightLayers[0].weights.learningRateScale - Float((50.0 / 1.5).squareRoot())) < 1e-4)
        #expect(abs(net.weightLayers[1].weights.learningRateScale - Float((35.0 / 1.5).squareRoot())) < 1e-4)
    }

    /// As in BinaryNet's code, the options belong to binary layers: the float baseline is unchanged.
    @Test func floatBaselineIgnoresTheBinaryOptions() {
        let plain = network(.float, unit: false, glorot: false)
        let recipe = network(.float, unit: true, glorot: true)
        for k in 0..<2 {
            #expect(recipe.weightLayers[k].weights.value.array == plain.weightLayers[k].weights.value.array)
            #expect(recipe.weightLayers[k].weights.learningRateScale == 1)
        }
    }

    @Test func nonDefaultSettingsNameWhatDiffersFromThePaper() {
        var c = TrainingConfiguration(architecture: Architecture(widths: [4, 3, 2]))
        #expect(c.nonDefaultSettings.isEmpty)
        c.weightInitialization = .unit
        c.glorotLearningRateScale = true
        c.hiddenDropout = 0.25
        #expect(c.nonDefaultSettings == ["init unit", "glorot-lr", "dropout-hidden 0.25"])
        c.mode = .float
        #expect(c.nonDefaultSettings == ["dropout-hidden 0.25"])
    }

}
