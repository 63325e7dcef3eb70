/// Cuts a byte stream into frames (4-byte big-endian length, then the payload)
/// and refuses frames over the maximum size before buffering them.
///
/// It is fed whatever `read` returned, in any pieces; it never trusts a length
/// beyond `maximumMessageBytes`, so a hostile peer cannot make it allocate.
public struct FrameDecoder: Sendable {
    /// Why a stream was refused.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case oversized(length: Int, limit: Int)
        case empty

        public var description: String {
            switch self {
            case .oversized(let length, let limit): return "oversized message (\(length) bytes > \(limit))"
            case .empty: return "empty message"
            }
        }
    }

    public let limit: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(limit: Int = SessionProtocol.maximumMessageBytes) { self.limit = limit }

    /// Bytes received but not yet part of a complete frame.
    public var pendingByteCount: Int { buffer.count - start }

    /// Appends `bytes` and returns every frame now complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var frames: [[UInt8]] = []
        while buffer.count - start >= 4 {
            var length = 0
            for i in 0..<4 { length = length << 8 | Int(buffer[start + i]) }
            guard length > 0 else { throw .empty }
            guard length <= limit else { throw .oversized(length: length, limit: limit) }
            guard buffer.count - start - 4 >= length else { break }
            frames.append(Array(buffer[(start + 4)..<(start + 4 + length)]))
            start += 4 + length
        }
        if start > 0 && (start == buffer.count || start > 65536) {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }

    /// The frame for `payload`: its length (4 bytes, big-endian), then the payload.
    public static func frame(_ payload: some Collection<UInt8>) -> [UInt8] {
        let n = UInt32(payload.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + payload
    }
}
