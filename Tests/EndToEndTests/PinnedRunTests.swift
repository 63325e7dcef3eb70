import Foundation
import Testing

/// A short seeded `bnn-tui train` run must print the same numbers on every build:
/// refactors and speed-ups change no metric unless a commit says so.
///
/// `scripts/pin-seeded-run.sh` defines the run (det, stoch and float, three epochs on the
/// embedded subset, seed 7) and keeps only the fields that depend on the arithmetic, not on
/// the clock. It holds OpenBLAS to its Haswell kernels and the C kernels to AVX2, so the
/// fixture holds on every AVX2 CPU; a change that moves the numbers on purpose regenerates
/// `Fixtures/pinned-run.jsonl` with that script in a commit of its own.
@Suite("pinned seeded run")
struct PinnedRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Whether this CPU can run the AVX2 kernels the pinned run asks for.
    static var cpuHasAVX2: Bool {
        ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").contains(" avx2")
    }

    @Test("det, stoch and float print the pinned numbers", .enabled(if: cpuHasAVX2, "the pinned run uses the AVX2 kernels"))
    func pinnedNumbers() async throws {
        let binary = try BNNTUIBinary.path()
        let directory = try TemporaryDirectory(prefix: "bnn-pinned")
        defer { directory.remove() }
        let output = directory.url.appendingPathComponent("run.jsonl").path
        let script = Self.root.appendingPathComponent("scripts/pin-seeded-run.sh").path
        let result = try await runProcess(["bash", script, output], environment: ["BNN_TUI_BINARY": binary],
                                          timeout: .seconds(300))
        #expect(result.status == 0, "\(result)")
        let expected = try String(contentsOf: Self.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/pinned-run.jsonl"),
                                  encoding: .utf8).split(separator: "\n")
        let actual = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(actual.count == expected.count)
        for (index, (got, want)) in zip(actual, expected).enumerated() {
            #expect(got == want, "epoch record \(index + 1) differs:\n got  \(got)\n want \(want)")
        }
    }
}
