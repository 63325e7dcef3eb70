import Foundation
import Testing
import BNNSupport
@testable import BNNKernels

/// Version 2 of the model file (layer kinds) round-trips ConvNets; MLPs keep writing
/// version 1, which still loads; broken layer records are typed errors.
@Suite("Packed model file, version 2")
struct PackedModelVersion2Tests {
    static func convNet(_ spec: String, _ input: FeatureShape, _ padding: ConvolutionPadding, seed: UInt64 = 3) throws -> PackedModel {
        var rng = SeededGenerator(seed: seed)
        return try PackedModel(network: randomConvNet(spec, input: input, padding: padding, rng: &rng))
    }

    static let image = FeatureShape(height: 28, width: 28, channels: 1)

    @Test("ConvNets write version 2 and read back equal, with equal predictions",
          arguments: [("32C3-MP2-64C3-MP2-256FC-10", ConvolutionPadding.one), ("5C3-70C3-MP2-MP2-9FC-4", .zero), ("20FC-10", .zero)])
    func roundTrip(spec: String, padding: ConvolutionPadding) throws {
        let original = try Self.convNet(spec, Self.image, padding)
        #expect(original.formatVersion == 2)
        let bytes = original.serialized()
        #expect(bytes[8] == 2 && bytes.count == original.serializedByteCount)
        let loaded = try PackedModel(serialized: bytes, path: "m")
        #expect(loaded == original)
        #expect(loaded.architecture == original.architecture && loaded.shapes == original.shapes)
        var rng = SeededGenerator(seed: 4)
        let pixels = rng.pixels(8 * 784)
        let gemm = try BinaryGEMM(variant: .best, threadCount: 2)
        #expect(try loaded.predict(pixels: pixels, gemm: gemm) == original.predict(pixels: pixels, gemm: gemm))
    }

    @Test("the reference ConvNet's file is about 30x smaller than its float32 weights")
    func size() throws {
        let model = try Self.convNet("32C3-MP2-64C3-MP2-256FC-10", Self.image, .one)
        let ratio = Double(model.float32WeightBytes) / Double(model.serializedByteCount)
        #expect(ratio > 25, "\(model.serializedByteCount) bytes")
    }

    @Test("an MLP on a flat input writes version 1, byte for byte the old layout")
    func mlpStaysVersion1() throws {
        var rng = SeededGenerator(seed: 8)
        let model = try PackedModel(layers: randomNetwork([40, 9, 3], rng: &rng))
        let bytes = model.serialized()
        #expect(model.formatVersion == 1 && bytes[8] == 1)
        #expect(bytes.count == PackedModel.version1ByteCount(widths: [40, 9, 3]))
        #expect(try PackedModel(serialized: bytes) == model)
    }

    /// The body of a valid version-2 file with `edit` applied, re-framed with a true length and CRC.
    func reframed(_ model: PackedModel, _ edit: (inout [UInt8]) -> Void) -> [UInt8] {
        var body = Array(model.serialized().dropLast(4))
        edit(&body)
        let length = UInt64(body.count + 4)
        for i in 0..<8 { body[16 + i] = UInt8(truncatingIfNeeded: length >> UInt64(8 * i)) }
        let crc = PackedModelFormat.crc(body[...])
        return body + (0..<4).map { UInt8(truncatingIfNeeded: crc >> UInt32(8 * $0)) }
    }

    @Test("broken layer records are malformed, named in one line")
    func malformed() throws {
        let model = try Self.convNet("4C3-MP2-3", FeatureShape(height: 4, width: 4, channels: 1), .zero)
        // 36 header, 12 shape, then layer 0's kind at 48, Cout at 52, padding at 56.
        let cases: [(String, (inout [UInt8]) -> Void)] = [
            ("unknown kind", { $0[48] = 9 }),
            ("pool first", { $0[48] = 2 }),
            ("padding", { $0[56] = 1 }),
            ("zero channels", { $0[52] = 0 }),
            ("zero height", { $0[36] = 0 }),
            ("trailing body bytes", { $0 += [0, 0, 0, 0] }),
            ("cut body", { $0.removeLast(6) }),
            ("layer count", { $0[24] = 2 }),
        ]
        for (name, edit) in cases {
            #expect(throws: PackedModelFileError.self, "\(name)") { try PackedModel(serialized: reframed(model, edit), path: "x.bnn") }
            do { _ = try PackedModel(serialized: reframed(model, edit), path: "x.bnn") } catch {
                #expect(error.description.contains("x.bnn") && !error.description.contains("\n"), "\(name): \(error)")
                if case .malformed = error {} else { Issue.record("\(name): \(error)") }
            }
        }
    }
}
