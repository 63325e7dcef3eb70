import BNNData
import Testing

@Suite("IDX reader")
struct IDXReaderTests {
    @Test("plain and gzip files parse to the exact bytes", arguments: ["valid-plain/", "valid-gz/"])
    func validFiles(folder: String) throws {
        let ext = folder == "valid-gz/" ? ".gz" : ""
        let train = try IDXReader.readImages(at: Fixture.path(folder + "train-images-idx3-ubyte" + ext))
        #expect(train.count == 12 && train.rows == 3 && train.cols == 4)
        #expect(train.pixels == Fixture.expectedTrainPixels)
        #expect(train.pixels.first == 0 && train.pixels.last == 255)

        let test = try IDXReader.readImages(at: Fixture.path(folder + "t10k-images-idx3-ubyte" + ext))
        #expect(test.count == 6 && test.rows == 3 && test.cols == 4)
        #expect(test.pixels == Fixture.expectedTestPixels)

        let labels = try IDXReader.readLabels(at: Fixture.path(folder + "train-labels-idx1-ubyte" + ext))
        #expect(labels == (0..<12).map(Fixture.trainLabel))
        let testLabels = try IDXReader.readLabels(at: Fixture.path(folder + "t10k-labels-idx1-ubyte" + ext))
        #expect(testLabels == (0..<6).map(Fixture.testLabel))
    }

    @Test("gzip is detected by content, not by name")
    func gzipDetectedByMagic() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let disguised = dir + "/train-images-idx3-ubyte"  // gzip bytes, no .gz
        try FileManagerHelper.copy(Fixture.path("valid-gz/train-images-idx3-ubyte.gz"), to: disguised)
        let plainNamedGz = dir + "/plain.gz"               // plain bytes, .gz name
        try FileManagerHelper.copy(Fixture.path("valid-plain/train-images-idx3-ubyte"), to: plainNamedGz)
        #expect(try IDXReader.readImages(at: disguised).pixels == Fixture.expectedTrainPixels)
        #expect(try IDXReader.readImages(at: plainNamedGz).pixels == Fixture.expectedTrainPixels)
    }

    @Test("truncated data, plain and gzip, reports whole images present", arguments: ["", ".gz"])
    func truncated(ext: String) throws {
        let path = Fixture.path("bad/truncated-images-idx3-ubyte" + ext)
        let error = try expectedError { try IDXReader.readImages(at: path) }
        #expect(error == .truncated(file: path, promised: 12, complete: 5, record: .image(rows: 3, cols: 4)))
        #expect(error.description == "\(path): truncated: header promises 12 images of 3x4 but the data ends after 5")
    }

    @Test("a gzip stream cut short is a truncation")
    func cutStream() throws {
        let path = Fixture.path("bad/cut-stream-images-idx3-ubyte.gz")
        let error = try expectedError { try IDXReader.readImages(at: path) }
        guard case let .truncated(file, promised, complete, record) = error else {
            Issue.record("expected .truncated, got \(error)")
            return
        }
        #expect(file == path && promised == 200 && record == .image(rows: 3, cols: 4))
        #expect(complete < 200)
        #expect(error.description.contains("cut-stream-images-idx3-ubyte.gz: truncated"))
    }

    @Test("damaged gzip data is reported with zlib's reason",
          arguments: ["bad-crc", "no-trailer", "fake-gzip"])
    func damagedGzip(name: String) throws {
        let path = Fixture.path("bad/\(name)-images-idx3-ubyte.gz")
        let error = try expectedError { try IDXReader.readImages(at: path) }
        guard case let .corruptCompressedData(file, detail) = error else {
            Issue.record("expected .corruptCompressedData, got \(error)")
            return
        }
        #expect(file == path)
        #expect(!detail.isEmpty && !detail.hasPrefix("<fd:"))
        #expect(error.description.hasPrefix("\(path): damaged gzip data: "))
    }

    @Test("wrong magic numbers")
    func wrongMagic() throws {
        let labelsAsImages = Fixture.path("bad/wrong-magic-images-idx3-ubyte")
        let error = try expectedError { try IDXReader.readImages(at: labelsAsImages) }
        #expect(error == .wrongMagic(file: labelsAsImages, found: 0x0000_0801, expected: 0x0000_0803))
        #expect(error.description == "\(labelsAsImages): wrong magic number 0x00000801, expected 0x00000803 (this looks like an IDX label file)")

        let garbage = Fixture.path("bad/wrong-magic-images-idx3-ubyte.gz")
        do {
            let error = try expectedError { try IDXReader.readImages(at: garbage) }
            #expect(error == .wrongMagic(file: garbage, found: 0x1234_5678, expected: 0x0000_0803))
        }

        let imagesAsLabels = Fixture.path("valid-plain/train-images-idx3-ubyte")
        do {
            let error = try expectedError { try IDXReader.readLabels(at: imagesAsLabels) }
            #expect(error == .wrongMagic(file: imagesAsLabels, found: 0x0000_0803, expected: 0x0000_0801))
        }
    }

    @Test("bad dimensions")
    func badDimensions() throws {
        let zeroRows = Fixture.path("bad/zero-rows-images-idx3-ubyte")
        let e1 = try expectedError { try IDXReader.readImages(at: zeroRows) }
        #expect(e1 == .badDimensions(file: zeroRows, detail: "0 rows per image (allowed: 1...1024)"))
        #expect(e1.description.hasPrefix("\(zeroRows): bad dimensions:"))

        let hugeSide = Fixture.path("bad/huge-side-images-idx3-ubyte")
        do {
            let error = try expectedError { try IDXReader.readImages(at: hugeSide) }
            #expect(error == .badDimensions(file: hugeSide, detail: "5000 rows per image (allowed: 1...1024)"))
        }

        let zeroCount = Fixture.path("bad/zero-count-labels-idx1-ubyte")
        do {
            let error = try expectedError { try IDXReader.readLabels(at: zeroCount) }
            #expect(error == .badDimensions(file: zeroCount, detail: "the header declares 0 labels"))
        }
    }

    @Test("absurd headers never cause a giant allocation")
    func absurdHeaders() throws {
        // Beyond the limit: rejected from the header alone.
        let huge = Fixture.path("bad/huge-count-images-idx3-ubyte")
        do {
            let error = try expectedError { try IDXReader.readImages(at: huge) }
            #expect(error == .tooLarge(file: huge, promised: 0x7FFF_FFFF, record: .image(rows: 28, cols: 28), limit: 256 << 20))
        }

        // Within the limit (235 MB promised) but one image of data: plain is judged by
        // its size, gzip is read incrementally; both report the truncation.
        for ext in ["", ".gz"] {
            let path = Fixture.path("bad/absurd-count-images-idx3-ubyte" + ext)
            do {
                let error = try expectedError { try IDXReader.readImages(at: path) }
                #expect(error == .truncated(file: path, promised: 300_000, complete: 1, record: .image(rows: 28, cols: 28)))
            }
        }

        // A stricter limit applies too.
        let valid = Fixture.path("valid-plain/train-images-idx3-ubyte")
        let strict = IDXLimits(maximumPayloadBytes: 100, maximumSide: 1024)
        do {
            let error = try expectedError { try IDXReader.readImages(at: valid, limits: strict) }
            #expect(error == .tooLarge(file: valid, promised: 12, record: .image(rows: 3, cols: 4), limit: 100))
        }
    }

    @Test("data after the promised records is an error", arguments: ["", ".gz"])
    func trailingData(ext: String) throws {
        let path = Fixture.path("bad/trailing-images-idx3-ubyte" + ext)
        let error = try expectedError { try IDXReader.readImages(at: path) }
        #expect(error == .trailingData(file: path, promised: 12, record: .image(rows: 3, cols: 4)))
        #expect(error.description.hasPrefix(path + ": unexpected data after the 12 images of 3x4"))
    }

    @Test("files that end inside the header")
    func truncatedHeader() throws {
        let short = Fixture.path("bad/truncated-header-labels-idx1-ubyte")
        do {
            let error = try expectedError { try IDXReader.readLabels(at: short) }
            #expect(error == .truncatedHeader(file: short, bytesRead: 6, headerSize: 8))
        }
        let empty = Fixture.path("bad/empty-labels-idx1-ubyte")
        let error = try expectedError { try IDXReader.readLabels(at: empty) }
        #expect(error == .truncatedHeader(file: empty, bytesRead: 0, headerSize: 8))
        #expect(error.description.hasPrefix(empty + ": truncated:"))
    }

    @Test("missing files and directories")
    func cannotOpen() throws {
        let missing = Fixture.path("no-such-file-idx1-ubyte")
        let error = try expectedError { try IDXReader.readLabels(at: missing) }
        guard case let .cannotOpen(file, reason) = error else {
            Issue.record("expected .cannotOpen, got \(error)")
            return
        }
        #expect(file == missing && reason.contains("No such file"))
        do {
            let error = try expectedError { try IDXReader.readLabels(at: Fixture.path("bad")) }
            #expect(error == .notARegularFile(file: Fixture.path("bad")))
        }
    }
}

/// File copying for tests.
enum FileManagerHelper {
    static func copy(_ from: String, to: String) throws {
        try Foundation.FileManager.default.copyItem(atPath: from, toPath: to)
    }
}

import Foundation

@Suite("Every bad fixture")
struct EveryBadFixtureTests {
    static let badFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixture.path("bad"))) ?? []
        return names.sorted()
    }()

    @Test("fails with a one-line message that starts with the file's path")
    func everyBadFileFails() throws {
        #expect(Self.badFiles.count >= 20)
        for name in Self.badFiles {
            let path = Fixture.path("bad/" + name)
            // Label-count and label-value fixtures are valid IDX files; they fail only when paired.
            if name.hasPrefix("eleven-labels") || name.hasPrefix("out-of-range-labels") {
                continue
            }
            let error = try expectedError {
                name.contains("-labels-") ? try IDXReader.readLabels(at: path).count
                    : try IDXReader.readImages(at: path).count
            }
            #expect(error.description.hasPrefix(path + ": "), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }
}
