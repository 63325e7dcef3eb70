import BNNKernels

/// One trainable tensor with its gradient and optimizer moments.
///
/// Latent weights and BatchNorm's γ and β are all `Parameter`s; the optimizer
/// walks them in one fused loop. `clipsToUnitInterval` marks the latent
/// weights of binary layers, clipped to [-1, 1] after every update.
final class Parameter {
    let name: String
    let value: FloatBuffer
    let gradient: FloatBuffer
    /// Adam's first moment, or SGD's velocity.
    let moment1: FloatBuffer
    /// Adam's second moment (unused by SGD).
    let moment2: FloatBuffer
    /// Multiplies the learning rate for this tensor (the Glorot scale option).
    let learningRateScale: Float
    let clipsToUnitInterval: Bool
    /// Where the optimizer writes sign(value) after each update (the layer's W_b), if anywhere.
    var binaryOutput: FloatBuffer?
    /// W_b in the layout the layer's forward product reads (`NibbleWeights` for a binary
    /// network's first dense layer, `ColumnSignWords` for an XNOR layer), which is marked
    /// stale whenever `binaryOutput` is written another way (see `binaryOutputWritten`).
    var packedSigns: (any PackedSigns)?
    /// Whether the optimizer packs sign(value) into `packedSigns` as it updates the weights
    /// (deterministic weights; stochastic ones are drawn as floats before every batch).
    var optimizerWritesPackedSigns = false
    /// Whether the optimizer then skips the float `binaryOutput` (the first layer: nothing
    /// reads its float W_b every batch); an XNOR layer's backward product still reads it.
    var packedSignsReplaceFloat = false
    /// False after an update that wrote only `packedSigns`: `binaryOutput` then holds an
    /// older W_b, which `LatentWeights` rewrites from `value` before anyone reads it.
    var binaryOutputIsCurrent = true

    init(name: String, value: FloatBuffer, learningRateScale: Float = 1, clipsToUnitInterval: Bool = false) {
        self.name = name
        self.value = value
        self.gradient = FloatBuffer(count: value.count)
        self.moment1 = FloatBuffer(count: value.count)
        self.moment2 = FloatBuffer(count: value.count)
        self.learningRateScale = learningRateScale
        self.clipsToUnitInterval = clipsToUnitInterval
    }

    var count: Int { value.count }

    /// Records that `binaryOutput` now holds the current W_b (and the nibbles, if any, do not).
    func binaryOutputWritten() {
        binaryOutputIsCurrent = true
        packedSigns?.isCurrent = false
    }
}
