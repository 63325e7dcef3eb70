import CZlib

/// CRC-32 (IEEE 802.3, the one gzip uses), computed by zlib.
///
/// Checkpoints and packed model files end with this checksum so that a
/// corrupt or truncated file is rejected with a clear error instead of
/// being trained or evaluated on.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var running = uLong(value)
        var left = bytes.count
        while left > 0 {
            let n = min(left, 1 << 30)
            running = crc32(running, pointer, uInt(n))
            pointer += n
            left -= n
        }
        value = UInt32(truncatingIfNeeded: running)
    }

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
