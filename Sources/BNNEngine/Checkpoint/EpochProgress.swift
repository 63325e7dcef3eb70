import BNNSupport
import Foundation

/// Where a run stood inside an epoch when its checkpoint was taken between two batches
/// (the dashboard's `s` or a fork while training, a save over the control socket, a stop):
/// enough to finish that epoch exactly as the run would have, with the same batches in the
/// same order and the same epoch statistics.
///
/// The weights, optimizer and BatchNorm state are the checkpoint's tensors as usual; this adds
/// the generator as it was before the epoch's shuffle (the batch order is drawn again from it),
/// the batches done, their summed loss and errors, the epoch's seconds so far, every
/// binarization's STE counts and every weight layer's signs at the start of the epoch (for the
/// flip ratio), bit-packed and base64-encoded.
public struct EpochProgress: Codable, Sendable, Equatable {
    /// Batches of the epoch already trained (at least 1), of `batchesPerEpoch`.
    public let batchesDone: Int
    public let batchesPerEpoch: Int
    /// The generator before the epoch's shuffle.
    let shuffleGenerator: SeededGenerator
    let lossSum: Double
    let errors: Int
    let rows: Int
    let epochSeconds: Double
    let trainPhaseSeconds: Double
    /// Per binarization layer (nil where none): entries the STE cancelled, entries seen.
    let steCounts: [[Int]?]
    /// Per weight layer: its signs at the start of the epoch, one bit per weight (1 = +1),
    /// 64 to a little-endian word, base64.
    let epochStartSigns: [String]

    /// "7 of 200 batches of epoch 9", for an epoch after `completedEpochs`.
    public func describe(afterEpochs completedEpochs: Int) -> String {
        "\(batchesDone) of \(batchesPerEpoch) batches of epoch \(completedEpochs + 1)"
    }

    var score: BatchScore { BatchScore(lossSum: lossSum, errors: errors, rows: rows) }

    init(batchesDone: Int, batchesPerEpoch: Int, shuffleGenerator: SeededGenerator, score: BatchScore,
         epochSeconds: Double, trainPhaseSeconds: Double, network: Network) {
        self.batchesDone = batchesDone
        self.batchesPerEpoch = batchesPerEpoch
        self.shuffleGenerator = shuffleGenerator
        lossSum = score.lossSum
        errors = score.errors
        rows = score.rows
        self.epochSeconds = epochSeconds
        self.trainPhaseSeconds = trainPhaseSeconds
        steCounts = network.binarizations.map { $0.map { [$0.cancelled, $0.seen] } }
        epochStartSigns = network.weightLayers.map { Self.encode(signs: $0.latent.epochStartSignWords()) }
    }

    /// Why these counts cannot belong to `network`'s epoch of `batchesPerEpoch` batches, or nil.
    func problem(network: Network, batchesPerEpoch: Int) -> String? {
        guard batchesDone >= 1, batchesDone < batchesPerEpoch, self.batchesPerEpoch == batchesPerEpoch else {
            return "it was taken after \(batchesDone) of \(self.batchesPerEpoch) batches and this run's epochs have \(batchesPerEpoch)"
        }
        guard rows >= 0, errors >= 0, errors <= rows, lossSum.isFinite, epochSeconds.isFinite, trainPhaseSeconds.isFinite else {
            return "its epoch in progress has impossible counts"
        }
        guard steCounts.count == network.binarizations.count,
              zip(steCounts, network.binarizations).allSatisfy({ ($0 == nil) == ($1 == nil) && ($0?.count ?? 2) == 2 }),
              epochStartSigns.count == network.weightLayers.count else {
            return "its epoch in progress does not fit the network's layers"
        }
        for (k, layer) in network.weightLayers.enumerated() {
            guard let words = Self.decode(epochStartSigns[k]), words.count == (layer.latent.count + 63) / 64 else {
                return "its epoch-start signs of layer \(k + 1) are damaged"
            }
        }
        return nil
    }

    /// Puts the epoch's statistics back into `network` (after `beginEpochStatistics`); the
    /// caller checked `problem(network:batchesPerEpoch:)`.
    func restoreStatistics(into network: Network) {
        for (layer, counts) in zip(network.binarizations, steCounts) {
            if let layer, let counts { layer.restoreCounts(cancelled: counts[0], seen: counts[1]) }
        }
        for (layer, encoded) in zip(network.weightLayers, epochStartSigns) {
            layer.latent.restoreEpochStartSigns(words: Self.decode(encoded) ?? [])
        }
    }

    static func encode(signs words: [UInt64]) -> String {
        var data = Data(capacity: words.count * 8)
        for w in words { withUnsafeBytes(of: w.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    static func decode(_ text: String) -> [UInt64]? {
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else { return nil }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 8).map { start in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * $1) }
        }
    }
}
