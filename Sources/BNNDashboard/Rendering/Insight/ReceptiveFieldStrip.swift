import BNNEngine

/// A few first-layer neurons' binary weights as black-and-white pictures
/// (white +1, black -1), chosen by the engine to differ from one another.
public struct ReceptiveFieldStrip: Sendable {
    public var fields: [ReceptiveField]
    public var ascii: Bool
    public var style: CellStyle

    public init(fields: [ReceptiveField], ascii: Bool, style: CellStyle = .plain) {
        self.fields = fields; self.ascii = ascii; self.style = style
    }

    public func idealHeight() -> Int { ((fields.first?.height ?? 28) + 1) / 2 + PictureStrip.captionRows }

    public func render(width: Int, height: Int) -> CellGrid {
        guard !fields.isEmpty else {
            var grid = CellGrid(width: width, height: height)
            grid.putCentered("no image-shaped first layer", x: 0, width: width, y: height / 2, style: CellStyle(color: .muted))
            return grid
        }
        let items = fields.map { f in
            PictureStrip.Item(picture: PixelPicture(signs: f.positive, width: f.width, height: f.height, ascii: ascii, style: style),
                              captions: [TextSpan("neuron \(f.neuron)", style: CellStyle(bold: true)),
                                         TextSpan("+1 on \(Format.percent(f.positiveFraction, decimals: 0))", style: CellStyle(color: .muted))])
        }
        return PictureStrip(items: items).render(width: width, height: height)
    }
}
