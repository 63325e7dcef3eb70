import BNNFuzzTargets
import BNNSupport

/// `bnn-fuzz`: runs bnn-tui's loaders on fuzz inputs.
///
/// Built with `-sanitize=fuzzer,address -DBNN_LIBFUZZER` (scripts/fuzz.sh) it is a
/// libFuzzer binary for one target at a time; a plain `swift build` makes the same
/// tool a replayer that runs saved inputs (corpus, crashes) through a target and
/// prints what each did, which is how crashes are reproduced with a readable stack.
///
///     bnn-fuzz list
///     bnn-fuzz <target> [libFuzzer flags] [corpus dirs or input files]
///     bnn-fuzz make-corpus <dir>
@main
enum BNNFuzz {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else { usage() }
        switch arguments[1] {
        case "list":
            for target in FuzzTargets.all {
                print("\(target.name)\t\(target.maximumInputLength)\t\(target.summary)")
            }
        case "make-corpus":
            guard arguments.count == 3 else { usage() }
            do {
                let written = try SeedCorpus.write(to: arguments[2])
                print("wrote \(written) seed inputs under \(arguments[2])")
            } catch {
                fail("make-corpus: \(error)")
            }
        case let name where FuzzTargets.named(name) != nil:
            setenv(FuzzSession.targetVariable, name, 1)
            exit(FuzzSession.run(arguments: [arguments[0]] + arguments.dropFirst(2)))
        case let other:
            // libFuzzer's -fork/-jobs workers are started without the target name: it is in the environment.
            guard getenv(FuzzSession.targetVariable) != nil else { fail("unknown target '\(other)' (bnn-fuzz list)") }
            exit(FuzzSession.run(arguments: arguments))
        }
    }

    static func usage() -> Never {
        fail("""
            usage: bnn-fuzz list
                   bnn-fuzz <target> [libFuzzer flags] [corpus dirs or input files]
                   bnn-fuzz make-corpus <dir>
            """)
    }

    static func fail(_ message: String) -> Never {
        let line = Array("bnn-fuzz: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
}
