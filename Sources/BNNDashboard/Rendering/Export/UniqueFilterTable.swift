import BNNEngine

/// One run's unique filters per binary convolution layer per epoch, as a table
/// for the text export (`e`, `bnn-tui plot`): a row per epoch, a column per
/// layer that has the figure, each cell the count of distinct 3×3 binary kernels
/// (a kernel and its negation as one) out of the most there can be, and the fraction.
///
/// This is the blog's observation (a 3×3 binary filter has only 512 values, so
/// filters repeat) measured epoch by epoch; the figures come from each epoch's
/// record (JSONL `unique_filters`). Dense layers and float runs have none.
public struct UniqueFilterTable: Sendable {
    public var snapshot: RunSnapshot
    public var glyphs: Glyphs

    public init(snapshot: RunSnapshot, glyphs: Glyphs) {
        self.snapshot = snapshot; self.glyphs = glyphs
    }

    /// The layers with a unique-filter figure in some epoch, in layer order.
    public var layers: [Int] {
        let counts = snapshot.history.map { $0.uniqueFilters ?? [] }
        let width = counts.map(\.count).max() ?? 0
        return (0..<width).filter { i in counts.contains { i < $0.count && $0[i] != nil } }
    }

    /// Whether the run has anything to show.
    public var isEmpty: Bool { layers.isEmpty }

    public func title() -> String {
        "Unique filters\(glyphs.separator)\(snapshot.name)\(glyphs.separator)"
            + "distinct 3\(glyphs.times)3 binary kernels (up to sign) per epoch"
    }

    /// Rows inside the panel: two header rows and one per epoch.
    public var idealHeight: Int { 2 + snapshot.history.count }

    static let epochWidth = 7

    /// "layer 1" over "3×3×1→32", and the most there can be (nil when the layer's shape is not known).
    private func header(_ i: Int) -> (name: String, shape: String, most: Int?) {
        guard i < snapshot.layers.count else { return ("layer \(i + 1)", "", nil) }
        let l = snapshot.layers[i]
        return ("layer \(i + 1)", l.shapeLabel(times: glyphs.times, arrow: glyphs.isASCII ? "->" : "\u{2192}"),
                l.uniqueFilterLimit)
    }

    /// "27/32 84%", or "27" when the most is not known, "-" without a figure.
    static func cell(_ unique: Int?, most: Int?) -> String {
        guard let unique else { return "-" }
        guard let most, most > 0 else { return String(unique) }
        return "\(unique)/\(most) \(Format.percent(Double(unique) / Double(most), decimals: 0))"
    }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let muted = CellStyle(color: .muted), bold = CellStyle(bold: true)
        let columns = layers.map { i in (i, header(i)) }
        let columnWidth = 2 + columns.map { Swift.max($0.1.name.count, $0.1.shape.unicodeScalars.count, 12) }.max()!
        grid.put(Format.pad("epoch", Self.epochWidth - 1, right: true), x: 0, y: 0, style: muted)
        for (k, column) in columns.enumerated() {
            let x = Self.epochWidth + k * columnWidth
            grid.put(Format.pad(column.1.name, columnWidth - 2, right: true), x: x, y: 0, style: bold)
            grid.put(Format.pad(column.1.shape, columnWidth - 2, right: true), x: x, y: 1, style: muted)
        }
        for (row, epoch) in snapshot.history.enumerated() where 2 + row < height {
            grid.put(Format.pad(String(epoch.epoch), Self.epochWidth - 1, right: true), x: 0, y: 2 + row, style: muted)
            let counts = epoch.uniqueFilters ?? []
            for (k, column) in columns.enumerated() {
                let unique = column.0 < counts.count ? counts[column.0] : nil
                grid.put(Format.pad(Self.cell(unique, most: column.1.most), columnWidth - 2, right: true),
                         x: Self.epochWidth + k * columnWidth, y: 2 + row)
            }
        }
        return grid
    }
}
