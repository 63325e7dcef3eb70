import Foundation
import Testing
import BNNData
import BNNKernels
@testable import BNNEngine

/// The paper's notation: what parses into which layers, and one clear error naming the
/// token for every kind of bad spec.
@Suite struct ArchitectureTests {
    @Test func referenceConvNetCompilesToItsShapes() throws {
        let a = try Architecture(parsing: "32C3-MP2-64C3-MP2-256FC-10")
        #expect(a.description == "32C3-MP2-64C3-MP2-256FC-10")
        #expect(a.layerCount == 4 && a.hasConvolutions && !a.isWidthList)
        #expect(a.weightLayers.map(\.outputSize) == [14 * 14 * 32, 7 * 7 * 64, 256, 10])
        #expect(a.weightLayers[1].convolution == ConvolutionGeometry(inputHeight: 14, inputWidth: 14, inputChannels: 32, outputChannels: 64))
        #expect(a.weightLayers[2].inputs == 7 * 7 * 64)
        #expect(a.weightLayers[1].fanIn == 288 && a.weightLayers[1].fanOut == 576)
        #expect(a.inputSize == 784 && a.outputSize == 10)
    }

    @Test func repeatsOddSizesAndWidthLists() throws {
        let r = try Architecture(parsing: "2x16C3-MP2-10", input: ImageShape(height: 7, width: 5, channels: 3))
        #expect(r.layers == [.convolution(outputChannels: 16), .convolution(outputChannels: 16), .maxPool, .dense(units: 10)])
        #expect(r.weightLayers[1].output == ImageShape(height: 3, width: 2, channels: 16))
        #expect(r.description == "16C3-16C3-MP2-10")
        let mlp = try Architecture(parsing: "784-1024-10")
        #expect(mlp == Architecture(widths: [784, 1024, 10]) && mlp.description == "784-1024-10" && mlp.isWidthList)
        let dense = try Architecture(parsing: "1024FC-10")
        #expect(dense.widths == [784, 1024, 10] && !dense.isWidthList)
    }

    /// A spec of one dense layer keeps its `FC` when printed: `3` alone would read back as a
    /// list of widths and fail (a libFuzzer finding of the arch-spec target).
    @Test func denseOnlySpecsPrintAsTheyParse() throws {
        for (spec, printed) in [("3FC", "3FC"), ("256FC-10", "256FC-10"), ("256FC-10FC", "256FC-10"), ("8C3-10FC", "8C3-10")] {
            let a = try Architecture(parsing: spec)
            #expect(a.description == printed, "\(spec)")
            #expect(try Architecture(parsing: a.description) == a, "\(spec)")
        }
    }

    @Test func codableKeepsWidthListsAsBeforeAndSpecsWithTheirInput() throws {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.outputFormatting = .sortedKeys
        let mlp = Architecture(widths: [784, 64, 10])
        #expect(String(decoding: try encoder.encode(mlp), as: UTF8.self) == #"{"widths":[784,64,10]}"#)
        let cnn = try Architecture(parsing: "8C3-MP2-10", input: ImageShape(height: 6, width: 6, channels: 2))
        let decoded = try decoder.decode(Architecture.self, from: try encoder.encode(cnn))
        #expect(decoded == cnn && decoded.weightLayers == cnn.weightLayers)
        #expect(throws: DecodingError.self) { try decoder.decode(Architecture.self, from: Data(#"{"spec":"8C3-MP2-10"}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Architecture.self, from: Data(#"{"spec":"MP2-10","input":{"height":4,"width":4,"channels":1}}"#.utf8))
        }
    }

    @Test(arguments: [
        ("32C3-MP2-64Q3-10", "'64Q3'"), ("32C3-256FC-64C3-10", "'64C3' after a dense"),
        ("0C3-MP2-10", "'0C3'"), ("32C3-0FC-10", "'0FC'"), ("32C3-MP2-64C3", "not '64C3'"),
        ("8C3-MP2-8C3-MP2-8C3-MP2-8C3-MP2-8C3-MP2-10", "'MP2' would shrink the 1x1"), ("MP2-10", "'MP2' must follow"),
        ("32C3-MP2-MP2-10", "must follow"), ("99999999999999999999C3-10", "'99999999999999999999C3'"),
        ("0x8C3-10", "'0x8C3'"), ("8C3--10", "''"), ("784-0-10", "positive"), ("784", "needs an input"),
        ("8C3-MP2-70000FC-10", "'70000FC' is too wide"), ("100000C3-10", "'100000C3' is too wide"),
        ("784-1024FC-10", "'784' would be a hidden layer"), ("784-32C3-10", "the image is implied"),
    ])
    func badSpecsNameTheirToken(spec: String, mention: String) {
        do {
            _ = try Architecture(parsing: spec)
            Issue.record("\(spec) parsed")
        } catch {
            #expect(error.description.contains(mention), "\(spec): \(error.description)")
            #expect(error.description.hasPrefix("bad architecture '\(spec)'"))
            #expect(!error.description.contains("\n"))
        }
    }
}
