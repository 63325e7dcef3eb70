/// The facts of the IDX file format (LeCun's MNIST format) in one place.
///
/// An IDX file is a big-endian header — magic number `0x0000 08 NN` where `08`
/// means unsigned bytes and `NN` the number of dimensions, then one 32-bit size
/// per dimension — followed by the data, row-major. Images use 3 dimensions
/// (count, rows, columns; magic 0x00000803), labels 1 (count; magic 0x00000801).
public enum IDXFormat {
    /// Magic number of an image file: unsigned bytes, 3 dimensions.
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of a label file: unsigned bytes, 1 dimension.
    public static let labelsMagic: UInt32 = 0x0000_0801
    /// The first two bytes of every gzip stream.
    public static let gzipMagic: (UInt8, UInt8) = (0x1F, 0x8B)

    /// A short name for a magic number we recognise, for error messages.
    static func describe(magic: UInt32) -> String? {
        switch magic {
        case imagesMagic: return "an IDX image file"
        case labelsMagic: return "an IDX label file"
        case 0x1F8B_0000...0x1F8B_FFFF: return "gzip data"
        default:
            guard magic >> 16 == 0 else { return nil }
            let elementType = (magic >> 8) & 0xFF
            let dimensions = magic & 0xFF
            if elementType == 0x08 { return "an IDX byte file with \(dimensions) dimensions" }
            if [0x09, 0x0B, 0x0C, 0x0D, 0x0E].contains(elementType) { return "an IDX file of non-byte elements" }
            return nil
        }
    }
}

/// What one record of an IDX file is, so messages can say "10000 images of 28x28".
public enum IDXRecord: Equatable, Sendable {
    /// One image of `rows` x `cols` unsigned-byte pixels.
    case image(rows: Int, cols: Int)
    /// One unsigned-byte label.
    case label

    /// Bytes per record.
    public var byteCount: Int {
        switch self {
        case let .image(rows, cols): return rows * cols
        case .label: return 1
        }
    }

    /// "images of 28x28" or "labels".
    public var pluralDescription: String {
        switch self {
        case let .image(rows, cols): return "images of \(rows)x\(cols)"
        case .label: return "labels"
        }
    }
}

/// Sanity limits on IDX headers, so a hostile or corrupt header cannot make the
/// reader allocate or decompress absurd amounts of memory.
///
/// The defaults allow 256 MiB of pixel data (five times a 60,000-image 28x28
/// training file) and images up to 1024 pixels on a side.
public struct IDXLimits: Equatable, Sendable {
    /// Most bytes of data (after the header) a file may promise.
    public var maximumPayloadBytes: Int
    /// Largest number of rows or columns an image may have.
    public var maximumSide: Int

    public init(maximumPayloadBytes: Int = 256 << 20, maximumSide: Int = 1024) {
        self.maximumPayloadBytes = maximumPayloadBytes
        self.maximumSide = maximumSide
    }

    /// The default limits.
    public static let standard = IDXLimits()
}
