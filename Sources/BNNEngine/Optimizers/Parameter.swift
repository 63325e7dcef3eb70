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
}
