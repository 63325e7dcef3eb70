import Foundation

/// Where the subset of the default dataset (`DatasetDescriptor.default`) that ships
/// inside bnn-tui lives at run time.
///
/// The subset (6,000 training + 1,000 test images, gzip IDX files, cut by
/// `Data/make-fashion-mnist-subset.py`) is a SwiftPM resource of this target,
/// so SwiftPM copies it into a `bnn-tui_BNNEmbeddedData.resources` folder next to
/// the built executable (`.bundle` on macOS). The generated `Bundle.module`
/// accessor calls `fatalError` on Linux when that folder is missing, so this type
/// looks for the folder itself and answers `nil` instead of crashing: first next
/// to the running executable, then in `Bundle.main`, then in this source tree
/// (which keeps a copied or installed binary working while the checkout exists).
public enum EmbeddedSubset {
    /// The resource folder's name inside the bundle.
    public static let folderName = "fashion-mnist-subset"

    /// The IDX files the folder must hold for it to count as found.
    public static let fileNames = [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ]

    /// The SwiftPM bundle name is `<package>_<target>`; the package is `bnn-tui`.
    static let bundleBaseName = "bnn-tui_BNNEmbeddedData"
    static let targetSuffix = "_BNNEmbeddedData"

    /// The folder holding the subset's four files, or `nil` when no candidate has them all.
    public static func directory() -> String? {
        candidateDirectories().first(where: holdsSubset)
    }

    /// Every folder `directory()` tries, in order (for error messages and tests).
    public static func candidateDirectories() -> [String] {
        var bundleParents: [URL] = []
        if let executable = executableURL() {
            bundleParents.append(executable.deletingLastPathComponent())
        }
        bundleParents.append(Bundle.main.bundleURL)
        if let resources = Bundle.main.resourceURL { bundleParents.append(resources) }

        var candidates: [String] = []
        for parent in bundleParents {
            for bundle in bundleNames(in: parent) {
                let root = parent.appendingPathComponent(bundle)
                candidates.append(root.appendingPathComponent(folderName).path)
                candidates.append(root.appendingPathComponent("Contents/Resources")
                    .appendingPathComponent(folderName).path)
            }
        }
        // The source tree this file was compiled from.
        let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        candidates.append(sourceFolder.appendingPathComponent(folderName).path)

        var seen = Set<String>()
        return candidates.filter { seen.insert($0).inserted }
    }

    /// The expected bundle names first, then any `*_BNNEmbeddedData` bundle in `parent`
    /// (in case the package is checked out under another identity).
    static func bundleNames(in parent: URL) -> [String] {
        var names = [bundleBaseName + ".resources", bundleBaseName + ".bundle"]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries.sorted() where !names.contains(entry) {
            let stem = (entry as NSString).deletingPathExtension
            let ext = (entry as NSString).pathExtension
            if stem.hasSuffix(targetSuffix), ext == "resources" || ext == "bundle" {
                names.append(entry)
            }
        }
        return names
    }

    /// The running executable with symbolic links resolved (so a symlinked
    /// `bnn-tui` still finds the bundle next to the real binary).
    static func executableURL() -> URL? {
        #if os(Linux)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target)
        }
        #endif
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }

    static func holdsSubset(_ directory: String) -> Bool {
        let fm = FileManager.default
        return fileNames.allSatisfy { fm.isReadableFile(atPath: directory + "/" + $0) }
    }
}
