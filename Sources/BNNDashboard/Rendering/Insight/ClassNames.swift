import BNNData

/// The class names the insight view labels with: those of the dataset
/// descriptor the header names (e.g. "T-shirt/top" ... "Ankle
/// boot"), else "class N".
public enum ClassNames {
    /// Names for `count` classes of the dataset called `dataset` (a descriptor's name or id,
    /// possibly followed by more words, as in a name followed by "subset").
    public static func names(dataset: String?, classCount count: Int) -> [String] {
        let label = (dataset ?? DatasetDescriptor.default.name).lowercased()
        let descriptor = DatasetDescriptor.all.first { d in
            label == d.id || label.hasPrefix(d.name.lowercased())
        }
        if let descriptor, descriptor.classCount == count { return descriptor.classNames }
        return (0..<count).map { "class \($0)" }
    }
}
