import BNNData
import Testing
import BNNSupport

@Suite("Labeled images")
struct LabeledImagesTests {
    @Test("an image file and a label file load as one checked set", arguments: ["valid-plain/", "valid-gz/"])
    func loadPair(folder: String) throws {
        let ext = folder == "valid-gz/" ? ".gz" : ""
        let set = try LabeledImages.load(imagesAt: Fixture.path(folder + "train-images-idx3-ubyte" + ext),
                                         labelsAt: Fixture.path(folder + "train-labels-idx1-ubyte" + ext))
        #expect(set.count == 12 && set.rows == 3 && set.cols == 4 && set.featureCount == 12)
        #expect(set.classCount == 10)
        #expect(set.pixels == Fixture.expectedTrainPixels)
        #expect(set.labels == (0..<12).map(Fixture.trainLabel))
        #expect(Array(set.pixels(ofImage: 3)) == (0..<12).map { Fixture.trainPixel(3, $0) })
    }

    @Test("images and labels must match in number")
    func countMismatch() throws {
        let images = Fixture.path("valid-plain/train-images-idx3-ubyte")
        let labels = Fixture.path("bad/eleven-labels-idx1-ubyte")
        let error = try expectedError { try LabeledImages.load(imagesAt: images, labelsAt: labels) }
        #expect(error == .countMismatch(imagesFile: images, imageCount: 12, labelsFile: labels, labelCount: 11))
        #expect(error.description == "\(images): holds 12 images but \(labels) holds 11 labels")
    }

    @Test("labels must be class indices")
    func labelOutOfRange() throws {
        let images = Fixture.path("valid-plain/train-images-idx3-ubyte")
        let labels = Fixture.path("bad/out-of-range-labels-idx1-ubyte")
        let error = try expectedError { try LabeledImages.load(imagesAt: images, labelsAt: labels) }
        #expect(error == .labelOutOfRange(file: labels, index: 7, value: 10, classCount: 10))
        #expect(error.description == "\(labels): label 10 at index 7 is not a class in 0...9")
        // With 11 classes the same file is fine.
        let eleven = try LabeledImages.load(imagesAt: images, labelsAt: labels, classCount: 11)
        #expect(eleven.labels[7] == 10)
    }

    @Test("the initializer checks sizes and labels")
    func initializerChecks() throws {
        let ok = try LabeledImages(rows: 1, cols: 2, pixels: [1, 2, 3, 4], labels: [0, 9])
        #expect(ok.count == 2 && ok.classHistogram() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        let e1 = try expectedError { try LabeledImages(rows: 1, cols: 2, pixels: [1, 2, 3], labels: [0, 1]) }
        #expect(e1 == .countMismatch(imagesFile: "images", imageCount: 1, labelsFile: "images labels", labelCount: 2))
        let e2 = try expectedError { try LabeledImages(rows: 0, cols: 2, pixels: [], labels: []) }
        #expect(e2 == .badDimensions(file: "images", detail: "0x2 images"))
        let e3 = try expectedError { try LabeledImages(rows: 1, cols: 1, pixels: [0], labels: [12]) }
        #expect(e3 == .labelOutOfRange(file: "images", index: 0, value: 12, classCount: 10))
    }

    @Test("prefix, suffix and slice copy the right images")
    func slicing() throws {
        let set = try LabeledImages(rows: 1, cols: 2, pixels: Array(0..<20), labels: Array(0..<10))
        let head = set.prefix(3)
        #expect(head.count == 3 && head.pixels == [0, 1, 2, 3, 4, 5] && head.labels == [0, 1, 2])
        let tail = set.suffix(2)
        #expect(tail.pixels == [16, 17, 18, 19] && tail.labels == [8, 9])
        let middle = set.slice(4..<6)
        #expect(middle.pixels == [8, 9, 10, 11] && middle.labels == [4, 5])
        #expect(set.prefix(100) == set)
        #expect(set.slice(8..<50).count == 2)
        #expect(set.prefix(0).isEmpty)
    }
}

@Suite("Gather and scaling")
struct GatherTests {
    @Test("the scale is p / 127.5 - 1: 0 is -1, 255 is +1 exactly")
    func scaling() {
        #expect(PixelScaling.table.count == 256)
        #expect(PixelScaling.table[0] == -1)
        #expect(PixelScaling.table[255] == 1)
        #expect(PixelScaling.table[51] == Float(51.0 / 127.5 - 1))
        for p in 0...255 {
            #expect(PixelScaling.table[p] == PixelScaling.value(UInt8(p)))
            #expect(abs(Double(PixelScaling.table[p]) - (Double(p) / 127.5 - 1)) <= 6e-8)
        }
        #expect(zip(PixelScaling.table, PixelScaling.table.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("gather writes the chosen images, scaled, in order, with their labels")
    func gatherIndices() throws {
        let set = try LabeledImages.load(imagesAt: Fixture.path("valid-gz/train-images-idx3-ubyte.gz"),
                                         labelsAt: Fixture.path("valid-gz/train-labels-idx1-ubyte.gz"))
        let indices = [11, 0, 5, 5]
        var features = [Float](repeating: .nan, count: indices.count * 12 + 1)
        var labels = [Int32](repeating: -1, count: indices.count + 1)
        features.withUnsafeMutableBufferPointer { f in
            labels.withUnsafeMutableBufferPointer { l in
                set.gather(indices, into: f.baseAddress!, labels: l.baseAddress!)
            }
        }
        for (row, index) in indices.enumerated() {
            for k in 0..<12 {
                #expect(features[row * 12 + k] == Float(Double(Fixture.trainPixel(index, k)) / 127.5 - 1))
            }
            #expect(labels[row] == Int32(Fixture.trainLabel(index)))
        }
        #expect(features[0 * 12 + 11] == 1)    // image 11's last pixel is 255
        #expect(features[1 * 12 + 0] == -1)    // image 0's first pixel is 0
        #expect(features.last!.isNaN && labels.last == -1)  // nothing written past the batch
    }

    @Test("a slice of an order gathers like an array")
    func gatherSlice() throws {
        let set = try LabeledImages(rows: 1, cols: 2, pixels: [0, 255, 51, 102, 204, 153], labels: [3, 4, 5])
        let order = [2, 0, 1, 2]
        let slice = order[1..<3]   // [0, 1]
        var features = [Float](repeating: 0, count: 4)
        var labels = [Int32](repeating: 0, count: 2)
        features.withUnsafeMutableBufferPointer { f in
            labels.withUnsafeMutableBufferPointer { l in set.gather(slice, into: f.baseAddress!, labels: l.baseAddress!) }
        }
        #expect(features == [-1, 1, PixelScaling.table[51], PixelScaling.table[102]])
        #expect(labels == [3, 4])
    }

    @Test("range gather matches index gather")
    func gatherRange() throws {
        let set = try LabeledImages.load(imagesAt: Fixture.path("valid-plain/t10k-images-idx3-ubyte"),
                                         labelsAt: Fixture.path("valid-plain/t10k-labels-idx1-ubyte"))
        var byRange = [Float](repeating: 0, count: 3 * 12)
        var byIndex = [Float](repeating: 0, count: 3 * 12)
        var labels = [Int32](repeating: 0, count: 3)
        byRange.withUnsafeMutableBufferPointer { f in
            labels.withUnsafeMutableBufferPointer { l in set.gather(range: 2..<5, into: f.baseAddress!, labels: l.baseAddress!) }
        }
        var indexLabels = [Int32](repeating: 0, count: 3)
        byIndex.withUnsafeMutableBufferPointer { f in
            indexLabels.withUnsafeMutableBufferPointer { l in set.gather([2, 3, 4], into: f.baseAddress!, labels: l.baseAddress!) }
        }
        #expect(indexLabels == labels)
        #expect(byRange == byIndex)
        #expect(labels == [2, 3, 4].map { Int32(Fixture.testLabel($0)) })
        #expect(byRange[0] == PixelScaling.table[Int(Fixture.testPixel(2, 0))])
    }
}
