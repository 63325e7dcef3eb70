/// "1 epoch", "3 epochs": a count with its noun, singular for one. The one rule every
/// message and label uses for plain English plurals (nouns that add an "s").
public func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
