/// The shape of one image: height x width x channels, stored row-major with the
/// channels of a pixel next to each other (NHWC for a batch).
///
/// IDX image files are single-channel; the channel count is explicit so that
/// convolutional layers and colour datasets read it from here instead of assuming 1.
public struct ImageShape: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(height: Int, width: Int, channels: Int) {
        precondition(height >= 1 && width >= 1 && channels >= 1, "an image needs at least one pixel and one channel")
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// Values per image (the input width of a dense first layer).
    public var featureCount: Int { height * width * channels }

    /// "28x28" for one channel, "32x32x3" otherwise.
    public var description: String { channels == 1 ? "\(height)x\(width)" : "\(height)x\(width)x\(channels)" }
}
