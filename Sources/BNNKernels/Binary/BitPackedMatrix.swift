import CBinaryKernels

/// A matrix of ±1 values stored one bit each, 64 to a word (bit 1 means +1).
///
/// This is the operand format of the XNOR-popcount products: row r holds
/// `columns` bits, bit c at word c / 64, bit c % 64. Rows are padded to a whole
/// number of 64-byte cache lines (`wordsPerRow`, a multiple of 8) and every
/// bit past `columns` is 0 in every matrix, so the padding XORs to zero and
/// dot = K − 2·popcount(a XOR b) is exact for any K. Binarization follows the
/// paper's sign with sign(0) = +1: a value x packs to 1 when x >= 0.
public struct BitPackedMatrix: Sendable, Equatable {
    /// Number of packed rows.
    public let rows: Int
    /// Number of ±1 values (bits) per row, the K of a product.
    public let columns: Int
    /// Distance between rows in 64-bit words: ceil(columns / 64) rounded up to a multiple of 8.
    public let wordsPerRow: Int
    var storage: AlignedWords

    /// The row stride in words for rows of `columns` bits.
    public static func wordsPerRow(forColumns columns: Int) -> Int {
        let words = (columns + 63) / 64
        return max(8, (words + 7) / 8 * 8)
    }

    /// A rows x columns matrix of −1 (all bits 0).
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        self.rows = rows
        self.columns = columns
        wordsPerRow = Self.wordsPerRow(forColumns: columns)
        storage = AlignedWords(count: rows * wordsPerRow)
    }

    /// Packs the rows of a row-major rows x columns float matrix: bit = value >= 0.
    public init(packingRowsOf values: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
        precondition(values.count >= rows * columns, "matrix has \(values.count) values, needs \(rows * columns)")
        self.init(rows: rows, columns: columns)
        if rows > 0, columns > 0, let base = values.baseAddress {
            bnn_pack_rows_f32(rows, columns, base, columns, storage.pointer, wordsPerRow)
        }
    }

    /// Packs the rows of a row-major rows x columns float matrix: bit = value >= 0.
    public init(packingRowsOf values: [Float], rows: Int, columns: Int) {
        self = values.withUnsafeBufferPointer { Self(packingRowsOf: $0, rows: rows, columns: columns) }
    }

    /// Packs the columns of a row-major `inputs x outputs` matrix (the engine's
    /// layout of W): packed row j holds column j, `inputs` bits, one row per output neuron.
    public init(packingColumnsOf values: UnsafeBufferPointer<Float>, inputs: Int, outputs: Int) {
        precondition(values.count >= inputs * outputs, "matrix has \(values.count) values, needs \(inputs * outputs)")
        self.init(rows: outputs, columns: inputs)
        if inputs > 0, outputs > 0, let base = values.baseAddress {
            bnn_pack_columns_f32(inputs, outputs, base, outputs, storage.pointer, wordsPerRow)
        }
    }

    /// Packs the columns of a row-major `inputs x outputs` matrix, one packed row per output.
    public init(packingColumnsOf values: [Float], inputs: Int, outputs: Int) {
        self = values.withUnsafeBufferPointer { Self(packingColumnsOf: $0, inputs: inputs, outputs: outputs) }
    }

    /// The ±1 value at (row, column) as a bit: true means +1.
    public subscript(row: Int, column: Int) -> Bool {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            return (storage.pointer[row * wordsPerRow + column / 64] >> UInt64(column % 64)) & 1 == 1
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            let index = row * wordsPerRow + column / 64
            let mask: UInt64 = 1 << UInt64(column % 64)
            if newValue { storage.pointer[index] |= mask } else { storage.pointer[index] &= ~mask }
        }
    }

    /// The matrix as row-major ±1 floats.
    public func unpacked() -> [Float] {
        var out = [Float](repeating: -1, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns where self[r, c] { out[r * columns + c] = 1 }
        }
        return out
    }

    /// Number of +1 entries in `row`.
    public func popcount(row: Int) -> Int {
        precondition(row >= 0 && row < rows, "row out of range")
        return Int(bnn_popcount_words(storage.pointer + row * wordsPerRow, wordsPerRow))
    }

    /// Calls `body` with the packed words (rows x wordsPerRow).
    public func withUnsafeWords<R, E: Error>(_ body: (UnsafePointer<UInt64>) throws(E) -> R) throws(E) -> R {
        try body(UnsafePointer(storage.pointer))
    }

    public static func == (a: Self, b: Self) -> Bool {
        guard a.rows == b.rows, a.columns == b.columns else { return false }
        let count = a.rows * a.wordsPerRow
        for i in 0..<count where a.storage.pointer[i] != b.storage.pointer[i] { return false }
        return true
    }
}
