import BNNFuzzTargets
import Testing

/// Every committed seed input runs through its fuzz target (the same code libFuzzer
/// runs) in the debug build: no crash, no contract violation, and the file names
/// keep their promise: `valid-*` loads, `bad-*` is refused with a typed error.
@Suite struct CorpusReplayTests {
    @Test(arguments: FuzzTargets.all.map(\.name))
    func seedsBehaveAsNamed(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let scratch = try ScratchFile()
        defer { scratch.remove() }
        let files = CorpusFiles.list(RepositoryPaths.corpus(name))
        #expect(files.contains { $0.split(separator: "/").last!.hasPrefix("valid") }, "\(name) has no valid seed")
        #expect(files.contains { $0.split(separator: "/").last!.hasPrefix("bad") }, "\(name) has no bad seed")
        for file in files {
            let seed = String(file.split(separator: "/").last!)
            let bytes = try #require(CorpusFiles.read(file))
            #expect(bytes.count <= target.maximumInputLength, "\(seed) is longer than \(name)'s -max_len")
            let outcome = target.run(bytes, scratch: scratch)
            switch outcome {
            case .loaded:
                #expect(!seed.hasPrefix("bad"), "\(name)/\(seed) should be refused: \(outcome)")
            case .rejected:
                #expect(!seed.hasPrefix("valid"), "\(name)/\(seed) should load: \(outcome)")
            case .violation(let message):
                Issue.record("\(name)/\(seed): \(message)")
            }
        }
    }

    @Test func everyTargetHasACorpusFolder() {
        for target in FuzzTargets.all {
            #expect(!CorpusFiles.list(RepositoryPaths.corpus(target.name)).isEmpty, "Fuzz/Corpus/\(target.name) is empty")
        }
    }
}
