import Foundation
import Testing
import BNNSupport

/// A save killed between creating its temporary file and renaming it leaves
/// `.name.tmp-PID-N` behind; the next save of the same file removes those of dead
/// processes and leaves a live process's (it may be mid-save) and other files alone.
@Suite struct AbandonedTemporaryTests {
    @Test func theNextSaveRemovesTemporariesOfDeadProcesses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-tmp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        let names = [".run.ckpt.tmp-\(dead)-12345", ".run.ckpt.tmp-1-777", ".other.ckpt.tmp-\(dead)-9", "notes.txt"]
        for name in names { FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: Data("x".utf8)) }
        try AtomicFile.write(Data("saved".utf8), to: "\(folder)/run.ckpt")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == [".run.ckpt.tmp-1-777", ".other.ckpt.tmp-\(dead)-9", "notes.txt", "run.ckpt"])
    }
}
