import BNNSupport

/// An uncompressed file read with `read(2)`; knows its size, so the IDX reader can
/// check a header against the file before allocating anything.
final class PlainFileStream: ByteStream {
    let path: String
    private let fd: Int32
    private let size: Int
    private var position = 0

    init(path: String, fd: Int32, size: Int) {
        self.path = path
        self.fd = fd
        self.size = size
    }

    deinit { close(fd) }

    var remainingByteCount: Int? { max(0, size - position) }
    var sizeHint: Int? { size }
    var endedUnexpectedly: Bool { false }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let chunk = min(buffer.count - filled, 1 << 30)
            let n = systemRead(fd, base + filled, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(file: path, reason: systemErrorMessage())
            }
            if n == 0 { break }
            filled += n
        }
        position += filled
        return filled
    }
}

/// The C library's `read`, under a name that the method `read(into:)` does not shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
