import Foundation
import Testing
@testable import BNNKernels
import BNNSupport

@Suite("Packed model file")
struct PackedModelFileTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-kernels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func model(_ widths: [Int], seed: UInt64 = 11) throws -> PackedModel {
        var rng = SeededGenerator(seed: seed)
        return try PackedModel(layers: randomNetwork(widths, rng: &rng))
    }

    @Test("write then read gives the same model and the same predictions", arguments: [[784, 10], [784, 64, 33, 10], [65, 1, 3]])
    func roundTrip(widths: [Int]) throws {
        let original = try model(widths)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.bnnpack")
        try original.write(to: url)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["model.bnnpack"], "no temporary file left behind")
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.size] as? Int) == original.serializedByteCount)
        let loaded = try PackedModel(contentsOf: url)
        #expect(loaded == original)
        var rng = SeededGenerator(seed: 2)
        let pixels = rng.pixels(20 * widths[0])
        let gemm = try BinaryGEMM(variant: .best)
        #expect(try loaded.predict(pixels: pixels, gemm: gemm) == original.predict(pixels: pixels, gemm: gemm))
        // Overwriting replaces the file atomically.
        try model(widths, seed: 99).write(to: url)
        #expect(try PackedModel(contentsOf: url) == model(widths, seed: 99))
    }

    @Test("784-1024-10 packs at least 25x smaller than its float32 weights")
    func compression() throws {
        let m = try model([784, 1024, 10])
        let ratio = Double(m.float32WeightBytes) / Double(m.serializedByteCount)
        #expect(ratio >= 25, "ratio \(ratio)")
        #expect(m.binaryWeightCount == 784 * 1024 + 1024 * 10)
    }

    @Test("any flipped byte is caught")
    func flippedByte() throws {
        let bytes = try model([100, 40, 10]).serialized()
        var rng = SeededGenerator(seed: 4)
        var positions = [8 + 28 + 5, bytes.count / 2, bytes.count - 2]
        for _ in 0..<20 { positions.append(Int.random(in: 36..<bytes.count, using: &rng)) }
        for position in positions {
            var corrupt = bytes
            corrupt[position] ^= 0x10
            #expect(throws: PackedModelFileError.self) { try PackedModel(serialized: corrupt, path: "m.bnnpack") }
            do {
                _ = try PackedModel(serialized: corrupt, path: "m.bnnpack")
            } catch {
                guard case .checksumMismatch(let path, _, _) = error else {
                    Issue.record("byte \(position): expected a checksum error, got \(error)")
                    continue
                }
                #expect(path == "m.bnnpack")
                #expect(error.description.hasPrefix("model file 'm.bnnpack' is corrupt"))
            }
        }
    }

    @Test("truncated files report how much is missing")
    func truncated() throws {
        let bytes = try model([100, 40, 10]).serialized()
        for length in [3, 20, 36, 100, bytes.count - 1] {
            #expect(throws: PackedModelFileError.truncated(path: "t", expectedBytes: length < 36 ? 36 : bytes.count, actualBytes: length)) {
                try PackedModel(serialized: Array(bytes.prefix(length)), path: "t")
            }
        }
        #expect(throws: PackedModelFileError.malformed(path: "t", reason: "1 unexpected bytes after the end")) {
            try PackedModel(serialized: bytes + [0], path: "t")
        }
    }

    @Test("foreign files, other versions and unreadable paths are typed errors")
    func foreign() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("image.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 100)).write(to: png)
        #expect(throws: PackedModelFileError.notAPackedModel(path: png.path)) { try PackedModel(contentsOf: png) }
        #expect(throws: PackedModelFileError.notAPackedModel(path: "e")) { try PackedModel(serialized: [], path: "e") }
        #expect(throws: PackedModelFileError.notAPackedModel(path: "x")) { try PackedModel(serialized: Array("hello world, not a model".utf8), path: "x") }
        var future = try model([20, 5]).serialized()
        future[8] = 3
        #expect(throws: PackedModelFileError.unsupportedVersion(path: "f", version: 3)) { try PackedModel(serialized: future, path: "f") }
        let missing = dir.appendingPathComponent("missing.bnnpack")
        #expect {
            try PackedModel(contentsOf: missing)
        } throws: { error in
            guard let e = error as? PackedModelFileError, case .unreadable(let path, _) = e else { return false }
            return path == missing.path && !e.description.contains("\n")
        }
        #expect {
            try model([20, 5]).write(to: dir.appendingPathComponent("no/such/dir/m.bnnpack"))
        } throws: { error in
            guard let e = error as? PackedModelFileError, case .writeFailed = e else { return false }
            return true
        }
    }
}
