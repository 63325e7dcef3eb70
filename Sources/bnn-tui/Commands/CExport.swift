import ArgumentParser
import BNNData
import BNNSupport
import BNNDeploy
import BNNKernels
import Foundation

/// What `bnn-tui export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case bnn, c
}

/// `export --format c`: a checkpoint or packed model to `DIR/bnn_model.h` and `DIR/bnn_model.c`.
enum CExport {
    /// Writes the C files for `input` into `directory` (created if missing) and prints what it wrote.
    static func run(input path: String, directory: String, data: DataOptions) throws(CommandFailure) {
        let input = try ModelInput(path: path)
        let provenance = try input.provenance(test: ModelInput.testImages(data, for: input.model), dataset: data.dataset)
        let generated: CModelSource
        do { generated = try CModelGenerator.generate(input.model, provenance: provenance) } catch {
            throw .usage("\(path): \(error)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .usage("--output \(directory) is a file; --format c writes a directory") }
        } else {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw .usage("cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        for (name, text) in [(CModelSource.headerName, generated.header), (CModelSource.sourceName, generated.source)] {
            let file = (directory as NSString).appendingPathComponent(name)
            do { try AtomicFile.write(Data(text.utf8), to: file) } catch { throw .runtime("\(error)") }
        }
        print("\(path): \(input.model.architecture), \(provenance.mode)")
        print("  test error: \(provenance.testError)")
        print("wrote \(directory)/\(CModelSource.headerName) and \(CModelSource.sourceName): \(generated.constantBytes) bytes of const data (flash), BNN_SCRATCH_BYTES = \(generated.scratchBytes) (RAM)")
    }
}
