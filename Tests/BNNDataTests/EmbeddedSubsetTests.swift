import BNNData
import BNNEmbeddedData
import Foundation
import Testing

@Suite("Embedded subset")
struct EmbeddedSubsetTests {
    @Test("is found next to the test binary and loads as 5,000 / 1,000 / 1,000, stratified")
    func loads() throws {
        let directory = try #require(EmbeddedSubset.directory())
        #expect(directory.hasSuffix("/fashion-mnist-subset"))
        let location = try DatasetLocator(environment: [:], currentDirectory: "/nonexistent",
                                          systemDirectory: "/nonexistent").locate()
        #expect(location.source == .embeddedSubset(path: directory))
        #expect(location.notice != nil)

        let (training, test) = try DatasetLoader.loadFiles(location.files)
        #expect(training.count == 6_000 && test.count == 1_000)
        #expect(training.rows == 28 && training.cols == 28 && training.featureCount == 784)
        #expect(training.labels.allSatisfy { $0 <= 9 } && test.labels.allSatisfy { $0 <= 9 })

        let splits = try DatasetLoader.loadSplits(from: location)
        #expect(splits.train.count == 5_000 && splits.validation.count == 1_000 && splits.test.count == 1_000)
        #expect(splits.train.classHistogram() == [Int](repeating: 500, count: 10))
        #expect(splits.validation.classHistogram() == [Int](repeating: 100, count: 10))
        #expect(splits.test.classHistogram() == [Int](repeating: 100, count: 10))
        #expect(splits.source.isEmbeddedSubset)
        // Real images: not blank, using the whole byte range.
        #expect(training.pixels.contains(0) && training.pixels.contains(255))
    }

    @Test("the first place searched is next to the running executable")
    func candidates() {
        let candidates = EmbeddedSubset.candidateDirectories()
        #expect(!candidates.isEmpty)
        #expect(candidates.first?.contains("_BNNEmbeddedData.") == true)
        #expect(Set(candidates).count == candidates.count)
        #expect(candidates.last?.hasSuffix("Data/BNNEmbeddedData/fashion-mnist-subset") == true)  // source tree
        // Built normally, the bundle next to the binary is used, not the source tree.
        let found = EmbeddedSubset.directory()
        print("embedded subset found at \(found ?? "nil")")
        if let first = candidates.first, FileManager.default.fileExists(atPath: first) {
            #expect(found == first)
        }
    }
}
