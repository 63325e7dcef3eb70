/// Cuts a training split into shuffled mini-batches, reproducibly.
///
/// Each epoch visits every image once, in an order drawn with `SeededGenerator`'s
/// Fisher-Yates shuffle, so the same seed gives the same batches on every machine.
/// The batches are consecutive slices of that order, `batchSize` long. What
/// happens to the remainder when `count` is not a multiple of `batchSize` is the
/// caller's choice (`PartialBatch`): by default nothing is dropped and the last
/// batch is smaller (`lastBatchSize`); `.drop` leaves the remainder out of that
/// epoch (useful when a tiny last batch would upset batch normalization).
public struct BatchSampler: Equatable, Sendable {
    /// What to do with the images left over after the full batches.
    public enum PartialBatch: Equatable, Sendable {
        /// Yield them as a last, smaller batch.
        case keep
        /// Leave them out of this epoch (a different remainder each epoch, as the order changes).
        case drop
    }

    /// Number of images in the split being sampled.
    public let count: Int
    /// Images per batch.
    public let batchSize: Int
    /// The remainder policy.
    public let partialBatch: PartialBatch

    /// Throws `invalidOption` unless `count >= 1` and `batchSize >= 1`, and `notEnoughImages`
    /// for `.drop` with fewer images than one batch.
    public init(count: Int, batchSize: Int, partialBatch: PartialBatch = .keep) throws(DatasetError) {
        guard count >= 1 else { throw .invalidOption(name: "image count", value: count, requirement: "at least 1") }
        guard batchSize >= 1 else { throw .invalidOption(name: "batch size", value: batchSize, requirement: "at least 1") }
        if partialBatch == .drop, count < batchSize {
            throw .notEnoughImages(what: "batch size \(batchSize) with partial batches dropped", available: count, needed: batchSize)
        }
        self.count = count
        self.batchSize = batchSize
        self.partialBatch = partialBatch
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int {
        partialBatch == .keep ? (count + batchSize - 1) / batchSize : count / batchSize
    }

    /// Images an epoch actually visits (less than `count` only with `.drop`).
    public var imagesPerEpoch: Int {
        partialBatch == .keep ? count : (count / batchSize) * batchSize
    }

    /// Size of an epoch's last batch (`batchSize` when it divides the count or with `.drop`).
    public var lastBatchSize: Int {
        imagesPerEpoch - (batchesPerEpoch - 1) * batchSize
    }

    /// A random order of `0..<count`, drawn from `generator` (which advances).
    public func epochOrder(using generator: inout SeededGenerator) -> [Int] {
        var order = Array(0..<count)
        generator.shuffle(&order)
        return order
    }

    /// The order for epoch `epoch` of a run seeded with `seed`, independent of any
    /// other use of random numbers (so a resumed run gets the same order back).
    public func epochOrder(seed: UInt64, epoch: Int) -> [Int] {
        var generator = Self.generator(seed: seed, epoch: epoch)
        return epochOrder(using: &generator)
    }

    /// The generator `epochOrder(seed:epoch:)` uses: seeded with `seed` XOR a hash of the
    /// epoch number (SplitMix64's finalizer), so neighbouring epochs get unrelated states.
    public static func generator(seed: UInt64, epoch: Int) -> SeededGenerator {
        var z = (UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03) ^ 0x8CB9_2BA7_2F3D_8DD7
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return SeededGenerator(seed: seed ^ z)
    }

    /// Batch `index` (`0..<batchesPerEpoch`) of `order`: a slice of the indices to gather.
    public func batch(_ index: Int, of order: [Int]) -> ArraySlice<Int> {
        precondition(order.count == count, "order has \(order.count) indices, the sampler \(count)")
        precondition(index >= 0 && index < batchesPerEpoch, "batch \(index) out of 0..<\(batchesPerEpoch)")
        let start = index * batchSize
        return order[start ..< min(start + batchSize, imagesPerEpoch)]
    }

    /// All batches of `order`, in order.
    public func batches(of order: [Int]) -> [ArraySlice<Int>] {
        (0..<batchesPerEpoch).map { batch($0, of: order) }
    }
}
