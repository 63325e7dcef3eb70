import BNNData

/// Fuzz targets for `IDXReader`, the one place that parses IDX files.
///
/// `idx-images` and `idx-labels` hand the input to the reader as a file, as is:
/// plain IDX bytes, or gzip bytes when the input starts with 1f 8b (the corpus
/// holds both). Random mutations of gzip bytes mostly break deflate or the CRC,
/// so `idx-images-gz` and `idx-labels-gz` also compress the input themselves
/// (see `GzipInput`): mutations then change the IDX structure inside a valid
/// gzip stream, and the control byte damages the stream on purpose.
enum IDXTargets {
    static let images = FuzzTarget(
        name: "idx-images",
        summary: "the input as an IDX image file (plain, or gzip if it starts with 1f 8b) → IDXReader.readImages",
        maximumInputLength: 4096
    ) { input, scratch in
        readImages(scratch.write(input, to: "fuzz-images-idx3-ubyte"), expecting: input)
    }

    static let labels = FuzzTarget(
        name: "idx-labels",
        summary: "the input as an IDX label file (plain, or gzip if it starts with 1f 8b) → IDXReader.readLabels",
        maximumInputLength: 1024
    ) { input, scratch in
        readLabels(scratch.write(input, to: "fuzz-labels-idx1-ubyte"), expecting: input)
    }

    static let gzipImages = FuzzTarget(
        name: "idx-images-gz",
        summary: "control byte + IDX image bytes, gzip-compressed (and damaged as the control byte says) → IDXReader.readImages",
        maximumInputLength: 4096
    ) { input, scratch in
        GzipInput(input).run(scratch: scratch, name: "fuzz-images-idx3-ubyte") { path, plain in
            readImages(path, expecting: plain)
        }
    }

    static let gzipLabels = FuzzTarget(
        name: "idx-labels-gz",
        summary: "control byte + IDX label bytes, gzip-compressed (and damaged as the control byte says) → IDXReader.readLabels",
        maximumInputLength: 1024
    ) { input, scratch in
        GzipInput(input).run(scratch: scratch, name: "fuzz-labels-idx1-ubyte") { path, plain in
            readLabels(path, expecting: plain)
        }
    }

    // MARK: - Reading and judging

    /// Reads images at `path`; `plain` is the uncompressed file content when known,
    /// so a successful read can be checked byte for byte.
    static func readImages(_ path: String, expecting plain: UnsafeRawBufferPointer?) -> FuzzOutcome {
        let images: IDXReader.Images
        do throws(DatasetError) {
            images = try IDXReader.readImages(at: path)
        } catch {
            return .judging(error: error.description, file: path, loader: "IDXReader.readImages")
        }
        let limits = IDXLimits.standard
        guard images.count > 0, (1...limits.maximumSide).contains(images.rows),
              (1...limits.maximumSide).contains(images.cols),
              images.pixels.count == images.count * images.rows * images.cols,
              images.pixels.count <= limits.maximumPayloadBytes else {
            return .violation("readImages returned \(images.count) images of \(images.rows)x\(images.cols) with \(images.pixels.count) bytes")
        }
        if let plain {
            let header = [IDXFormat.imagesMagic, UInt32(images.count), UInt32(images.rows), UInt32(images.cols)]
            if let mismatch = compare(plain, header: header, payload: images.pixels) {
                return .violation("readImages accepted a file it misread: \(mismatch)")
            }
        }
        return .loaded("\(images.count) images of \(images.rows)x\(images.cols)")
    }

    /// Reads labels at `path`; `plain` as for `readImages`.
    static func readLabels(_ path: String, expecting plain: UnsafeRawBufferPointer?) -> FuzzOutcome {
        let labels: [UInt8]
        do throws(DatasetError) {
            labels = try IDXReader.readLabels(at: path)
        } catch {
            return .judging(error: error.description, file: path, loader: "IDXReader.readLabels")
        }
        guard !labels.isEmpty, labels.count <= IDXLimits.standard.maximumPayloadBytes else {
            return .violation("readLabels returned \(labels.count) labels")
        }
        if let plain, let mismatch = compare(plain, header: [IDXFormat.labelsMagic, UInt32(labels.count)], payload: labels) {
            return .violation("readLabels accepted a file it misread: \(mismatch)")
        }
        return .loaded("\(labels.count) labels")
    }

    /// Checks that `file` (uncompressed, unless it is itself gzip) is exactly the big-endian
    /// `header` words followed by `payload`; nil when it is, else what differs.
    static func compare(_ file: UnsafeRawBufferPointer, header: [UInt32], payload: [UInt8]) -> String? {
        if file.count >= 2, file[0] == IDXFormat.gzipMagic.0, file[1] == IDXFormat.gzipMagic.1 { return nil }
        let headerBytes = header.count * 4
        guard file.count == headerBytes + payload.count else {
            return "file has \(file.count) bytes, header \(header) and payload make \(headerBytes + payload.count)"
        }
        for (i, word) in header.enumerated() {
            let stored = UInt32(file[4 * i]) << 24 | UInt32(file[4 * i + 1]) << 16
                | UInt32(file[4 * i + 2]) << 8 | UInt32(file[4 * i + 3])
            if stored != word { return "header word \(i) is \(stored), reader returned \(word)" }
        }
        if !payload.elementsEqual(UnsafeRawBufferPointer(rebasing: file[headerBytes...])) {
            return "payload differs from the file's bytes"
        }
        return nil
    }
}
