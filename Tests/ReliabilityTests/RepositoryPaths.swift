/// Where the committed fuzz corpus and regression inputs live, found from this
/// file's path (the tests run in the source tree).
enum RepositoryPaths {
    /// The package root.
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/ReliabilityTests/RepositoryPaths.swift
        return parts.joined(separator: "/")
    }()

    /// `Fuzz/Corpus/<target>`.
    static func corpus(_ target: String) -> String { "\(root)/Fuzz/Corpus/\(target)" }

    /// `Tests/ReliabilityTests/Regressions/<target>`.
    static func regressions(_ target: String) -> String { "\(root)/Tests/ReliabilityTests/Regressions/\(target)" }
}
