import BNNEngine
import Foundation

/// The error chart as a standalone SVG for papers (`bnn-tui plot --svg`):
/// validation error (solid) and test error (dashed) per epoch, one colour per
/// run, with axes, ticks, labels and a legend. The palette has eight colours: the
/// ninth run on (a 3 x 3 sweep has nine) also marks its validation points, with
/// circles, then squares, so that no two runs look alike.
public enum ErrorChartSVG {
    /// One colour per run (wrapping): distinct under common colour-vision deficiencies (Okabe–Ito).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// The point marker of the runs in palette cycle `cycle`: none for the first eight runs,
    /// a circle for the next eight, a square after that.
    static func marker(_ cycle: Int, x: Double, y: Double, colour: String) -> String {
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        switch cycle {
        case 0: return ""
        case 1: return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(colour)\"/>"
        default: return "<rect x=\"\(f(x - 3.5))\" y=\"\(f(y - 3.5))\" width=\"7\" height=\"7\" fill=\"\(colour)\"/>"
        }
    }

    public static func document(snapshots: [RunSnapshot], width: Int = 720, height: Int = 440) -> String {
        let left = 64.0, right = 170.0, top = 24.0, bottom = 48.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let epochs = snapshots.flatMap { $0.history.map(\.epoch) }
        let maxEpoch = Swift.max(1, epochs.max() ?? 1), minEpoch = Swift.min(maxEpoch, epochs.min() ?? 1)
        let errors = snapshots.flatMap { $0.history.flatMap { [$0.valError, $0.testError] } }.filter(\.isFinite)
        let yTop = niceCeiling(Swift.max(0.01, errors.max() ?? 1))
        let yLow = Swift.max(0, floor((errors.min() ?? 0) / (yTop / 5)) * (yTop / 5))
        func x(_ e: Int) -> Double {
            left + (maxEpoch == minEpoch ? plotW / 2 : Double(e - minEpoch) / Double(maxEpoch - minEpoch) * plotW)
        }
        func y(_ v: Double) -> Double { top + (1 - (v - yLow) / (yTop - yLow)) * plotH }
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <title>Error vs epoch</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>

        """
        // Axes, ticks, grid.
        out += "<g stroke=\"#333\" stroke-width=\"1\"><line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\"/></g>\n"
        for i in 0...5 {
            let v = yLow + (yTop - yLow) * Double(i) / 5
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(v)))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%.1f%%", v * 100))</text>\n"
        }
        for e in epochTicks(minEpoch, maxEpoch) {
            out += "<line x1=\"\(f(x(e)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x(e)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#333\"/>"
            out += "<text x=\"\(f(x(e)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(e)</text>\n"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 10)\" text-anchor=\"middle\">epoch</text>\n"
        out += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">error</text>\n"
        // Series and legend.
        for (r, s) in snapshots.enumerated() {
            let colour = palette[r % palette.count]
            for (series, dash) in [(\EpochMetrics.valError, ""), (\EpochMetrics.testError, " stroke-dasharray=\"5 4\"")] {
                let points = s.history.filter { $0[keyPath: series].isFinite }
                    .map { "\(f(x($0.epoch))),\(f(y($0[keyPath: series])))" }
                guard !points.isEmpty else { continue }
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
                if dash.isEmpty {
                    for e in s.history where e[keyPath: series].isFinite {
                        out += marker(r / palette.count, x: x(e.epoch), y: y(e[keyPath: series]), colour: colour)
                    }
                }
            }
            let ly = top + 14 + Double(r) * 18
            out += "<line x1=\"\(f(left + plotW + 16))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + plotW + 40))\" y2=\"\(f(ly - 4))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            out += marker(r / palette.count, x: left + plotW + 28, y: ly - 4, colour: colour)
            out += "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(ly))\">\(escaped(s.displayName()))</text>\n"
        }
        let ly = top + 14 + Double(snapshots.count) * 18 + 8
        out += "<text x=\"\(f(left + plotW + 16))\" y=\"\(f(ly))\" fill=\"#555\">solid: validation</text>\n"
        out += "<text x=\"\(f(left + plotW + 16))\" y=\"\(f(ly + 16))\" fill=\"#555\">dashed: test</text>\n"
        return out + "</svg>\n"
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// 1, 2, 2.5, 5 × 10^k at or above `v`.
    static func niceCeiling(_ v: Double) -> Double {
        let p = pow(10, floor(log10(v)))
        return [1, 2, 2.5, 5, 10].map { $0 * p }.first { $0 >= v - 1e-12 } ?? 10 * p
    }

    static func epochTicks(_ lo: Int, _ hi: Int) -> [Int] {
        let span = Swift.max(1, hi - lo)
        let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000].first { span / $0 <= 10 } ?? span
        return Array(stride(from: lo, through: hi, by: step))
    }

    /// Text safe inside an XML element.
    static func escaped(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
