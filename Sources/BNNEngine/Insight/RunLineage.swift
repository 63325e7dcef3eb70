/// Where a forked run came from: its parent, the epoch it branched at and
/// what changed, so the table can say `det→lr 1e-3 @12` and the chart can
/// draw the fork as a branch of its parent's line.
///
/// It travels with the run: in its checkpoints (header key `parent`, format
/// version 2) so a resumed fork is still a fork, and in every metrics line the
/// fork writes (`parent`, see docs/metrics.md) so `plot` names the parent too.
/// Encoded as `{"run": "det", "epoch": 12, "lr": 0.001, "mode": "stoch"}`.
public struct RunLineage: Sendable, Equatable, Codable {
    public var parent: String
    /// Completed epochs of the parent when it was forked (the fork shares epochs 1 ... this).
    public var epoch: Int
    public var learningRate: Double
    /// Set when the fork switched binarization mode (det ↔ stoch).
    public var mode: BinarizationMode?

    public init(parent: String, epoch: Int, learningRate: Double, mode: BinarizationMode? = nil) {
        self.parent = parent; self.epoch = epoch; self.learningRate = learningRate; self.mode = mode
    }

    enum CodingKeys: String, CodingKey {
        case parent = "run", epoch, learningRate = "lr", mode
    }

    /// Why a stored lineage cannot be right for a run at epoch `epoch` (nil when it can): a
    /// parent needs a name of 1-200 characters, a fork epoch within 0 ... `epoch` and a
    /// positive finite rate.
    public func problem(atEpoch epoch: Int) -> String? {
        guard (1...200).contains(parent.count) else { return "the parent's name must be 1-200 characters" }
        guard (0...Swift.max(0, epoch)).contains(self.epoch) else {
            return "forked at epoch \(self.epoch), not within 0-\(epoch)"
        }
        guard learningRate.isFinite, learningRate > 0 else { return "the fork's learning rate is not positive and finite" }
        return nil
    }

    /// `det→lr 1e-3 @12`, or `det→stoch lr 1e-3 @12` with a mode switch (`->` in ASCII).
    public func label(ascii: Bool = false) -> String {
        let arrow = ascii ? "->" : "\u{2192}"
        let mode = self.mode.map { "\($0.rawValue) " } ?? ""
        return "\(parent)\(arrow)\(mode)lr \(Self.shortRate(learningRate)) @\(epoch)"
    }

    /// 1e-3, 3e-4, 0.01 → "1e-3", "3e-4", "1e-2": one significant digit where it is exact, else three.
    static func shortRate(_ x: Double) -> String {
        let exponent = Int(floor(log10(x)))
        let mantissa = x / pow(10, Double(exponent))
        let m = abs(mantissa - mantissa.rounded()) < 1e-9 ? String(Int(mantissa.rounded()))
                                                          : String(format: "%.2f", mantissa)
        return "\(m)e\(exponent)"
    }
}

import Foundation
