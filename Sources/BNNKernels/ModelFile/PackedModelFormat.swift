import BNNSupport
import Foundation

/// The packed model file: everything `PackedModel` needs, weights at one bit each.
///
/// Layout (little-endian), version 1:
///
///     offset  size        field
///     0       8           magic "BNNPACK\0"
///     8       4           format version (1)
///     12      4           flags (0)
///     16      8           file length in bytes, checksum included
///     24      4           layer count L
///     28      4           input scale (127.5) and
///     32      4           input offset (−1) of x = p / scale + offset, as float32
///     36      4·(L+1)     layer widths
///     then per layer k = 1…L, with K inputs and N outputs:
///             ⌈N·K/8⌉     W_b, neuron after neuron, K bits each (1 = +1), bit i at byte i/8, bit i%8
///       hidden layers:
///             4·N         thresholds T_j (int32)
///             ⌈N/8⌉       flip bits (1 = fires when s < T_j)
///       output layer:
///             4           BatchNorm ε, then N float32 each of γ, β, running mean, running variance
///     length−4  4         CRC-32 (zlib) of every byte before it
///
/// The first layer's float parts (the pixel scale, ΣW_b and its BatchNorm) are
/// folded into its integer thresholds on p·W_b; the output layer's BatchNorm is
/// the only float arithmetic left.
public enum PackedModelFormat {
    public static let magic: [UInt8] = Array("BNNPACK".utf8) + [0]
    public static let version: UInt32 = 1
    static let fixedHeaderBytes = 36
    static let maxLayers = 64

    /// The file size of a model with these widths.
    static func byteCount(widths: [Int]) -> Int {
        var total = fixedHeaderBytes + 4 * widths.count
        let last = widths.count - 2
        for k in 0...last {
            let inputs = widths[k], outputs = widths[k + 1]
            total += (inputs * outputs + 7) / 8
            total += k == last ? 4 + 16 * outputs : 4 * outputs + (outputs + 7) / 8
        }
        return total + 4
    }

    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { CRC32.checksum($0) }
    }
}

extension PackedModel {
    /// Size of the packed model file in bytes.
    public var serializedByteCount: Int { PackedModelFormat.byteCount(widths: widths) }

    /// The model in the packed file format.
    public func serialized() -> [UInt8] {
        let length = serializedByteCount
        var w = ByteWriter(capacity: length)
        w.raw(PackedModelFormat.magic)
        w.u32(PackedModelFormat.version)
        w.u32(0)
        w.u64(UInt64(length))
        w.u32(UInt32(layers.count))
        w.f32(PixelScaling.scale)
        w.f32(PixelScaling.offset)
        for width in widths { w.u32(UInt32(width)) }
        for layer in layers {
            w.bits(of: layer.weights)
            switch layer.output {
            case .binarized(let t):
                for v in t.thresholds { w.i32(v) }
                var flipBytes = [UInt8](repeating: 0, count: (layer.outputs + 7) / 8)
                for j in 0..<layer.outputs where (t.flip[j / 64] >> UInt64(j % 64)) & 1 == 1 {
                    flipBytes[j / 8] |= 1 << UInt8(j % 8)
                }
                w.raw(flipBytes)
            case .scores(let bn):
                w.f32(bn.epsilon)
                for array in [bn.gamma, bn.beta, bn.mean, bn.variance] { for v in array { w.f32(v) } }
            }
        }
        var bytes = w.bytes
        let checksum = PackedModelFormat.crc(bytes[...])
        for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: checksum >> UInt32(s))) }
        precondition(bytes.count == length, "packed model size \(bytes.count) != computed \(length)")
        return bytes
    }

    /// Writes the model to `url` atomically (temporary file, then rename).
    public func write(to url: URL) throws(PackedModelFileError) {
        do { try AtomicFile.write(Data(serialized()), to: url.path) } catch {
            throw .writeFailed(path: url.path, reason: error.reason)
        }
    }

    /// Reads a model written by `write(to:)`.
    public init(contentsOf url: URL) throws(PackedModelFileError) {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            let reason = (error as NSError).localizedDescription
            throw .unreadable(path: url.path, reason: reason)
        }
        try self.init(serialized: bytes, path: url.path)
    }

    /// Decodes the packed file format; `path` only names the source in errors.
    public init(serialized bytes: [UInt8], path: String = "<memory>") throws(PackedModelFileError) {
        let magic = PackedModelFormat.magic
        guard bytes.count >= magic.count else {
            if !bytes.isEmpty, Array(magic.prefix(bytes.count)) == bytes {
                throw .truncated(path: path, expectedBytes: PackedModelFormat.fixedHeaderBytes, actualBytes: bytes.count)
            }
            throw .notAPackedModel(path: path)
        }
        guard Array(bytes.prefix(magic.count)) == magic else { throw .notAPackedModel(path: path) }
        guard bytes.count >= PackedModelFormat.fixedHeaderBytes else {
            throw .truncated(path: path, expectedBytes: PackedModelFormat.fixedHeaderBytes, actualBytes: bytes.count)
        }
        var header = ByteReader(bytes, offset: magic.count)
        do {
            let version = try header.u32()
            guard version == PackedModelFormat.version else { throw PackedModelFileError.unsupportedVersion(path: path, version: version) }
            _ = try header.u32()
            let declared = try header.u64()
            guard declared <= UInt64(Int.max), declared >= UInt64(PackedModelFormat.fixedHeaderBytes + 4) else {
                throw PackedModelFileError.malformed(path: path, reason: "declared length \(declared) is impossible")
            }
            let length = Int(declared)
            if bytes.count < length { throw PackedModelFileError.truncated(path: path, expectedBytes: length, actualBytes: bytes.count) }
            if bytes.count > length {
                throw PackedModelFileError.malformed(path: path, reason: "\(bytes.count - length) unexpected bytes after the end")
            }
            var tail = ByteReader(bytes, offset: length - 4)
            let stored = try tail.u32()
            let computed = PackedModelFormat.crc(bytes[0..<(length - 4)])
            guard stored == computed else { throw PackedModelFileError.checksumMismatch(path: path, stored: stored, computed: computed) }
            var reader = ByteReader(bytes, offset: header.offset, end: length - 4)
            self = try Self.decodeBody(&reader, length: length, path: path)
        } catch let error as PackedModelFileError {
            throw error
        } catch {
            throw .malformed(path: path, reason: "contents end early")
        }
    }

    private static func decodeBody(_ r: inout ByteReader, length: Int, path: String) throws -> PackedModel {
        func bad(_ reason: String) -> PackedModelFileError { .malformed(path: path, reason: reason) }
        let layerCount = Int(try r.u32())
        guard (1...PackedModelFormat.maxLayers).contains(layerCount) else { throw bad("layer count \(layerCount)") }
        let scale = try r.f32(), offset = try r.f32()
        guard scale == PixelScaling.scale, offset == PixelScaling.offset else {
            throw bad("input encoding x = p/\(scale) + \(offset) is not supported")
        }
        var widths: [Int] = []
        for _ in 0...layerCount {
            let width = Int(try r.u32())
            guard (1...DenseLayerParameters.maximumWidth).contains(width) else { throw bad("layer width \(width)") }
            widths.append(width)
        }
        guard PackedModelFormat.byteCount(widths: widths) == length else {
            throw bad("widths \(widths.map(String.init).joined(separator: "-")) do not match the file length \(length)")
        }
        var layers: [PackedLayer] = []
        for k in 0..<layerCount {
            let inputs = widths[k], outputs = widths[k + 1]
            let weights = try r.bits(rows: outputs, columns: inputs)
            if k < layerCount - 1 {
                var thresholds: [Int32] = []
                thresholds.reserveCapacity(outputs)
                for j in 0..<outputs {
                    let t = try r.i32()
                    guard t >= NeuronThresholds.always, t <= NeuronThresholds.never else { throw bad("layer \(k) neuron \(j): threshold \(t) out of range") }
                    thresholds.append(t)
                }
                let flipBytes = try r.raw((outputs + 7) / 8)
                var flip = [UInt64](repeating: 0, count: (outputs + 63) / 64)
                for (i, byte) in flipBytes.enumerated() {
                    flip[i / 8] |= UInt64(byte) << UInt64(8 * (i % 8))
                }
                if outputs % 8 != 0, flipBytes.last! >> UInt8(outputs % 8) != 0 { throw bad("layer \(k): flip bits past the last neuron") }
                layers.append(PackedLayer(weights: weights, output: .binarized(NeuronThresholds(thresholds: thresholds, flip: flip))))
            } else {
                let epsilon = try r.f32()
                var arrays: [[Float]] = []
                for _ in 0..<4 {
                    var values: [Float] = []
                    values.reserveCapacity(outputs)
                    for _ in 0..<outputs { values.append(try r.f32()) }
                    arrays.append(values)
                }
                let bn = BatchNormInference(gamma: arrays[0], beta: arrays[1], mean: arrays[2], variance: arrays[3], epsilon: epsilon)
                guard epsilon.isFinite, arrays.allSatisfy({ $0.allSatisfy(\.isFinite) }),
                      bn.standardDeviation.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                    throw bad("output BatchNorm has non-finite values or variance + epsilon <= 0")
                }
                layers.append(PackedLayer(weights: weights, output: .scores(bn)))
            }
        }
        return PackedModel(packedLayers: layers)
    }
}
