import CZlib
import BNNSupport

/// A file's bytes read front to back, whether the file is plain or gzip-compressed.
///
/// The IDX reader only needs "give me the next bytes", so both kinds of file hide
/// behind this protocol; `ByteStreams.open` picks one from the file's first two
/// bytes (gzip's magic 1f 8b), never from its name.
protocol ByteStream: AnyObject {
    /// The path the stream was opened from, for error messages.
    var path: String { get }
    /// Bytes still unread when that is known without reading (plain files), else nil.
    var remainingByteCount: Int? { get }
    /// A guess of the total data size for reserving memory (never trusted for bounds), or nil.
    var sizeHint: Int? { get }
    /// True once the stream stopped at a gzip stream cut short (not at a clean end).
    var endedUnexpectedly: Bool { get }
    /// Fills `buffer` as far as the data goes; returns fewer bytes only at the end of the data.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int
}

extension ByteStream {
    /// Fills `bytes[range]` as far as the data goes; returns the number of bytes read.
    func read(into bytes: inout [UInt8], range: Range<Int>) throws(DatasetError) -> Int {
        var result: Result<Int, DatasetError> = .success(0)
        bytes.withUnsafeMutableBytes { raw in
            do throws(DatasetError) {
                result = .success(try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[range])))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }
}

/// Opens byte streams.
enum ByteStreams {
    /// Opens `path` for reading, as a gzip stream if it starts with 1f 8b, else as plain bytes.
    static func open(_ path: String) throws(DatasetError) -> any ByteStream {
        let fd = systemOpen(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(file: path, reason: systemErrorMessage()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = systemErrorMessage()
            close(fd)
            throw .cannotOpen(file: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notARegularFile(file: path)
        }
        let fileSize = Int(info.st_size)

        var head: (UInt8, UInt8) = (0, 0)
        let headCount = withUnsafeMutableBytes(of: &head) { pread(fd, $0.baseAddress, 2, 0) }
        guard headCount >= 0 else {
            let reason = systemErrorMessage()
            close(fd)
            throw .readFailed(file: path, reason: reason)
        }
        if headCount == 2, head == IDXFormat.gzipMagic {
            return try GzipFileStream(path: path, fd: fd, compressedSize: fileSize)
        }
        return PlainFileStream(path: path, fd: fd, size: fileSize)
    }
}

/// The C library's `open`, under a name that does not clash with `ByteStreams.open`.
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 {
    open(path, flags)
}

/// The current `errno` as text.
func systemErrorMessage() -> String {
    String(cString: strerror(errno))
}
