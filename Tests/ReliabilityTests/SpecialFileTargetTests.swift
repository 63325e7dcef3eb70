import Foundation
import Testing
import BNNSupport

/// Saving over a symbolic link replaces what it points to and keeps the link; saving to a
/// special file (a FIFO, /dev/null, /dev/full) writes through it and never replaces the
/// node itself (renaming a temporary over /dev/full as root would).
@Suite struct SpecialFileTargetTests {
    @Test func linksAreFollowedAndSpecialFilesWrittenThrough() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bnn-special-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = "\(folder)/target.txt", link = "\(folder)/link.txt"
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.txt")
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.txt", "the link stays")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")

        // A dangling link: the file it names is created.
        let dangling = "\(folder)/dangling.txt"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "made.txt")
        try AtomicFile.write(Data("made".utf8), to: dangling)
        #expect(try String(contentsOfFile: "\(folder)/made.txt", encoding: .utf8) == "made")

        try AtomicFile.write(Data("gone".utf8), to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR, "still the device")
        if FileManager.default.fileExists(atPath: "/dev/full") {
            #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data("x".utf8), to: "/dev/full") }
            #expect(stat("/dev/full", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR, "still the device")
        }
    }
}
