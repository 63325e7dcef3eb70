import BNNKernels
import CZlib
import Foundation

/// Fuzz targets for the packed model loader `PackedModel(contentsOf:)`.
///
/// `packed-model-v2` is the framed target held to format version 2, whose layer
/// records (kinds, convolution channels and padding, 16 threshold sets of the first
/// convolution, pools that must follow a convolution) only ConvNet files reach.
///
/// `packed-model` hands it the input as a file, as is. The file ends in a CRC-32
/// and declares its length, so `packed-model-framed` takes everything but the
/// CRC, writes the true length into the header and appends a correct CRC:
/// mutations then reach layer counts, widths, thresholds and BatchNorm values.
///
/// A model that loads must be usable: it classifies an image without trapping,
/// and writing it out and reading that back gives the same model.
enum PackedModelTargets {
    static let file = FuzzTarget(
        name: "packed-model",
        summary: "the input as a packed model file → PackedModel(contentsOf:), a prediction, a write/read round trip",
        maximumInputLength: 4096
    ) { input, scratch in
        load(scratch.write(input, to: "fuzz.bnnpack"))
    }

    static let framed = FuzzTarget(
        name: "packed-model-framed",
        summary: "a packed model file without its CRC; the target sets the declared length and appends the CRC → as packed-model",
        maximumInputLength: 4096
    ) { input, scratch in
        let file = PackedModelFrame.frame(input)
        return load(file.withUnsafeBytes { scratch.write($0, to: "fuzz.bnnpack") })
    }

    static let version2 = FuzzTarget(
        name: "packed-model-v2",
        summary: "a version-2 packed model (layer kinds: conv, pool, dense) without its CRC; the target sets version 2, the length and the CRC → as packed-model",
        maximumInputLength: 8192
    ) { input, scratch in
        var body = [UInt8](input)
        if body.count >= 12 { body[8] = 2; body[9] = 0; body[10] = 0; body[11] = 0 }
        let file = body.withUnsafeBytes { PackedModelFrame.frame($0) }
        return load(file.withUnsafeBytes { scratch.write($0, to: "fuzz.bnnpack") })
    }

    /// The product's kernel choice (BNN_KERNEL or the best this CPU runs), one thread.
    static let gemm: BinaryGEMM? = try? BinaryGEMM()

    static func load(_ path: String) -> FuzzOutcome {
        let model: PackedModel
        do throws(PackedModelFileError) {
            model = try PackedModel(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .judging(error: error.description, file: path, loader: "PackedModel(contentsOf:)")
        }
        guard model.layerCount >= 1, model.widths.count == model.layerCount + 1, model.widths.allSatisfy({ $0 > 0 }) else {
            return .violation("PackedModel(contentsOf:) loaded widths \(model.widths) for \(model.layerCount) layers")
        }
        if let gemm {
            do throws(InferenceInputError) {
                let classes = try model.predict(pixels: [UInt8](repeating: 128, count: model.inputSize), gemm: gemm)
                guard classes.count == 1, (0..<model.classCount).contains(classes[0]) else {
                    return .violation("a loaded model predicted \(classes) for one image of \(model.classCount) classes")
                }
            } catch {
                return .violation("a loaded model refused an image of its own input size: \(error)")
            }
        }
        do throws(PackedModelFileError) {
            let again = try PackedModel(serialized: model.serialized(), path: path)
            guard again == model else { return .violation("a loaded model does not survive a write/read round trip") }
        } catch {
            return .violation("a loaded model, written out, does not load again: \(error)")
        }
        return .loaded("\(model.widths.map(String.init).joined(separator: "-")) packed model")
    }
}

/// Builds packed model files around fuzz input, in the layout `PackedModelFormat` documents.
public enum PackedModelFrame {
    /// The input with bytes 16..<24 set to the final length and a zlib CRC-32 appended
    /// (shorter inputs only get the CRC).
    public static func frame(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var file = [UInt8](input)
        if file.count >= 24 {
            let length = UInt64(file.count + 4)
            for i in 0..<8 { file[16 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
        }
        let crc = file.withUnsafeBufferPointer { b in
            UInt32(truncatingIfNeeded: crc32(crc32(0, nil, 0), b.baseAddress, uInt(b.count)))
        }
        for i in 0..<4 { file.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i)))) }
        return file
    }
}
