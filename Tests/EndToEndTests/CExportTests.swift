import BNNData
import Foundation
import Testing

/// `export --format c` on trained models, proven on real compilers (docs/deploy.md).
///
/// For a det and a stoch 784-1024-10 network trained briefly on real Fashion-MNIST
/// (2 epochs on 3,000 images), and for a small ConvNet trained for 1 epoch on 1,000 images
/// (det zero-padded, stoch one-padded), the generated C, compiled with
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
        let run = try await TrainedRun(arch: "784-1024-10", mode: mode, training: ["--epochs", "2", "--train-limit", "3000"])
        defer { run.directory.remove() }
        let header = try await run.exportC(from: run.checkpoint, to: "c-ckpt")
        #expect(header.contains("#define BNN_INPUT_SIZE 784") && header.contains("multilayer perceptron"))

        // The C from the checkpoint and from the packed file is the same program.
        _ = try await run.exportC(from: run.path("model.bnn"), to: "c-bnn")
        let fromCheckpoint = try String(contentsOfFile: run.path("c-ckpt/bnn_model.c"), encoding: .utf8)
        #expect(fromCheckpoint == (try String(contentsOfFile: run.path("c-bnn/bnn_model.c"), encoding: .utf8)))

        // The engine (recorded at the last epoch), eval and the export agree on the test error.
        let engineError = try #require(run.train.stdout.firstMatch(of: /final test error\s+(\d+\.\d\d)%/)?.output.1, "\(run.train)")
        #expect(run.evalError == engineError, "eval \(run.evalError)% vs engine \(engineError)%")
        try await run.checkOnCompilers("c-ckpt")
    }

    @Test("trained ConvNets, both paddings: C predictions equal eval's on every test image; summary reads the checkpoint",
          arguments: [("det", "zero"), ("stoch", "one")])
    func convNetMatchesEval(mode: String, padding: String) async throws {
        let arch = "4C3-MP2-8C3-MP2-16FC-10"
        let run = try await TrainedRun(arch: arch, mode: mode, training: ["--padding", padding, "--epochs", "1",
                                                                          "--train-limit", "1000", "--eval-limit", "500"])
        defer { run.directory.remove() }
        let header = try await run.exportC(from: run.checkpoint, to: "c-ckpt")
        #expect(header.contains("\(arch) ConvNet on 28x28x1 images, \(padding)-padding"), "\(header.prefix(1500))")
        #expect(header.contains("layer 2: conv 3x3x4 -> 8 on 14x14, binary in (XNOR-popcount, \(padding)-padding)"))
        try await run.checkOnCompilers("c-ckpt")

        let summary = try await runProcess([run.binary, "summary", run.checkpoint, "--images", "20"], timeout: .seconds(120))
        #expect(summary.status == 0, "\(summary)")
        #expect(summary.stdout.contains("\(arch) binarized ConvNet") && summary.stdout.contains("conv 3×3×4→8"), "\(summary.stdout)")
        #expect(summary.stdout.contains("latency on ") && summary.stdout.contains("µs per image at batch 1"))
        let json = try await runProcess([run.binary, "summary", run.path("model.bnn"), "--json", "--no-latency"], timeout: .seconds(60))
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let layers = (object?["summary"] as? [String: Any])?["layers"] as? [[String: Any]]
        #expect(layers?.map { $0["name"] as? String } == ["conv0", "pool1", "conv2", "pool3", "dense4", "dense5"], "\(json)")
        #expect((layers?[0]["pixelMultiplyAccumulates"] as? Int) == 28 * 28 * 4 * 9)
    }
}

/// A run trained by `bnn-tui train`, packed by `export` and evaluated by `eval --predictions`
/// in a temporary directory: what each C export test starts from.
struct TrainedRun {
    let binary: String
    let mode: String
    let directory: TemporaryDirectory
    let train: ProcessResult
    /// eval's test error on the 10,000 test images, e.g. "24.71".
    let evalError: String

    var checkpoint: String { path("run.ckpt") }
    func path(_ name: String) -> String { directory.url.appendingPathComponent(name).path }

    init(arch: String, mode: String, training: [String]) async throws {
        binary = try BNNTUIBinary.path()
        self.mode = mode
        directory = try TemporaryDirectory(prefix: "bnn-cexport-\(mode)")
        let dir = directory
        func path(_ name: String) -> String { dir.url.appendingPathComponent(name).path }
        train = try await runProcess([binary, "train", "--arch", arch, "--mode", mode, "--threads", "2", "--save", path("run.ckpt")] + training,
                                     timeout: .seconds(300))
        #expect(train.status == 0, "\(train)")
        let pack = try await runProcess([binary, "export", path("run.ckpt"), "-o", path("model.bnn")])
        #expect(pack.status == 0, "\(pack)")
        let eval = try await runProcess([binary, "eval", path("model.bnn"), "--predictions", path("eval.txt"), "--threads", "1"],
                                        timeout: .seconds(120))
        #expect(eval.status == 0, "\(eval)")
        evalError = String(try #require(eval.stdout.firstMatch(of: /test error (\d+\.\d\d)%/)?.output.1, "\(eval)"))
    }

    /// `export INPUT --format c --output DIR`; checks the header's API, mode and test error and that
    /// the source has no floating point or malloc, and returns the header.
    func exportC(from input: String, to name: String) async throws -> String {
        let export = try await runProcess([binary, "export", input, "--format", "c", "--output", path(name)], timeout: .seconds(120))
        #expect(export.status == 0, "\(export)")
        let header = try String(contentsOfFile: path("\(name)/bnn_model.h"), encoding: .utf8)
        let source = try String(contentsOfFile: path("\(name)/bnn_model.c"), encoding: .utf8)
        #expect(header.contains("#define BNN_CLASSES 10") && header.contains("int bnn_predict(const uint8_t *pixels, void *scratch);"))
        if input.hasSuffix(".ckpt") {
            #expect(header.contains("Mode:         \(mode)"), "\(header.prefix(1500))")
            #expect(header.contains("Test error:   \(evalError)% ("), "\(header.prefix(1500))")
        }
        #expect(!source.contains("float") && !source.contains("double") && !source.contains("malloc"))
        return header
    }

    /// scripts/c-export-check.sh on the C in `name`: all 10,000 test images natively, the first
    /// `CExportTests.crossImages` under each qemu, the Cortex-M4 link.
    func checkOnCompilers(_ name: String) async throws {
        let test = try DatasetLoader.loadFiles(try DatasetLocator(explicitDirectory: nil).locate().files).test
        try #require(test.count == 10000, "the full Fashion-MNIST test set is needed (apt-get install dataset-fashion-mnist)")
        try Data(test.pixels).write(to: URL(fileURLWithPath: path("pixels.raw")))
        let script = BNNTUIBinary.packageRoot.appendingPathComponent("scripts/c-export-check.sh").path
        let check = try await runProcess(["bash", script, path(name), path("pixels.raw"), path("eval.txt")],
                                         environment: ["CROSS_IMAGES": "\(CExportTests.crossImages)"], timeout: .seconds(600))
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("(cc -O2): 10000 of 10000 predictions identical"), "\(check)")
        for line in check.stdout.split(separator: "\n") { print("c-export-check (\(mode)): \(line)") }
    }
}
