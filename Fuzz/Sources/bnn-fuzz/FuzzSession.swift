import BNNFuzzTargets
import BNNSupport
#if BNN_LIBFUZZER
import CLibFuzzer
#endif

/// The target this process fuzzes and its scratch folder, fixed for the whole
/// process. The target's name travels in an environment variable so that the
/// processes libFuzzer may start itself (-fork, -jobs) fuzz the same target.
enum FuzzSession {
    static let targetVariable = "BNN_FUZZ_TARGET"

    static let target: FuzzTarget = {
        guard let name = getenv(targetVariable).map({ String(cString: $0) }),
              let target = FuzzTargets.named(name) else {
            BNNFuzz.fail("\(targetVariable) does not name a target")
        }
        return target
    }()

    static let scratch: ScratchFile = {
        do {
            let scratch = try ScratchFile()
            atexit { FuzzSession.scratch.remove() }
            return scratch
        } catch {
            BNNFuzz.fail("cannot create a scratch folder: \(error)")
        }
    }()

    /// One input through the target; a contract violation stops the process like a crash,
    /// so libFuzzer keeps the input.
    static func runOne(_ input: UnsafeRawBufferPointer) {
        if case .violation(let message) = target.run(input, scratch: scratch) {
            fatalError("contract violation in \(target.name): \(message)")
        }
    }

    #if BNN_LIBFUZZER
    /// Hands the command line (program name, libFuzzer flags, corpus) to libFuzzer.
    static func run(arguments: [String]) -> Int32 {
        _ = target
        _ = scratch
        var argc = Int32(arguments.count)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
        for (i, argument) in arguments.enumerated() { argv![i] = strdup(argument) }
        argv![arguments.count] = nil
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzSession.runOne(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }
    #else
    /// Without libFuzzer: runs every input file (or every file in each folder) once and
    /// prints its outcome; exits 1 if any input broke the target's contract.
    static func run(arguments: [String]) -> Int32 {
        var violations = 0, count = 0
        for argument in arguments.dropFirst() where !argument.hasPrefix("-") {
            for path in CorpusFiles.list(argument) {
                guard let bytes = CorpusFiles.read(path) else { BNNFuzz.fail("cannot read \(path)") }
                let outcome = target.run(bytes, scratch: scratch)
                count += 1
                switch outcome {
                case .loaded(let what): print("\(path): loaded \(what)")
                case .rejected(let message): print("\(path): rejected: \(message)")
                case .violation(let message): print("\(path): VIOLATION: \(message)"); violations += 1
                }
            }
        }
        print("\(target.name): \(count) inputs, \(violations) violations")
        return violations == 0 ? 0 : 1
    }
    #endif
}
