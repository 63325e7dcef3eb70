import BNNEngine

/// A row of pictures with up to two caption lines under each: the layout the
/// misclassified images and the receptive fields share.
public struct PictureStrip: Sendable {
    public struct Item: Sendable {
        public var picture: PixelPicture
        public var captions: [TextSpan]
        public init(picture: PixelPicture, captions: [TextSpan]) { self.picture = picture; self.captions = captions }
    }

    public var items: [Item]
    public static let gap = 1
    public static let captionRows = 2

    public init(items: [Item]) { self.items = items }

    /// How many pictures `pictureWidth` wide fit in `width` columns.
    public static func capacity(width: Int, pictureWidth: Int) -> Int {
        pictureWidth > 0 ? Swift.max(0, (width + gap) / (pictureWidth + gap)) : 0
    }

    public func render(width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        var x = 0
        for item in items {
            let w = item.picture.width
            guard x + w <= width else { break }
            let picture = item.picture.render()
            grid.blit(picture, x: x, y: 0)
            for (i, caption) in item.captions.prefix(Self.captionRows).enumerated() {
                grid.putSpans([caption], x: x, y: picture.height + i, maxWidth: w)
            }
            x += w + Self.gap
        }
        return grid
    }
}
