/// The one place that parses IDX files: header, dimensions, payload, and every check.
///
/// Both plain and gzip files go through the same code. The reader never trusts the
/// header with memory: it first checks the sizes against `IDXLimits`; for a plain
/// file it compares them with the file size before allocating; for a gzip file it
/// reserves at most a guess from the compressed size and grows only as data really
/// arrives. Data after the promised records is an error (`trailingData`): an IDX
/// file with more bytes than its header declares was cut or stitched wrongly.
public enum IDXReader {
    /// The images of an IDX image file (magic 0x00000803), row-major, one byte per pixel.
    public struct Images: Equatable, Sendable {
        public let count: Int
        public let rows: Int
        public let cols: Int
        /// `count * rows * cols` bytes: image `i` is `pixels[i*rows*cols ..< (i+1)*rows*cols]`.
        public let pixels: [UInt8]
    }

    /// Reads an IDX image file (plain or gzip).
    public static func readImages(at path: String, limits: IDXLimits = .standard) throws(DatasetError) -> Images {
        let stream = try ByteStreams.open(path)
        let dims = try readHeader(stream, expectedMagic: IDXFormat.imagesMagic)
        let (count, rows, cols) = (dims[0], dims[1], dims[2])
        guard count > 0 else { throw .badDimensions(file: path, detail: "the header declares 0 images") }
        for (name, side) in [("rows", rows), ("columns", cols)] where side < 1 || side > limits.maximumSide {
            throw .badDimensions(file: path, detail: "\(side) \(name) per image (allowed: 1...\(limits.maximumSide))")
        }
        let record = IDXRecord.image(rows: rows, cols: cols)
        let pixels = try readPayload(stream, count: count, record: record, limits: limits)
        return Images(count: count, rows: rows, cols: cols, pixels: pixels)
    }

    /// Reads an IDX label file (plain or gzip). Label values are returned as stored;
    /// `LabeledImages` checks them against the class count.
    public static func readLabels(at path: String, limits: IDXLimits = .standard) throws(DatasetError) -> [UInt8] {
        let stream = try ByteStreams.open(path)
        let dims = try readHeader(stream, expectedMagic: IDXFormat.labelsMagic)
        guard dims[0] > 0 else { throw .badDimensions(file: path, detail: "the header declares 0 labels") }
        return try readPayload(stream, count: dims[0], record: .label, limits: limits)
    }

    // MARK: - Header

    /// Reads and checks the magic number, then returns the dimension sizes it announces.
    static func readHeader(_ stream: any ByteStream, expectedMagic: UInt32) throws(DatasetError) -> [Int] {
        let dimensionCount = Int(expectedMagic & 0xFF)
        let headerSize = 4 + 4 * dimensionCount
        var header = [UInt8](repeating: 0, count: headerSize)

        let magicBytes = try stream.read(into: &header, range: 0..<4)
        guard magicBytes == 4 else {
            throw .truncatedHeader(file: stream.path, bytesRead: magicBytes, headerSize: headerSize)
        }
        let magic = bigEndianWord(header, at: 0)
        guard magic == expectedMagic else {
            throw .wrongMagic(file: stream.path, found: magic, expected: expectedMagic)
        }
        let sizeBytes = try stream.read(into: &header, range: 4..<headerSize)
        guard sizeBytes == headerSize - 4 else {
            throw .truncatedHeader(file: stream.path, bytesRead: 4 + sizeBytes, headerSize: headerSize)
        }
        return (0..<dimensionCount).map { Int(bigEndianWord(header, at: 4 + 4 * $0)) }
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    // MARK: - Payload

    /// Reads exactly `count` records after the header, then makes sure nothing follows.
    static func readPayload(
        _ stream: any ByteStream, count: Int, record: IDXRecord, limits: IDXLimits
    ) throws(DatasetError) -> [UInt8] {
        let path = stream.path
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: record.byteCount)
        guard !overflow, byteCount <= limits.maximumPayloadBytes else {
            throw .tooLarge(file: path, promised: count, record: record, limit: limits.maximumPayloadBytes)
        }
        // A plain file tells its size: judge the header before allocating anything.
        if let remaining = stream.remainingByteCount {
            if remaining < byteCount {
                throw .truncated(file: path, promised: count, complete: remaining / record.byteCount, record: record)
            }
            if remaining > byteCount {
                throw .trailingData(file: path, promised: count, record: record)
            }
        }

        // Reserve what the file can plausibly hold; grow (doubling) only as data arrives.
        var capacity = min(byteCount, max(1 << 20, stream.sizeHint ?? 0))
        var data = [UInt8]()
        var failure: DatasetError?
        while failure == nil {
            let previous = data
            data = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                let base = UnsafeMutableRawBufferPointer(buffer)
                previous.withUnsafeBytes { base.copyMemory(from: $0) }
                do throws(DatasetError) {
                    let rest = UnsafeMutableRawBufferPointer(rebasing: base[previous.count...])
                    initialized = previous.count + (try stream.read(into: rest))
                } catch {
                    initialized = previous.count
                    failure = error
                }
            }
            if data.count < capacity || capacity == byteCount { break }
            capacity = min(byteCount, capacity * 2)
        }
        if let failure { throw failure }
        guard data.count == byteCount else {
            throw .truncated(file: path, promised: count, complete: data.count / record.byteCount, record: record)
        }

        // Nothing may follow the promised records; reading on also checks gzip's CRC.
        var probe: [UInt8] = [0]
        let extra = try stream.read(into: &probe, range: 0..<1)
        if extra > 0 { throw .trailingData(file: path, promised: count, record: record) }
        if stream.endedUnexpectedly {
            throw .corruptCompressedData(file: path, detail: "unexpected end of file (the gzip trailer is missing)")
        }
        return data
    }
}
