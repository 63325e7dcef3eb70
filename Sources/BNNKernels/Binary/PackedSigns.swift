/// A packed form of a layer's ±1 weights W_b (inputs x outputs, row-major) that a product
/// reads instead of float W_b, kept current by whoever changes W_b.
///
/// It exists so the packing happens once per change of the weights, while they are in
/// cache, instead of once per product: the optimizer updates the latent weights a group of
/// rows at a time through `write(floatSigns:_:)` and packs each group right away; whoever
/// writes float W_b another way (a restored checkpoint, a stochastic draw) clears
/// `isCurrent`, and the next product packs from float W_b again. The two kinds are
/// `NibbleWeights` (the first layer's pixel product) and `ColumnSignWords` (XNOR-popcount).
public protocol PackedSigns: AnyObject {
    /// Whether the packed form holds the layer's current W_b.
    var isCurrent: Bool { get set }

    /// Runs an elementwise update of the latent weights group by group and packs each
    /// group's new signs while they are in cache. `step(start, count, signs)` must update
    /// weights [start, start + count) (row-major: a group's rows are contiguous) and write
    /// sign(w) as ±1 floats to signs[0 ..< count]; `signs` points into `floatSigns` (float
    /// W_b, when the layer's other products read it) or, when that is nil, into scratch.
    /// Parts run on `ForkJoin` in fixed bands of groups, so the result does not depend on
    /// scheduling. Marks the result current.
    func write(floatSigns: UnsafeMutablePointer<Float>?,
               _ step: (_ start: Int, _ count: Int, _ signs: UnsafeMutablePointer<Float>) -> Void)
}

/// An update step carried into `ForkJoin` parts under `PackedSigns.write`'s rule that they
/// touch disjoint groups of weights.
struct GroupStep: @unchecked Sendable {
    let step: (Int, Int, UnsafeMutablePointer<Float>) -> Void
}
