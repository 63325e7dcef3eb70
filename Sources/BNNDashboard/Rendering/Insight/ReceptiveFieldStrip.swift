import BNNEngine

/// A few first-layer units' binary weights as black-and-white pictures, chosen
/// by the engine to differ from one another: an MLP's neurons as image-sized
/// pictures (white +1, black -1) in a row, a ConvNet's first-convolution 3×3
/// filters as tiny `FilterPicture`s, several rows of them, under a line with
/// the layer's unique-filter count.
public struct ReceptiveFieldStrip: Sendable {
    public var fields: [ReceptiveField]
    public var ascii: Bool
    public var style: CellStyle
    /// The first weight layer's statistics (its shape and unique-filter count), if known.
    public var layer: LayerStatistics?
    /// Rows of one filter with its caption.
    static let filterCaptionRows = 1

    public init(fields: [ReceptiveField], ascii: Bool, style: CellStyle = .plain, layer: LayerStatistics? = nil) {
        self.fields = fields; self.ascii = ascii; self.style = style; self.layer = layer
    }

    /// Why there are no fields: the first layer is not image-shaped, or it is and the run was
    /// read from its metrics (watch, attach, plot), which carry no weights.
    var emptyReason: String {
        guard let layer else { return "no image-shaped first layer" }
        let side = Int(Double(layer.inputs).squareRoot().rounded())
        let imageShaped = layer.kernelSize != nil || (side * side == layer.inputs && side > 1)
        return imageShaped ? "not recorded: only the dashboard that trains the run has its weights"
                           : "no image-shaped first layer"
    }

    /// Whether the fields are a convolution's filters.
    public var showsFilters: Bool { fields.first?.isFilter ?? false }

    /// Rows the strip wants at `width` columns (filters wrap into rows; neurons take one).
    public func idealHeight(width: Int = 80) -> Int {
        guard showsFilters else { return ((fields.first?.height ?? 28) + 1) / 2 + PictureStrip.captionRows }
        let perRow = filtersPerRow(width: width)
        return 1 + (fields.count + perRow - 1) / perRow * filterRowHeight
    }

    public func render(width: Int, height: Int) -> CellGrid {
        guard !fields.isEmpty else {
            var grid = CellGrid(width: width, height: height)
            grid.putCentered(emptyReason, x: 0, width: width, y: height / 2, style: CellStyle(color: .muted))
            return grid
        }
        if showsFilters { return renderFilters(width: width, height: height) }
        let items = fields.map { f in
            PictureStrip.Item(picture: PixelPicture(signs: f.positive, width: f.width, height: f.height, ascii: ascii, style: style),
                              captions: [TextSpan("neuron \(f.neuron)", style: CellStyle(bold: true)),
                                         TextSpan("+1 on \(Format.percent(f.positiveFraction, decimals: 0))", style: CellStyle(color: .muted))])
        }
        return PictureStrip(items: items).render(width: width, height: height)
    }

    // MARK: - Filters

    private var filterWidth: Int { (fields.first?.width ?? 3) * FilterPicture.tapWidth }
    private var filterRowHeight: Int { (fields.first?.height ?? 3) + Self.filterCaptionRows }

    private func filtersPerRow(width: Int) -> Int {
        Swift.max(1, PictureStrip.capacity(width: width, pictureWidth: filterWidth))
    }

    /// "#12" for filter 12 of a grey image, "#12.1" for its kernel on input channel 1 of several.
    static func filterLabel(_ f: ReceptiveField, inputChannels: Int) -> String {
        inputChannels > 1 ? "#\(f.neuron).\(f.inputChannel ?? 0)" : "#\(f.neuron)"
    }

    /// The summary line: the layer's unique filters (as the weight panel counts them) and how many are shown.
    func filterSummary(shown: Int) -> [TextSpan] {
        let muted = CellStyle(color: .muted)
        var spans: [TextSpan] = []
        if let layer, let unique = layer.uniqueFilters, let most = layer.uniqueFilterLimit {
            let fraction = most > 0 ? Double(unique) / Double(most) : 0
            spans += [TextSpan("unique ", style: muted), TextSpan("\(unique)/\(most)", style: CellStyle(bold: true)),
                      TextSpan(" (\(Format.percent(fraction, decimals: 0)))", style: muted)]
        }
        let sep = spans.isEmpty ? "" : (ascii ? " | " : " \u{00B7} ")
        let kernels = layer?.filterCount.map { " of \($0)" } ?? ""
        spans.append(TextSpan("\(sep)\(shown) shown\(kernels), most different first", style: muted))
        return spans
    }

    private func renderFilters(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        let perRow = filtersPerRow(width: width)
        let rows = Swift.max(0, (height - 1) / filterRowHeight)
        let shown = Swift.min(fields.count, perRow * rows)
        grid.putSpans(filterSummary(shown: shown), x: 0, y: 0, maxWidth: width)
        let inputChannels = layer?.kernelSize != nil ? (layer?.inputs ?? 1) : 1
        for (i, f) in fields.prefix(shown).enumerated() {
            let x = (i % perRow) * (filterWidth + PictureStrip.gap), y = 1 + (i / perRow) * filterRowHeight
            let picture = FilterPicture(field: f, ascii: ascii, style: style)
            grid.blit(picture.render(), x: x, y: y)
            grid.put(Self.filterLabel(f, inputChannels: inputChannels), x: x, y: y + picture.height,
                     style: CellStyle(bold: true), maxWidth: filterWidth)
        }
        return grid
    }
}
