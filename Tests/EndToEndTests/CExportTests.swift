import BNNData
import Foundation
import Testing

/// `export --format c` on trained models, proven on real compilers (docs/deploy.md).
///
/// For a det and a stoch 784-1024-10 network trained briefly on real Fashion-MNIST
/// (2 epochs on 3,000 images), the generated C, compiled with
/// `cc -std=c99 -Wall -Wextra -Werror -pedantic -O2`, must predict exactly what
/// `eval --predictions` predicts on all 10,000 test images; scripts/c-export-check.sh
/// also runs it for arm64 and big-endian s390x under qemu (the first 1,000 images, to
/// keep CI fast) and links it for a Cortex-M4, each step skipped with a message
/// when its cross tool is missing.
@Suite("C export on real compilers", .serialized)
struct CExportTests {
    static let crossImages = 1000

    @Test("trained det and stoch models: C predictions equal eval's on every test image", arguments: ["det", "stoch"])
    func cMatchesEval(mode: String) async throws {
        let binary = try BNNTUIBinary.path()
        let dir = try TemporaryDirectory(prefix: "bnn-cexport-\(mode)")
        defer { dir.remove() }
        func path(_ name: String) -> String { dir.url.appendingPathComponent(name).path }

        let train = try await runProcess([binary, "train", "--arch", "784-1024-10", "--mode", mode, "--epochs", "2",
                                          "--train-limit", "3000", "--threads", "2", "--save", path("run.ckpt")],
                                         timeout: .seconds(300))
        #expect(train.status == 0, "\(train)")
        let pack = try await runProcess([binary, "export", path("run.ckpt"), "-o", path("model.bnn")])
        #expect(pack.status == 0, "\(pack)")
        let eval = try await runProcess([binary, "eval", path("model.bnn"), "--predictions", path("eval.txt"), "--threads", "1"],
                                        timeout: .seconds(120))
        #expect(eval.status == 0, "\(eval)")

        // The C from the checkpoint and from the packed file is the same program.
        for (input, out) in [(path("run.ckpt"), path("c-ckpt")), (path("model.bnn"), path("c-bnn"))] {
            let export = try await runProcess([binary, "export", input, "--format", "c", "--output", out], timeout: .seconds(120))
            #expect(export.status == 0, "\(export)")
        }
        let fromCheckpoint = try String(contentsOfFile: path("c-ckpt/bnn_model.c"), encoding: .utf8)
        #expect(fromCheckpoint == (try String(contentsOfFile: path("c-bnn/bnn_model.c"), encoding: .utf8)))
        let header = try String(contentsOfFile: path("c-ckpt/bnn_model.h"), encoding: .utf8)
        #expect(header.contains("#define BNN_INPUT_SIZE 784") && header.contains("#define BNN_CLASSES 10"))
        #expect(header.contains("int bnn_predict(const uint8_t *pixels, void *scratch);"))
        #expect(header.contains("Mode:         \(mode)"), "\(header.prefix(1500))")
        #expect(!fromCheckpoint.contains("float") && !fromCheckpoint.contains("double") && !fromCheckpoint.contains("malloc"))

        // The engine (recorded at the last epoch), eval and the export agree on the test error.
        let evalError = try #require(eval.stdout.firstMatch(of: /test error (\d+\.\d\d)%/)?.output.1)
        let engineError = try #require(train.stdout.firstMatch(of: /final test error\s+(\d+\.\d\d)%/)?.output.1, "\(train)")
        #expect(evalError == engineError, "eval \(evalError)% vs engine \(engineError)%")
        #expect(header.contains("Test error:   \(evalError)% (") , "\(header.prefix(1500))")

        let test = try DatasetLoader.loadFiles(try DatasetLocator(explicitDirectory: nil).locate().files).test
        try #require(test.count == 10000, "the full Fashion-MNIST test set is needed (apt-get install dataset-fashion-mnist)")
        try Data(test.pixels).write(to: URL(fileURLWithPath: path("pixels.raw")))
        let script = BNNTUIBinary.packageRoot.appendingPathComponent("scripts/c-export-check.sh").path
        let check = try await runProcess(["bash", script, path("c-ckpt"), path("pixels.raw"), path("eval.txt")],
                                         environment: ["CROSS_IMAGES": "\(Self.crossImages)"], timeout: .seconds(600))
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("(cc -O2): 10000 of 10000 predictions identical"), "\(check)")
        for line in check.stdout.split(separator: "\n") { print("c-export-check (\(mode)): \(line)") }
    }
}
