/// What a run has learned, for the insight view: the latest validation
/// confusion matrix, the test images it gets most confidently wrong (with
/// their pixels, so the UI needs no data set) and a few binary receptive fields.
///
/// Published in `RunSnapshot.insight` after every epoch (receptive fields also
/// at the start); pure data, safe to read from any thread.
public struct RunInsight: Sendable, Equatable {
    /// Epoch the matrix and images belong to (0 before the first epoch).
    public var epoch: Int
    /// On the validation set; nil before the first epoch.
    public var confusion: ConfusionMatrix?
    /// Most confident first (see `MisclassifiedImage`).
    public var misclassified: [MisclassifiedImage]
    /// The pixels of `misclassified[i]`, 0 (black) ... 255 (white), `imageWidth` x `imageHeight`.
    public var misclassifiedPixels: [[UInt8]]
    public var imageWidth: Int
    public var imageHeight: Int
    /// First-layer neurons (MLP) or first-convolution 3×3 filters (ConvNet) chosen to differ;
    /// empty when the first layer is dense and the image is not square.
    public var receptiveFields: [ReceptiveField]
    /// Per dense layer, the latent weights over their own range (the weight panel's zoom).
    public var weightZoom: [ZoomedHistogram]

    public init(epoch: Int, confusion: ConfusionMatrix?, misclassified: [MisclassifiedImage],
                misclassifiedPixels: [[UInt8]], imageWidth: Int, imageHeight: Int,
                receptiveFields: [ReceptiveField], weightZoom: [ZoomedHistogram] = []) {
        self.weightZoom = weightZoom
        self.epoch = epoch; self.confusion = confusion; self.misclassified = misclassified
        self.misclassifiedPixels = misclassifiedPixels; self.imageWidth = imageWidth
        self.imageHeight = imageHeight; self.receptiveFields = receptiveFields
    }

    /// Misclassified test images kept per epoch (in the snapshot and the metrics JSONL).
    public static let keptMisclassified = 40
    /// Receptive fields shown (an MLP's neurons).
    public static let fieldCount = 6
    /// A first convolution's filters shown at most (they are small: several rows of them fit).
    public static let filterCount = 32
}

extension RunInsight {
    /// The same insight with the misclassified images' pixels looked up by test index
    /// (for a run read back from a metrics file); `pixels(i)` returns nil for an index it lacks,
    /// and then no pictures are attached.
    public func withPixels(_ pixels: (Int) -> [UInt8]?) -> RunInsight {
        var copy = self
        let looked = misclassified.map { pixels($0.index) }
        guard looked.allSatisfy({ $0?.count == imageWidth * imageHeight }) else { return self }
        copy.misclassifiedPixels = looked.map { $0! }
        return copy
    }
}
