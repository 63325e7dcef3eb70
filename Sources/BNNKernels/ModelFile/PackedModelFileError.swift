/// Why a packed model file could not be read or written; one line, naming the file.
public enum PackedModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file does not start with the packed-model magic bytes.
    case notAPackedModel(path: String)
    /// A packed model of a format version this build does not know.
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends before the length its header declares.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The stored CRC-32 does not match the contents: the file was corrupted.
    case checksumMismatch(path: String, stored: UInt32, computed: UInt32)
    /// The checksum matches but the contents are inconsistent.
    case malformed(path: String, reason: String)
    /// Writing the file (or renaming it into place) failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read model file '\(path)': \(reason)"
        case let .notAPackedModel(path):
            return "'\(path)' is not a bnn-tui packed model (bad magic bytes)"
        case let .unsupportedVersion(path, version):
            return "model file '\(path)' has format version \(version); this build reads versions \(PackedModelFormat.readableVersions.lowerBound)-\(PackedModelFormat.readableVersions.upperBound)"
        case let .truncated(path, expected, actual):
            // A short file and a damaged length field look the same from here.
            return expected > PackedModelFormat.fixedHeaderBytes && expected > 16 * actual
                ? "model file '\(path)' is corrupt: its header declares \(expected) bytes and it has \(actual)"
                : "model file '\(path)' is truncated: \(actual) of \(expected) bytes"
        case let .checksumMismatch(path, stored, computed):
            return "model file '\(path)' is corrupt: CRC-32 is \(hex(computed)), header says \(hex(stored))"
        case let .malformed(path, reason):
            return "model file '\(path)' is malformed: \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write model file '\(path)': \(reason)"
        }
    }
}

private func hex(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
