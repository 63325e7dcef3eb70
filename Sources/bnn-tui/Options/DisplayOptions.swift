import ArgumentParser
import Foundation

/// How the dashboard draws: the flags `dashboard`, `attach` and `watch` share.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Monochrome (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "Plain ASCII instead of braille and box drawing (also under a non-UTF-8 locale).")
    var ascii = false

    /// Colors off by the flag or by `NO_COLOR`.
    var monochrome: Bool {
        noColor || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }
}
