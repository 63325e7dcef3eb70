import BNNEngine
import Foundation

/// Fuzz target for the `--arch` parser: the input's first line as a spec in the paper's
/// notation (or MLP widths) → `Architecture(parsing:)`. A rejection must be one line that
/// quotes the spec; an accepted spec must compile to weight layers ending in the classes,
/// print as a spec that parses back to the same network, and survive a checkpoint header's
/// encode/decode.
enum ArchitectureSpecTargets {
    static let spec = FuzzTarget(
        name: "arch-spec",
        summary: "the input's first line as an --arch spec → Architecture(parsing:) and its round trips",
        maximumInputLength: 256
    ) { input, _ in
        let text = String(decoding: input, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let architecture: Architecture
        do throws(Architecture.ParseError) {
            architecture = try Architecture(parsing: text)
        } catch {
            let message = error.description
            if message.contains(where: \.isNewline) { return .violation("error is not one line: \(message.debugDescription)") }
            guard message.hasPrefix("bad architecture '\(text)'") else {
                return .violation("error does not quote the spec: \(message.debugDescription)")
            }
            return .rejected(message)
        }
        guard let last = architecture.weightLayers.last, last.convolution == nil,
              architecture.weightLayers.allSatisfy({ $0.outputSize > 0 && $0.inputSize > 0 }) else {
            return .violation("\(text) compiled to weight layers \(architecture.weightLayers)")
        }
        guard let again = try? Architecture(parsing: architecture.description), again == architecture else {
            return .violation("\(text) prints as \(architecture.description), which does not parse back to it")
        }
        guard let data = try? JSONEncoder().encode(architecture),
              let decoded = try? JSONDecoder().decode(Architecture.self, from: data), decoded == architecture else {
            return .violation("\(text) does not survive encoding")
        }
        return .loaded("\(architecture) · \(architecture.layerCount) weight layers · \(architecture.weightCount) weights")
    }
}
