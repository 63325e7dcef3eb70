import BNNEngine

/// One page of the test images a run gets most confidently wrong, as
/// pictures captioned with the true and the predicted class and the margin.
/// `n` / `N` page through them (`page` counts from 0 and wraps).
public struct MisclassifiedStrip: Sendable {
    public var insight: RunInsight?
    public var classNames: [String]
    public var page: Int
    public var ascii: Bool
    /// Set where the pictures do not fit (a short terminal): the images as lines of text,
    /// this many to a page.
    public var listRows: Int?

    public init(insight: RunInsight?, classNames: [String], page: Int, ascii: Bool) {
        self.insight = insight; self.classNames = classNames; self.page = page; self.ascii = ascii
    }

    /// Rows the strip takes inside: the pictures and two caption lines.
    public func idealHeight() -> Int { (Swift.max(insight?.imageHeight ?? 28, 2) + 1) / 2 + PictureStrip.captionRows }

    /// Pictures per page at `width`, the page shown (wrapped) and the page count.
    public func paging(width: Int) -> (perPage: Int, page: Int, pages: Int) {
        // Without pictures (read back from a metrics file) each image is one line of the strip.
        let listed = listRows != nil || (insight.map { $0.misclassifiedPixels.isEmpty } ?? false)
        let perPage = Swift.max(1, listed ? (listRows ?? idealHeight()) : PictureStrip.capacity(width: width, pictureWidth: insight?.imageWidth ?? 28))
        let count = insight?.misclassified.count ?? 0
        let pages = Swift.max(1, (count + perPage - 1) / perPage)
        return (perPage, ((page % pages) + pages) % pages, pages)
    }

    /// "page 2/8" for the title.
    public func pageLabel(width: Int) -> String {
        let p = paging(width: width)
        return "page \(p.page + 1)/\(p.pages)"
    }

    private func name(_ i: Int) -> String { i < classNames.count ? classNames[i] : String(i) }

    public func render(width: Int, height: Int) -> CellGrid {
        guard let insight, !insight.misclassified.isEmpty else {
            var grid = CellGrid(width: width, height: height)
            grid.putCentered("no misclassified test images yet", x: 0, width: width, y: height / 2, style: CellStyle(color: .muted))
            return grid
        }
        let p = paging(width: width)
        let shown = insight.misclassified.indices.dropFirst(p.page * p.perPage).prefix(p.perPage)
        let arrow = ascii ? ">" : "\u{2192}"
        let items: [PictureStrip.Item] = shown.map { i in
            let m = insight.misclassified[i]
            let pixels = i < insight.misclassifiedPixels.count ? insight.misclassifiedPixels[i]
                : [UInt8](repeating: 0, count: insight.imageWidth * insight.imageHeight)
            return PictureStrip.Item(
                picture: PixelPicture(pixels: pixels, width: insight.imageWidth, height: insight.imageHeight, ascii: ascii),
                captions: [TextSpan("\(name(m.label))\(arrow)\(name(m.predicted))", style: CellStyle(color: .warning, bold: true)),
                           TextSpan("#\(m.index) m \(Format.fixed(m.margin, decimals: 2))", style: CellStyle(color: .muted))])
        }
        if insight.misclassifiedPixels.isEmpty || listRows != nil {
            // Read back from a metrics file without the data set, or too short for pictures: a list.
            var grid = CellGrid(width: width, height: height)
            for (row, i) in shown.enumerated() where row < height {
                let m = insight.misclassified[i]
                grid.put("#\(m.index)  true \(name(m.label))  predicted \(name(m.predicted))  margin \(Format.fixed(m.margin, decimals: 2))",
                         x: 0, y: row)
            }
            return grid
        }
        return PictureStrip(items: items).render(width: width, height: height)
    }
}
