/// A named training recipe: a set of training options that `--preset NAME` puts in front
/// of the command line, so that options given explicitly (which come later) override it.
///
/// Exists so that the recipes in docs/results.md are one word to run, and so that the
/// recipe's every setting is printed by `train --list-presets` rather than remembered.
struct TrainingPreset: Sendable {
    let name: String
    let summary: String
    let arguments: [String]

    static let all: [TrainingPreset] = [
        TrainingPreset(
            name: "fmnist-cnn",
            summary: "a binary ConvNet with twice the reference network's channels (docs/results.md, ConvNet section)",
            arguments: ["--arch", "64C3-MP2-128C3-MP2-256FC-10", "--padding", "one", "--epochs", "30", "--batch", "100",
                        "--lr", "0.003", "--lr-end", "0.00003", "--glorot-lr", "--bn-momentum", "0.3"]),
        TrainingPreset(
            name: "fmnist-mlp",
            summary: "BinaryNet's MNIST recipe on the 784-1024-10 MLP (docs/results.md)",
            arguments: ["--arch", "784-1024-10", "--epochs", "30", "--batch", "100",
                        "--lr", "0.003", "--lr-end", "0.00003", "--init", "unit", "--glorot-lr"]),
    ]

    static func named(_ name: String) -> TrainingPreset? { all.first { $0.name == name } }

    /// The names, for help and errors.
    static var names: String { all.map(\.name).joined(separator: ", ") }

    /// The command line with the preset's options inserted right after the subcommand, so
    /// that every option the user gave explicitly comes later and wins. Unknown presets are
    /// left for `TrainingOptions.validate` to reject.
    static func expand(_ arguments: [String]) -> [String] {
        var name: String?
        for (i, a) in arguments.enumerated() {
            if a == "--" { break }
            if a == "--preset", i + 1 < arguments.count { name = arguments[i + 1] }
            if a.hasPrefix("--preset=") { name = String(a.dropFirst("--preset=".count)) }
        }
        guard let name, let preset = named(name) else { return arguments }
        let subcommands: Set<String> = ["train", "dashboard", "report"]
        let insertAt = arguments.first.map { subcommands.contains($0) ? 1 : 0 } ?? 0
        var expanded = arguments
        expanded.insert(contentsOf: preset.arguments, at: insertAt)
        return expanded
    }

    /// What `train --list-presets` prints: each preset and its options.
    static var listing: String {
        all.map { "\($0.name): \($0.summary)\n    \($0.arguments.joined(separator: " "))" }.joined(separator: "\n")
    }
}
