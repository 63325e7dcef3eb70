import CZlib
import BNNSupport

/// A gzip-compressed file decompressed on the fly with zlib's `gzread`.
///
/// Its uncompressed size is unknown until the end, so the IDX reader reads it
/// incrementally. Reading to the end also makes zlib check the CRC-32 trailer.
final class GzipFileStream: ByteStream {
    let path: String
    private let file: gzFile
    private let compressedSize: Int
    private(set) var endedUnexpectedly = false

    /// Takes ownership of `fd` (closed by `gzclose`, or here if zlib refuses it).
    init(path: String, fd: Int32, compressedSize: Int) throws(DatasetError) {
        guard let file = gzdopen(fd, "rb") else {
            close(fd)
            throw .cannotOpen(file: path, reason: "zlib could not open the gzip stream")
        }
        gzbuffer(file, 1 << 18)
        self.path = path
        self.file = file
        self.compressedSize = compressedSize
    }

    deinit { gzclose(file) }

    var remainingByteCount: Int? { nil }
    /// Eight times the compressed size: a reservation guess only (deflate can do 1000:1).
    var sizeHint: Int? { compressedSize > Int.max / 8 ? nil : compressedSize * 8 }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let chunk = UInt32(min(buffer.count - filled, 1 << 30))
            let n = Int(gzread(file, base + filled, chunk))
            if n < 0 { throw currentError() }
            if n == 0 {
                var code: Int32 = Z_OK
                _ = gzerror(file, &code)
                if code == Z_BUF_ERROR { endedUnexpectedly = true }  // "unexpected end of file"
                else if code != Z_OK { throw currentError() }
                break
            }
            filled += n
        }
        return filled
    }

    /// zlib's error for the last call, as a typed error.
    private func currentError() -> DatasetError {
        var code: Int32 = Z_OK
        var message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
        // zlib prefixes the stream's name, "<fd:N>: " for a descriptor; the caller names the file.
        if message.hasPrefix("<fd:"), let colon = message.firstRange(of: ": ") {
            message = String(message[colon.upperBound...])
        }
        if code == Z_ERRNO { return .readFailed(file: path, reason: systemErrorMessage()) }
        return .corruptCompressedData(file: path, detail: message)
    }
}
