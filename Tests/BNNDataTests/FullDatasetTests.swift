import BNNData
import Foundation
import Testing

/// The real Fashion-MNIST from Debian's `dataset-fashion-mnist`, when installed.
/// Also the load-time measurement: `swift test -c release --filter BNNDataTests.FullDatasetTests`
/// prints the time and the process's resident memory (a measurement, not an assertion:
/// machines are noisy; `bnn-tui bench` reports the load time too).
@Suite("Full Fashion-MNIST (system package)",
       .enabled(if: systemDatasetInstalled(), "dataset-fashion-mnist is not installed"))
struct FullDatasetTests {
    @Test("loads 50,000 / 10,000 / 10,000 quickly and compactly")
    func loadFull() throws {
        let location = try DatasetLocator(explicitDirectory: DatasetDescriptor.fashionMNIST.systemDirectory,
                                          environment: [:], embeddedDirectory: nil).locate()
        let clock = ContinuousClock()
        var splits: DatasetSplits?
        let elapsed = try clock.measure {
            splits = try DatasetLoader.loadSplits(from: location)
        }
        let data = try #require(splits)
        #expect(data.train.count == 50_000 && data.validation.count == 10_000 && data.test.count == 10_000)
        #expect(data.train.featureCount == 784)
        // Fashion-MNIST is balanced: 6,000 per class in the training file, 1,000 in the test file.
        let trainingFile = zip(data.train.classHistogram(), data.validation.classHistogram()).map { $0 + $1 }
        #expect(trainingFile == [Int](repeating: 6_000, count: 10))
        #expect(data.test.classHistogram() == [Int](repeating: 1_000, count: 10))

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let memory = ResidentMemory.current()
        print(String(format: "full Fashion-MNIST load: %.3f s; resident now %d MB, peak %d MB",
                     seconds, memory.residentMB, memory.peakMB))
    }
}

/// Whether all four Fashion-MNIST files are in the system dataset folder.
func systemDatasetInstalled() -> Bool {
    if case .found = DatasetFiles.lookup(in: DatasetDescriptor.fashionMNIST.systemDirectory) { return true }
    return false
}

/// VmRSS and VmHWM from /proc/self/status (Linux); zeros elsewhere.
enum ResidentMemory {
    static func current() -> (residentMB: Int, peakMB: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }
}
