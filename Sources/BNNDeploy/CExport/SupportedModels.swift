import BNNKernels

/// The models the C generator and the summary handle today: multilayer perceptrons.
///
/// A packed ConvNet (model file v2, convolution and pooling layers) has hidden layers
/// without dense thresholds; it gets one clear error instead of a wrong table or a
/// precondition failure, until the convolution and pooling `CLayer` kinds exist
/// (docs/deploy.md, "ConvNets").
public enum SupportedModels {
    /// Why a model is not supported.
    public struct Unsupported: Error, CustomStringConvertible {
        public let layer: Int
        public var description: String {
            "layer \(layer) is not a dense layer: C export and summary handle multilayer perceptrons only (ConvNets: not yet)"
        }
    }

    /// Throws unless every hidden layer of `model` is a dense layer with folded thresholds.
    public static func check(_ model: PackedModel) throws(Unsupported) {
        for index in 0..<(model.layerCount - 1) where model.thresholds(layer: index) == nil {
            throw Unsupported(layer: index)
        }
    }
}
