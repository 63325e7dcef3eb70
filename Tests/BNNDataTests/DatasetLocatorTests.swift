import BNNData
import Foundation
import Testing

@Suite("Dataset discovery")
struct DatasetLocatorTests {
    /// A sandbox with five complete dataset directories, one per place the locator looks.
    struct Sandbox {
        let root: String
        var explicit: String { root + "/explicit" }
        var fromEnvironment: String { root + "/env" }
        var cwd: String { root + "/cwd" }
        var cwdData: String { cwd + "/Data/fashion-mnist" }
        var system: String { root + "/system" }
        var embedded: String { root + "/embedded" }

        init() throws {
            root = try makeTemporaryDirectory()
            for dir in [explicit, fromEnvironment, cwdData, system] { try installValidDataset(in: dir) }
            try installValidDataset(in: embedded, gzip: true)
        }

        func locator(explicit: String? = nil, environment: [String: String] = [:], embedded: String?? = nil) -> DatasetLocator {
            DatasetLocator(explicitDirectory: explicit, environment: environment, currentDirectory: cwd,
                           systemDirectory: system, embeddedDirectory: embedded ?? self.embedded)
        }

        func remove(_ dir: String) throws { try FileManager.default.removeItem(atPath: dir) }
    }

    @Test("explicit beats BNN_DATA beats ./Data beats the system folder beats the embedded subset")
    func order() throws {
        let box = try Sandbox()
        defer { removeTemporaryDirectory(box.root) }
        let env = ["BNN_DATA": box.fromEnvironment]

        var location = try box.locator(explicit: box.explicit, environment: env).locate()
        #expect(location.source == .directory(path: box.explicit, origin: .explicit))
        #expect(location.files.trainImages == box.explicit + "/train-images-idx3-ubyte")
        #expect(location.notice == nil)

        location = try box.locator(environment: env).locate()
        #expect(location.source == .directory(path: box.fromEnvironment, origin: .environment))

        location = try box.locator(environment: ["BNN_DATA": ""]).locate()  // empty counts as unset
        #expect(location.source == .directory(path: box.cwdData, origin: .workingDirectory))

        try box.remove(box.cwdData)
        location = try box.locator().locate()
        #expect(location.source == .directory(path: box.system, origin: .systemDirectory))
        #expect(location.notice == nil)

        try box.remove(box.system)
        location = try box.locator().locate()
        #expect(location.source == .embeddedSubset(path: box.embedded))
        #expect(location.source.isEmbeddedSubset)
        #expect(location.files.testLabels == box.embedded + "/t10k-labels-idx1-ubyte.gz")
        let notice = try #require(location.notice)
        #expect(notice.contains("embedded subset") && notice.contains("--data") && !notice.contains("\n"))

        let missing = try expectedError { try box.locator(embedded: .some(nil)).locate() }
        guard case .embeddedSubsetMissing = missing else {
            Issue.record("expected embeddedSubsetMissing, got \(missing)")
            return
        }
    }

    @Test("a missing --data or BNN_DATA directory is an error, not a fallback")
    func explicitMissing() throws {
        let box = try Sandbox()
        defer { removeTemporaryDirectory(box.root) }
        let nowhere = box.root + "/nowhere"

        let e1 = try expectedError { try box.locator(explicit: nowhere).locate() }
        #expect(e1 == .directoryNotFound(path: nowhere, origin: .explicit))
        #expect(e1.description == "\(nowhere): data directory (from --data) does not exist or is not a directory")

        let e2 = try expectedError { try box.locator(environment: ["BNN_DATA": nowhere]).locate() }
        #expect(e2 == .directoryNotFound(path: nowhere, origin: .environment))
        #expect(e2.description.contains("BNN_DATA"))

        // A file is not a directory.
        let file = box.explicit + "/train-images-idx3-ubyte"
        #expect(try expectedError { try box.locator(explicit: file).locate() } == .directoryNotFound(path: file, origin: .explicit))
    }

    @Test("an incomplete --data or BNN_DATA directory is an error naming what is missing")
    func explicitIncomplete() throws {
        let box = try Sandbox()
        defer { removeTemporaryDirectory(box.root) }
        try box.remove(box.explicit + "/t10k-labels-idx1-ubyte")
        let error = try expectedError { try box.locator(explicit: box.explicit).locate() }
        #expect(error == .missingFiles(directory: box.explicit, origin: .explicit, missing: ["t10k-labels-idx1-ubyte[.gz]"]))
        #expect(error.description.hasPrefix(box.explicit + ": ") && error.description.contains("t10k-labels-idx1-ubyte"))

        let empty = box.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let e2 = try expectedError { try box.locator(environment: ["BNN_DATA": empty]).locate() }
        #expect(e2 == .missingFiles(directory: empty, origin: .environment,
                                    missing: DatasetFiles.baseNames.map { $0 + "[.gz]" }))
    }

    @Test("an incomplete implicit directory is skipped and mentioned in the notice")
    func implicitIncompleteFallsThrough() throws {
        let box = try Sandbox()
        defer { removeTemporaryDirectory(box.root) }
        try box.remove(box.cwdData + "/train-labels-idx1-ubyte")
        var location = try box.locator().locate()
        #expect(location.source == .directory(path: box.system, origin: .systemDirectory))

        try box.remove(box.system)
        location = try box.locator().locate()
        #expect(location.source.isEmbeddedSubset)
        #expect(location.notice?.contains("\(box.cwdData) lacks train-labels-idx1-ubyte[.gz]") == true)
    }

    @Test("relative and ~ paths resolve against the injected directory and HOME")
    func relativePaths() throws {
        let box = try Sandbox()
        defer { removeTemporaryDirectory(box.root) }
        try installValidDataset(in: box.cwd + "/mine")
        let relative = try box.locator(explicit: "mine").locate()
        #expect(relative.source.path == box.cwd + "/mine")

        let home = try box.locator(explicit: "~/explicit", environment: ["HOME": box.root]).locate()
        #expect(home.source == .directory(path: box.explicit, origin: .explicit))
    }

    @Test("plain files win over .gz; either alone is found")
    func plainOrGzip() throws {
        let box = try Sandbox()
        defer { removeTemporaryDirectory(box.root) }
        try FileManager.default.copyItem(atPath: Fixture.path("valid-gz/train-images-idx3-ubyte.gz"),
                                         toPath: box.explicit + "/train-images-idx3-ubyte.gz")
        try box.remove(box.explicit + "/t10k-images-idx3-ubyte")
        try FileManager.default.copyItem(atPath: Fixture.path("valid-gz/t10k-images-idx3-ubyte.gz"),
                                         toPath: box.explicit + "/t10k-images-idx3-ubyte.gz")
        let files = try box.locator(explicit: box.explicit).locate().files
        #expect(files.trainImages == box.explicit + "/train-images-idx3-ubyte")
        #expect(files.testImages == box.explicit + "/t10k-images-idx3-ubyte.gz")
    }
}

@Suite("Loading located data")
struct DatasetLoaderTests {
    @Test("a located directory loads into splits", arguments: ["valid-plain", "valid-gz"])
    func loadSplits(folder: String) throws {
        let location = try DatasetLocator(explicitDirectory: Fixture.path(folder), environment: [:],
                                          currentDirectory: "/", systemDirectory: "/nonexistent",
                                          embeddedDirectory: nil).locate()
        let splits = try DatasetLoader.loadSplits(from: location)
        #expect(splits.train.count == 10 && splits.validation.count == 2 && splits.test.count == 6)
        #expect(splits.train.pixels == Array(Fixture.expectedTrainPixels[0..<120]))
        #expect(splits.validation.labels == [10, 11].map(Fixture.trainLabel))
        #expect(splits.test.pixels == Fixture.expectedTestPixels)
        #expect(splits.source == .directory(path: Fixture.path(folder), origin: .explicit))
    }

    @Test("bad options fail before any file is read")
    func optionsFirst() throws {
        let files = DatasetFiles(trainImages: "/nonexistent/a", trainLabels: "/nonexistent/b",
                                 testImages: "/nonexistent/c", testLabels: "/nonexistent/d")
        let location = DatasetLocation(source: .directory(path: "/nonexistent", origin: .explicit), files: files, notice: nil)
        #expect(try expectedError { try DatasetLoader.loadSplits(from: location, options: SplitOptions(evalLimit: 0)) }
            == .invalidOption(name: "eval limit", value: 0, requirement: "at least 1"))
    }

    @Test("a directory whose training labels are one short")
    func countMismatchDirectory() throws {
        let dir = Fixture.path("count-mismatch")
        let location = try DatasetLocator(explicitDirectory: dir, environment: [:], embeddedDirectory: nil).locate()
        let error = try expectedError { try DatasetLoader.loadSplits(from: location) }
        #expect(error == .countMismatch(imagesFile: dir + "/train-images-idx3-ubyte.gz", imageCount: 12,
                                        labelsFile: dir + "/train-labels-idx1-ubyte.gz", labelCount: 11))
    }

    @Test("training and test images of different sizes")
    func shapeMismatchDirectory() throws {
        let dir = Fixture.path("shape-mismatch")
        let location = try DatasetLocator(explicitDirectory: dir, environment: [:], embeddedDirectory: nil).locate()
        let error = try expectedError { try DatasetLoader.loadSplits(from: location) }
        #expect(error == .shapeMismatch(file: dir + "/t10k-images-idx3-ubyte", rows: 5, cols: 5, expectedRows: 3, expectedCols: 4))
        #expect(error.description == "\(dir)/t10k-images-idx3-ubyte: images are 5x5 but the other file's are 3x4")
    }
}
