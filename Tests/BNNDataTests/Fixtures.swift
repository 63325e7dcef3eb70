import BNNData
import Foundation
import Testing

/// Paths of the committed fixtures (see Fixtures/make-fixtures.py) and the formulas they were made with.
enum Fixture {
    static let directory: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures resource missing from the test bundle")
        }
        return url.path
    }()

    static func path(_ relative: String) -> String { directory + "/" + relative }

    static let rows = 3, cols = 4, features = 12
    static let trainCount = 12, testCount = 6

    /// Pixel `k` of training image `i`, as make-fixtures.py writes it.
    static func trainPixel(_ i: Int, _ k: Int) -> UInt8 {
        if i == trainCount - 1, k == features - 1 { return 255 }
        return UInt8((29 * i + 23 * k) % 256)
    }

    static func testPixel(_ i: Int, _ k: Int) -> UInt8 { UInt8((29 * (i + 100) + 23 * k) % 256) }
    static func trainLabel(_ i: Int) -> UInt8 { UInt8((7 * i) % 10) }
    static func testLabel(_ i: Int) -> UInt8 { UInt8((3 * i + 1) % 10) }

    static var expectedTrainPixels: [UInt8] {
        (0..<trainCount).flatMap { i in (0..<features).map { trainPixel(i, $0) } }
    }
    static var expectedTestPixels: [UInt8] {
        (0..<testCount).flatMap { i in (0..<features).map { testPixel(i, $0) } }
    }
}

struct NoErrorThrown: Error {}

/// The `DatasetError` that `body` throws; records an issue (and throws) if it succeeds
/// or throws anything else. (Closures here throw `any Error`: Swift 6.3 infers typed
/// throws for closures only when annotated.)
func expectedError<T>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) throws -> DatasetError {
    do {
        _ = try body()
    } catch let error as DatasetError {
        return error
    } catch {
        Issue.record("expected a DatasetError, got \(error)", sourceLocation: sourceLocation)
        throw error
    }
    Issue.record("expected a DatasetError, but the call succeeded", sourceLocation: sourceLocation)
    throw NoErrorThrown()
}

/// A fresh temporary directory, removed by the caller with `removeTemporaryDirectory`.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("bnndata-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

func removeTemporaryDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Copies the four valid fixture files (plain or gz) into `directory`, creating it.
func installValidDataset(in directory: String, gzip: Bool = false) throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for base in DatasetFiles.baseNames {
        let name = gzip ? base + ".gz" : base
        try fm.copyItem(atPath: Fixture.path((gzip ? "valid-gz/" : "valid-plain/") + name),
                        toPath: directory + "/" + name)
    }
}
