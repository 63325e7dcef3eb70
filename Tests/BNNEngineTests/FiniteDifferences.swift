@testable import BNNEngine

/// Central finite differences against the analytic gradients the last `loss()` call left
/// in every parameter: the one comparison every gradient check in this target makes.
enum FiniteDifferences {
    /// Compares each entry of each parameter's gradient with (C(θ+h) − C(θ−h)) / 2h, where
    /// `loss` evaluates C and leaves the analytic gradients (it must be deterministic).
    /// Returns how many entries were checked and a description of each disagreement.
    static func compare(_ parameters: [Parameter], h: Float = 1e-3,
                        loss: () -> Double) -> (checked: Int, failures: [String]) {
        _ = loss()
        var checked = 0, failures: [String] = []
        for p in parameters {
            let analytic = p.gradient.array
            for i in 0..<p.count {
                let original = p.value.pointer[i]
                p.value.pointer[i] = original + h
                let plus = loss()
                p.value.pointer[i] = original - h
                let minus = loss()
                p.value.pointer[i] = original
                let numeric = (plus - minus) / Double(2 * h), a = Double(analytic[i])
                if abs(a - numeric) > 2e-3 + 0.05 * max(abs(a), abs(numeric)) {
                    failures.append("\(p.name)[\(i)]: analytic \(a) numeric \(numeric)")
                }
                checked += 1
            }
        }
        _ = loss()
        return (checked, failures)
    }
}
