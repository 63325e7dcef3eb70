import Dispatch

/// One task's share of an m x n output: a band of rows or a band of columns.
public struct WorkPart: Sendable, Equatable {
    public var rows: Range<Int>
    public var columns: Range<Int>

    public init(rows: Range<Int>, columns: Range<Int>) {
        self.rows = rows
        self.columns = columns
    }
}

/// Splits an m x n product into at most `parts` tasks and runs them in parallel.
///
/// Rows are split when there are enough of them (bands aligned to the kernels'
/// 4-row tiles); otherwise columns are split in multiples of 64, so that a task
/// that also packs its outputs into 64-bit words never shares a word with another.
/// Boundaries depend only on the sizes and the part count, never on scheduling.
public enum WorkPartition {
    public static let rowAlignment = 4
    public static let columnAlignment = 64

    public static func split(m: Int, n: Int, parts requested: Int) -> [WorkPart] {
        let all = [WorkPart(rows: 0..<m, columns: 0..<n)]
        guard requested > 1, m > 0, n > 0 else { return all }
        if m >= requested * rowAlignment * 2 {
            return bands(count: m, parts: requested, alignment: rowAlignment).map { WorkPart(rows: $0, columns: 0..<n) }
        }
        if n >= requested * columnAlignment {
            return bands(count: n, parts: requested, alignment: columnAlignment).map { WorkPart(rows: 0..<m, columns: $0) }
        }
        return all
    }

    /// `parts` contiguous ranges covering 0..<count, each a multiple of `alignment` but the last.
    public static func bands(count: Int, parts: Int, alignment: Int) -> [Range<Int>] {
        let units = (count + alignment - 1) / alignment
        let n = min(parts, units)
        var ranges: [Range<Int>] = []
        var start = 0
        for p in 0..<n {
            let endUnit = units * (p + 1) / n
            let end = min(count, endUnit * alignment)
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }

    /// Runs `body` for every part, in parallel when there is more than one.
    public static func run(_ parts: [WorkPart], _ body: @Sendable (WorkPart) -> Void) {
        if parts.count == 1 {
            body(parts[0])
        } else {
            ForkJoin.run(iterations: parts.count) { body(parts[$0]) }
        }
    }
}
