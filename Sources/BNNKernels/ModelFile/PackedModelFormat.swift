import BNNSupport
import Foundation

/// The packed model file: everything `PackedModel` needs, weights at one bit each.
///
/// Both versions share the header (little-endian):
///
///     offset  size        field
///     0       8           magic "BNNPACK\0"
///     8       4           format version (1 or 2)
///     12      4           flags (0)
///     16      8           file length in bytes, checksum included
///     24      4           layer count L
///     28      4           input scale (127.5) and
///     32      4           input offset (−1) of x = p / scale + offset, as float32
///     …                   the body of the version
///     length−4  4         CRC-32 (zlib) of every byte before it
///
/// Version 1 holds an MLP (`PackedModelFormat+Version1.swift`); version 2 adds the
/// input image shape and layer kinds: 3×3 convolutions, 2×2 max-poolings and dense
/// layers (`PackedModelFormat+Version2.swift`). Weights are stored in their logical
/// order (neuron or output channel after neuron, K bits each, 1 = +1, bit i of the
/// stream at byte i/8, bit i%8); the word layout the kernels use is rebuilt on
/// loading. `serialized()` writes version 1 for an MLP on a flat input, so such
/// files stay readable by older builds, and version 2 otherwise; both are read.
public enum PackedModelFormat {
    public static let magic: [UInt8] = Array("BNNPACK".utf8) + [0]
    /// The newest format version this build writes.
    public static let version: UInt32 = 2
    /// The versions this build reads.
    public static let readableVersions: ClosedRange<UInt32> = 1...2
    static let fixedHeaderBytes = 36
    static let maxLayers = 64

    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { CRC32.checksum($0) }
    }
}

extension PackedModel {
    /// The format version `serialized()` writes: 1 for an MLP on a flat input, else 2.
    public var formatVersion: UInt32 {
        let allDense = layers.allSatisfy { if case .dense = $0 { true } else { false } }
        return allDense && inputShape == .vector(inputShape.count) ? 1 : 2
    }

    /// Size of the packed model file in bytes.
    public var serializedByteCount: Int { serialized().count }

    /// The model in the packed file format.
    public func serialized() -> [UInt8] {
        let version = formatVersion
        var w = ByteWriter(capacity: 64 + binaryWeightCount / 8)
        w.raw(PackedModelFormat.magic)
        w.u32(version)
        w.u32(0)
        w.u64(0)  // the length, filled in below
        w.u32(UInt32(layers.count))
        w.f32(PixelScaling.scale)
        w.f32(PixelScaling.offset)
        if version == 1 { encodeVersion1Body(&w) } else { encodeVersion2Body(&w) }
        var bytes = w.bytes
        let length = UInt64(bytes.count + 4)
        for i in 0..<8 { bytes[16 + i] = UInt8(truncatingIfNeeded: length >> UInt64(8 * i)) }
        let checksum = PackedModelFormat.crc(bytes[...])
        for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: checksum >> UInt32(s))) }
        return bytes
    }

    /// Writes the model to `url` atomically (temporary file, then rename).
    public func write(to url: URL) throws(PackedModelFileError) {
        do { try AtomicFile.write(Data(serialized()), to: url.path) } catch {
            throw .writeFailed(path: url.path, reason: error.reason)
        }
    }

    /// Reads a model written by `write(to:)` (either version).
    public init(contentsOf url: URL) throws(PackedModelFileError) {
        let bytes: [UInt8]
        do { bytes = [UInt8](try FileContents.read(url.path)) } catch { throw .unreadable(path: url.path, reason: error.reason) }
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
            guard PackedModelFormat.readableVersions.contains(version) else {
                throw PackedModelFileError.unsupportedVersion(path: path, version: version)
            }
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
            func bad(_ reason: String) -> PackedModelFileError { .malformed(path: path, reason: reason) }
            let layerCount = Int(try reader.u32())
            guard (1...PackedModelFormat.maxLayers).contains(layerCount) else { throw bad("layer count \(layerCount)") }
            let scale = try reader.f32(), offset = try reader.f32()
            guard scale == PixelScaling.scale, offset == PixelScaling.offset else {
                throw bad("input encoding x = p/\(scale) + \(offset) is not supported")
            }
            if version == 1 {
                self = try Self.decodeVersion1Body(&reader, layerCount: layerCount, length: length, bad: bad)
            } else {
                self = try Self.decodeVersion2Body(&reader, layerCount: layerCount, bad: bad)
            }
            guard reader.offset == reader.end else { throw bad("\(reader.end - reader.offset) bytes left after the last layer") }
        } catch let error as PackedModelFileError {
            throw error
        } catch {
            throw .malformed(path: path, reason: "contents end early")
        }
    }
}
