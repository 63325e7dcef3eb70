/// Everything that can go wrong while finding, reading or splitting a dataset.
///
/// Bad input must never crash bnn-tui: every failure of the data layer is one of
/// these cases, and `description` is a single line that starts with the file or
/// value at fault and says what is wrong, ready for the CLI to print as is, e.g.
/// `t10k-images-idx3-ubyte.gz: truncated: header promises 10000 images of 28x28 but the data ends after 4123`.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    // MARK: Opening and reading files
    /// The file could not be opened (missing, permission denied, …); `reason` is the system's.
    case cannotOpen(file: String, reason: String)
    /// The path exists but is not a regular file (a directory, a device, …).
    case notARegularFile(file: String)
    /// A read failed at the operating-system level.
    case readFailed(file: String, reason: String)
    /// The gzip stream is damaged (bad deflate data, CRC mismatch, cut inside its trailer); `detail` is zlib's.
    case corruptCompressedData(file: String, detail: String)

    // MARK: IDX structure
    /// The first four bytes are not the IDX magic number this file should have.
    case wrongMagic(file: String, found: UInt32, expected: UInt32)
    /// The file ends inside its IDX header.
    case truncatedHeader(file: String, bytesRead: Int, headerSize: Int)
    /// The header's dimensions are impossible (zero, or beyond `IDXLimits`).
    case badDimensions(file: String, detail: String)
    /// The header promises more data than `IDXLimits.maximumPayloadBytes` allows (checked before reading).
    case tooLarge(file: String, promised: Int, record: IDXRecord, limit: Int)
    /// The data ends before the last record the header promises; `complete` whole records were present.
    case truncated(file: String, promised: Int, complete: Int, record: IDXRecord)
    /// The file holds more data after the records its header promises.
    case trailingData(file: String, promised: Int, record: IDXRecord)

    // MARK: Dataset consistency
    /// A label is not a class index in `0..<classCount`.
    case labelOutOfRange(file: String, index: Int, value: UInt8, classCount: Int)
    /// The image file and the label file hold different numbers of records.
    case countMismatch(imagesFile: String, imageCount: Int, labelsFile: String, labelCount: Int)
    /// Two image files (training and test) have different image sizes.
    case shapeMismatch(file: String, rows: Int, cols: Int, expectedRows: Int, expectedCols: Int)

    // MARK: Discovery
    /// A directory named explicitly (by `--data` or `BNN_DATA`) does not exist or is not a directory.
    case directoryNotFound(path: String, origin: DatasetOrigin)
    /// A directory named explicitly lacks some of the four IDX files (or cannot read them).
    case missingFiles(directory: String, origin: DatasetOrigin, missing: [String])
    /// No full dataset was found and the embedded subset is not where it should be.
    case embeddedSubsetMissing(dataset: String, searched: [String])
    /// A dataset without an embedded subset is in none of the places looked at
    /// (`searched`, as a readable list); `skipped` are incomplete directories.
    case datasetNotFound(dataset: String, searched: String, skipped: [String])

    // MARK: Splits and batches
    /// A numeric option (`trainLimit`, `evalLimit`, batch size, …) is out of range.
    case invalidOption(name: String, value: Int, requirement: String)
    /// A file has too few images to make the requested split.
    case notEnoughImages(what: String, available: Int, needed: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason):
            return "\(file): cannot open: \(reason)"
        case let .notARegularFile(file):
            return "\(file): not a regular file"
        case let .readFailed(file, reason):
            return "\(file): read failed: \(reason)"
        case let .corruptCompressedData(file, detail):
            return "\(file): damaged gzip data: \(detail)"
        case let .wrongMagic(file, found, expected):
            var line = "\(file): wrong magic number \(hex(found)), expected \(hex(expected))"
            if let kind = IDXFormat.describe(magic: found) { line += " (this looks like \(kind))" }
            return line
        case let .truncatedHeader(file, bytesRead, headerSize):
            return "\(file): truncated: the file ends after \(bytesRead) bytes, inside its \(headerSize)-byte IDX header"
        case let .badDimensions(file, detail):
            return "\(file): bad dimensions: \(detail)"
        case let .tooLarge(file, promised, record, limit):
            let (bytes, overflow) = promised.multipliedReportingOverflow(by: record.byteCount)
            let size = overflow ? "" : " (\(bytes) bytes)"
            return "\(file): too large: header promises \(promised) \(record.pluralDescription)\(size), over the \(limit)-byte limit"
        case let .truncated(file, promised, complete, record):
            return "\(file): truncated: header promises \(promised) \(record.pluralDescription) but the data ends after \(complete)"
        case let .trailingData(file, promised, record):
            return "\(file): unexpected data after the \(promised) \(record.pluralDescription) the header promises"
        case let .labelOutOfRange(file, index, value, classCount):
            return "\(file): label \(value) at index \(index) is not a class in 0...\(classCount - 1)"
        case let .countMismatch(imagesFile, imageCount, labelsFile, labelCount):
            return "\(imagesFile): holds \(imageCount) images but \(labelsFile) holds \(labelCount) labels"
        case let .shapeMismatch(file, rows, cols, expectedRows, expectedCols):
            return "\(file): images are \(rows)x\(cols) but the other file's are \(expectedRows)x\(expectedCols)"
        case let .directoryNotFound(path, origin):
            return "\(path): data directory (from \(origin.flag)) does not exist or is not a directory"
        case let .missingFiles(directory, origin, missing):
            return "\(directory): data directory (from \(origin.flag)) lacks \(missing.joined(separator: ", ")) (plain or .gz, readable)"
        case let .embeddedSubsetMissing(dataset, searched):
            return "embedded \(dataset) subset not found (looked in \(searched.joined(separator: ", "))); pass --data DIR"
        case let .datasetNotFound(dataset, searched, skipped):
            let skippedText = skipped.isEmpty ? "" : " (skipped: \(skipped.joined(separator: "; ")))"
            return "no \(dataset) found (\(searched))\(skippedText); pass --data DIR with its four IDX files"
        case let .invalidOption(name, value, requirement):
            return "\(name) \(value): must be \(requirement)"
        case let .notEnoughImages(what, available, needed):
            return "\(what): \(available) images available, \(needed) needed"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
