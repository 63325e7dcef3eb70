import BNNData
import Foundation
import Testing
@testable import BNNFuzzTargets

/// The fuzz targets' judges must be able to say no: a harness whose oracles never
/// fire would fuzz for nothing. These feed them known-bad cases.
@Suite struct FuzzHarnessTests {
    @Test func errorMessagesMustBeOneLineNamingTheFile() {
        #expect(FuzzOutcome.judging(error: "/x/f: truncated", file: "/x/f", loader: "L") == .rejected("/x/f: truncated"))
        #expect(FuzzOutcome.judging(error: "/x/f: bad\nsecond line", file: "/x/f", loader: "L").isViolation)
        #expect(FuzzOutcome.judging(error: "something is wrong", file: "/x/f", loader: "L").isViolation)
        #expect(FuzzOutcome.judging(error: "", file: "/x/f", loader: "L").isViolation)
    }

    @Test func idxOracleCatchesAMisreadFile() {
        let file = SeedCorpus.imagesFile(count: 2, rows: 2, cols: 2)
        let header = [IDXFormat.imagesMagic, 2, 2, 2]
        file.withUnsafeBytes { raw in
            #expect(IDXTargets.compare(raw, header: header, payload: Array(file[16...])) == nil)
            var wrongPixel = Array(file[16...])
            wrongPixel[3] ^= 1
            #expect(IDXTargets.compare(raw, header: header, payload: wrongPixel) != nil)
            #expect(IDXTargets.compare(raw, header: [IDXFormat.imagesMagic, 1, 2, 2], payload: Array(file[16..<20])) != nil)
            #expect(IDXTargets.compare(raw, header: header, payload: Array(file[16...].dropLast())) != nil)
        }
    }

    @Test func gzipTargetsCompressAndDamageAsTheControlByteSays() throws {
        let scratch = try ScratchFile()
        defer { scratch.remove() }
        let images = SeedCorpus.imagesFile(count: 3, rows: 3, cols: 4)
        let target = try #require(FuzzTargets.named("idx-images-gz"))
        #expect(target.run([0] + images, scratch: scratch) == .loaded("3 images of 3x4"))
        // Cut halfway, a flipped bit in the CRC trailer, a second gzip member.
        for control: UInt8 in [1 | 32 << 2, 2 | 62 << 2, 3 | 0 << 2] {
            guard case .rejected = target.run([control] + images, scratch: scratch) else {
                Issue.record("control \(control) should damage the stream"); continue
            }
        }
        // The gzip file really is gzip, and holds the content.
        let gz = images.withUnsafeBytes { GzipInput.gzip($0, scratchPath: scratch.path("t.gz")) }
        #expect(gz.prefix(2) == [0x1F, 0x8B])
        let readBack = try IDXReader.readImages(at: gz.withUnsafeBytes { scratch.write($0, to: "t-images.gz") })
        #expect(readBack.pixels == Array(images[16...]))
    }

    @Test func checkpointFrameRoundTripsARealCheckpoint() throws {
        let file = try #require(CorpusFiles.read(RepositoryPaths.corpus("checkpoint") + "/valid-stoch-epoch1.ckpt"))
        let inner = try #require(CheckpointFrame.unframe(file))
        #expect(inner.withUnsafeBytes { CheckpointFrame.frame($0) } == file)
    }
}
