import BNNSupport
import BNNEngine
import Foundation

/// The human-readable lines `train` prints: one per epoch, and a live
/// progress line while an epoch runs (on a terminal only).
enum EpochLine {
    static func percent(_ x: Double) -> String { String(format: "%6.2f%%", x * 100) }

    static func line(_ m: EpochMetrics, totalEpochs: Int) -> String {
        let width = String(totalEpochs).count
        let epoch = String(m.epoch).leftPadded(to: width)
        return "epoch \(epoch)/\(totalEpochs)  loss \(String(format: "%.4f", m.trainLoss))  "
            + "train \(percent(m.trainError))  val \(percent(m.valError))  test \(percent(m.testError))  "
            + "lr \(String(format: "%.2e", m.lr))  \(String(format: "%6.2f", m.epochSeconds)) s  "
            + "\(String(format: "%7.0f", m.samplesPerSecond)) img/s  \(String(format: "%5.0f", m.rssMB)) MB"
    }

    /// Whether the progress bar may use block characters (a UTF-8 locale).
    static let unicodeBar = LocaleCharset.environmentIsUTF8()

    static func progress(_ s: RunSnapshot, width: Int = 30) -> String {
        let fraction = s.epochProgress
        let filled = Int((fraction * Double(width)).rounded(.down))
        let (full, empty) = unicodeBar ? ("█", "░") : ("#", "-")
        let bar = String(repeating: full, count: filled) + String(repeating: empty, count: width - filled)
        let loss = s.partialTrainLoss.map { String(format: "loss %.4f", $0) } ?? ""
        let error = s.partialTrainError.map { "train " + percent($0) } ?? ""
        return "epoch \(s.epoch + 1)/\(s.totalEpochs) \(bar) \(String(format: "%3.0f", fraction * 100))%  \(loss)  \(error)"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
