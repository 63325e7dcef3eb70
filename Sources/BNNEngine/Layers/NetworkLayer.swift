import BNNSupport

/// One step of a `Network`'s sequential stack (mlx-swift's `UnaryLayer` is the model):
/// dense, 3×3 convolution, 2×2 max-pool, BatchNorm, binarization and dropout are peers.
///
/// A layer owns the buffers it writes, allocated once for `maxRows` examples: its output,
/// and, when it passes a gradient back, its input gradient. Elementwise layers may work in
/// place on the gradient they are handed. The network keeps every layer's input for the
/// backward pass, so a layer never copies it.
protocol NetworkLayer: AnyObject {
    /// Values per example the layer produces.
    var outputSize: Int { get }
    /// The trainable tensors of the layer (none for pooling, binarization and dropout).
    var parameters: [Parameter] { get }

    /// The output for `rows` examples of `input`; training uses batch statistics and
    /// random draws (stochastic binarization, dropout) from `generator`.
    func forward(_ input: UnsafePointer<Float>, rows: Int, training: Bool,
                 generator: inout SeededGenerator) -> UnsafePointer<Float>

    /// Backward through the last training forward pass: sets the parameters' gradients
    /// from ∂C/∂output (which the layer may overwrite) and returns ∂C/∂input when
    /// `needsInputGradient`, nil otherwise.
    func backward(input: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
                  needsInputGradient: Bool) -> UnsafeMutablePointer<Float>?
}

extension NetworkLayer {
    var parameters: [Parameter] { [] }
}

/// A layer with latent weights (dense or convolution): what statistics, checkpoints,
/// stochastic weight draws and the forward-product choice see.
protocol WeightLayer: NetworkLayer {
    var latent: LatentWeights { get }
    /// Values per example entering the layer.
    var inputSize: Int { get }
    /// The statistics of the weight-clip panel, with the STE-cancel fraction of the
    /// binarization that follows the layer.
    func statistics(steCancelFraction: Double) -> LayerStatistics
}

extension WeightLayer {
    var parameters: [Parameter] { [latent.parameter] }
}

extension WeightLayer {
    /// The latent weights' parameter (value, gradient, moments).
    var weights: Parameter { latent.parameter }
}
