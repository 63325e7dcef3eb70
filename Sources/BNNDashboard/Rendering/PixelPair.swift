/// The two grey pixels one picture cell shows, top and bottom (0 black ... 255 white).
///
/// A grey picture cell carries them beside its scalar: a terminal with colours
/// draws the cell as `▀` in the top pixel's grey on the bottom pixel's grey (two
/// pixels per cell, as issue 15 asks), while the scalar is the cell's look
/// without colour (a `░▒▓█` shade of the two pixels' mean), which `NO_COLOR`,
/// monochrome terminals and the text export show.
public struct PixelPair: Sendable, Hashable {
    public var top: UInt8
    public var bottom: UInt8

    public init(top: UInt8, bottom: UInt8) { self.top = top; self.bottom = bottom }
}
