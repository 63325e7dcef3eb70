import BNNEngine

/// Every run's per-epoch metrics as one CSV table (RFC 4180), one row per run
/// and epoch, for spreadsheets and plotting scripts (`bnn-tui plot --csv`).
public enum MetricsCSV {
    public static let columns = ["run", "mode", "arch", "epoch", "train_loss", "train_error", "val_loss", "val_error",
                                 "test_loss", "test_error", "lr", "epoch_seconds", "samples_per_second", "rss_mb"]

    /// The table with a header row; numbers in full precision ("nan"/"inf" as the JSONL spells them).
    public static func document(snapshots: [RunSnapshot]) -> String {
        var lines = [columns.joined(separator: ",")]
        for s in snapshots {
            for m in s.history {
                let numbers = [m.trainLoss, m.trainError, m.valLoss, m.valError, m.testLoss, m.testError, m.lr,
                               m.epochSeconds, m.samplesPerSecond, m.rssMB].map(number)
                lines.append(([quoted(s.name), quoted(m.mode), quoted(m.arch), String(m.epoch)] + numbers)
                    .joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String {
        x.isNaN ? "nan" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : "\(x)"
    }

    /// A field quoted when it holds a comma, a quote or a line break.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation
