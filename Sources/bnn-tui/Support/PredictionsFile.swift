import ArgumentParser
import BNNData
import BNNSupport
import Foundation

/// `eval --predictions FILE`: one predicted class per line, in test-set order.
///
/// The reference a port is diffed against (the C export's test does exactly that).
enum PredictionsFile {
    static func checkWritable(_ path: String) throws {
        do { try AtomicFile.checkWritable(path) } catch { throw ValidationError("--predictions: \(error.description)") }
    }

    static func write(_ classes: [Int], to path: String) throws(CommandFailure) {
        let text = classes.map(String.init).joined(separator: "\n") + "\n"
        do { try AtomicFile.write(Data(text.utf8), to: path) } catch { throw .runtime("\(error)") }
    }
}
