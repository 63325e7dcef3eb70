/// A run of consecutive cells on one row that must be written to the terminal.
public struct FrameSpan: Sendable, Equatable {
    public var row: Int
    public var column: Int
    public var length: Int

    public init(row: Int, column: Int, length: Int) {
        self.row = row; self.column = column; self.length = length
    }
}

/// Which cells changed between two frames.
///
/// Writing only the changed cells keeps a 20 fps dashboard from repainting
/// 7,680 cells a frame and from flickering; the diff is pure so it is tested
/// without a terminal.
public enum FrameDiff {
    /// The spans of `current` that differ from `previous`, clipped to
    /// `width` x `height` (the terminal's size), row by row, left to right.
    ///
    /// With no previous frame, or one of another size, every row is one span:
    /// the whole visible frame is written.
    public static func changedSpans(previous: CellGrid?, current: CellGrid, width: Int, height: Int) -> [FrameSpan] {
        let rows = max(0, min(height, current.height))
        let columns = max(0, min(width, current.width))
        guard columns > 0 else { return [] }
        guard let previous, previous.width == current.width, previous.height == current.height else {
            return (0..<rows).map { FrameSpan(row: $0, column: 0, length: columns) }
        }
        var spans: [FrameSpan] = []
        previous.cells.withUnsafeBufferPointer { old in
            current.cells.withUnsafeBufferPointer { new in
                for y in 0..<rows {
                    let base = y * current.width
                    var x = 0
                    while x < columns {
                        if old[base + x] == new[base + x] { x += 1; continue }
                        let start = x
                        while x < columns && old[base + x] != new[base + x] { x += 1 }
                        spans.append(FrameSpan(row: y, column: start, length: x - start))
                    }
                }
            }
        }
        return spans
    }
}
