/// Where a forked run came from: its parent, the epoch it branched at and
/// what changed, so the table can say `det→lr 1e-3 @12` and the chart can
/// draw the fork as a branch of its parent's line.
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
