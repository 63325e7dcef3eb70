/// Little-endian byte writer for the packed model format, with a bit stream for 1-bit weights.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// Appends the rows' first `columns` bits back to back (bit i of the stream at
    /// byte i/8, bit i%8), padded with zero bits to a whole byte.
    mutating func bits(of m: BitPackedMatrix) {
        var acc: UInt64 = 0
        var used = 0
        func push(_ word: UInt64, _ count: Int) {
            // count in 1...64; word has no bits at or above count.
            acc |= word << UInt64(used)
            if used + count >= 64 {
                u64(acc)
                acc = used == 0 ? 0 : word >> UInt64(64 - used)
                used = used + count - 64
            } else {
                used += count
            }
        }
        m.withUnsafeWords { w in
            for r in 0..<m.rows {
                let row = w + r * m.wordsPerRow
                var left = m.columns, i = 0
                while left > 0 {
                    let count = min(64, left)
                    push(row[i], count)
                    left -= count
                    i += 1
                }
            }
        }
        var tail = (used + 7) / 8
        while tail > 0 { bytes.append(UInt8(truncatingIfNeeded: acc)); acc >>= 8; tail -= 1 }
    }
}

/// Bounds-checked little-endian reader; running past the end is a format error.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    struct OutOfBounds: Error {}

    init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    mutating func u32() throws(OutOfBounds) -> UInt32 {
        guard offset + 4 <= end else { throw OutOfBounds() }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
        offset += 4
        return v
    }

    mutating func u64() throws(OutOfBounds) -> UInt64 {
        guard offset + 8 <= end else { throw OutOfBounds() }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return v
    }

    mutating func i32() throws(OutOfBounds) -> Int32 { Int32(bitPattern: try u32()) }
    mutating func f32() throws(OutOfBounds) -> Float { Float(bitPattern: try u32()) }

    mutating func raw(_ count: Int) throws(OutOfBounds) -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= end else { throw OutOfBounds() }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// Reads `rows` x `columns` bits written by `ByteWriter.bits(of:)`.
    mutating func bits(rows: Int, columns: Int) throws(OutOfBounds) -> BitPackedMatrix {
        let byteCount = (rows * columns + 7) / 8
        guard offset + byteCount <= end else { throw OutOfBounds() }
        let m = BitPackedMatrix(rows: rows, columns: columns)
        let base = offset
        let stream = bytes
        // Reads `count` (1...64) bits starting at stream bit `position`.
        func read(_ position: Int, _ count: Int) -> UInt64 {
            var v: UInt64 = 0
            var got = 0
            var p = position
            while got < count {
                let byte = UInt64(stream[base + p / 8]) >> UInt64(p % 8)
                let take = min(8 - p % 8, count - got)
                v |= (byte & ((1 << UInt64(take)) - 1)) << UInt64(got)
                got += take
                p += take
            }
            return v
        }
        let pointer = m.storage.pointer
        for r in 0..<rows {
            var left = columns, i = 0
            while left > 0 {
                let count = min(64, left)
                pointer[r * m.wordsPerRow + i] = read(r * columns + i * 64, count)
                left -= count
                i += 1
            }
        }
        offset += byteCount
        return m
    }
}
