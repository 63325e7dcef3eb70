import ArgumentParser

/// The `bnn-tui` command: its subcommands are the product's entry points.
@main
struct BNNTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnn-tui",
        abstract: "Train Binarized Neural Networks on Fashion-MNIST and watch them learn in the terminal.",
        version: "0.1.0",
        subcommands: [BenchCommand.self]
    )
}
