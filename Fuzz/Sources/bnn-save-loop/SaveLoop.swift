import BNNEngine
import Foundation
import BNNSupport

/// `bnn-save-loop`: saves checkpoints of one run to the same path over and over,
/// for the kill -9 test and scripts/kill-during-save.sh (docs/reliability.md).
///
///     bnn-save-loop <checkpoint> <progress-file> [saves] [--in-place]
///     bnn-save-loop verify <checkpoint>
///
/// Save `i` sets the learning rate to i/1024 first, so the file says which save
/// wrote it. After each save returns, the line `saved i <microseconds>` is
/// appended to the progress file (after `ready` once the run is built). A test
/// kills this process with SIGKILL at a random moment and checks that the
/// checkpoint is the last completed save or the one in flight, and loads.
///
/// `--in-place` is the negative control: it rewrites the checkpoint's bytes over
/// the old file (truncate, then write 64 KiB at a time), as a non-atomic writer
/// would; kills then leave torn files, which shows the check can fail. `verify`
/// prints `save <i>` for a loadable checkpoint (exit 0), the error (exit 1), or
/// `missing` (exit 3). The loop also ends when its parent process exits.
@main
enum SaveLoop {
    /// The run whose checkpoints are saved: about 1.6 MB per checkpoint, so a save
    /// takes long enough for kills to land inside it.
    static let configuration = TrainingConfiguration(
        architecture: Architecture(widths: [256, 256, 256, 10]), mode: .deterministic, batchSize: 50, epochs: 1)

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count == 2, arguments[0] == "verify" { verify(arguments[1]) }
        let inPlace = arguments.contains("--in-place")
        arguments.removeAll { $0 == "--in-place" }
        guard arguments.count == 2 || (arguments.count == 3 && Int(arguments[2]) != nil) else {
            fail("usage: bnn-save-loop <checkpoint> <progress-file> [saves] [--in-place] | verify <checkpoint>")
        }
        let checkpoint = arguments[0]
        let saves = arguments.count == 3 ? Int(arguments[2])! : Int.max
        let progress = open(arguments[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard progress >= 0 else { fail("cannot open \(arguments[1]): \(String(cString: strerror(errno)))") }

        let run: TrainingRun
        do {
            let data = StripedImages(count: 100, featureCount: configuration.architecture.inputSize)
            run = try TrainingRun(name: "save-loop", configuration: configuration,
                                  data: TrainingData(train: data, validation: data, test: data))
        } catch {
            fail("cannot build the run: \(error)")
        }
        report("ready", to: progress)
        // An endless loop must not outlive the test that started it (a killed `swift test`
        // once left one saving for an hour): stop when the parent is gone.
        let parent = getppid()
        var i = 0
        while i < saves, getppid() == parent {
            i += 1
            run.setLearningRate(Double(i) / 1024)
            let start = monotonicMicroseconds()
            do {
                if inPlace {
                    try run.saveCheckpoint(to: checkpoint + ".staging")
                    try overwriteInPlace(checkpoint, from: checkpoint + ".staging")
                } else {
                    try run.saveCheckpoint(to: checkpoint)
                }
            } catch {
                fail("save \(i) failed: \(error)")
            }
            report("saved \(i) \(monotonicMicroseconds() - start)", to: progress)
        }
        close(progress)
    }

    /// `verify`: loads the checkpoint and prints which save wrote it.
    static func verify(_ path: String) -> Never {
        guard access(path, F_OK) == 0 else { print("missing"); exit(3) }
        do throws(CheckpointError) {
            let checkpoint = try RunCheckpoint(contentsOf: path)
            print("save \(saveNumber(learningRate: checkpoint.learningRate))")
            exit(0)
        } catch {
            print(error.description)
            exit(1)
        }
    }

    /// The non-atomic write of the negative control: truncate `path`, then copy `source` over it.
    static func overwriteInPlace(_ path: String, from source: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { fail("cannot open \(path)") }
        defer { close(fd) }
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, min(65536, raw.count - offset))
                guard n > 0 else { throw CocoaError(.fileWriteUnknown) }
                offset += n
            }
        }
    }

    /// The save number a checkpoint of this helper records (its learning rate times 1024).
    static func saveNumber(learningRate: Double) -> Int { Int((learningRate * 1024).rounded()) }

    static func report(_ line: String, to fd: Int32) {
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count { fail("cannot write progress: \(String(cString: strerror(errno)))") }
    }

    static func monotonicMicroseconds() -> Int {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t.tv_sec * 1_000_000 + t.tv_nsec / 1000
    }

    static func fail(_ message: String) -> Never {
        let line = Array("bnn-save-loop: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
}

/// Images of vertical stripes, class = stripe phase: enough data to build a run.
struct StripedImages: ImageBatchSource {
    let count: Int
    let featureCount: Int

    func gather(indices: UnsafeBufferPointer<Int>, pixels: UnsafeMutablePointer<Float>,
                labels: UnsafeMutablePointer<Int32>) {
        for (row, index) in indices.enumerated() {
            for j in 0..<featureCount { pixels[row * featureCount + j] = (j + index) % 10 < 5 ? 1 : -1 }
            labels[row] = Int32(index % 10)
        }
    }
}
