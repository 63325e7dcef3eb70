/// The class names the insight view labels with, in one place until the data
/// set descriptor carries them: Fashion-MNIST's ten, in label order, short
/// enough for a matrix column; any other class count falls back to digits.
public enum ClassNames {
    public static let fashionMNIST = ["T-shirt", "trouser", "pullover", "dress", "coat",
                                      "sandal", "shirt", "sneaker", "bag", "boot"]

    /// Names for `count` classes.
    public static func names(classCount count: Int) -> [String] {
        count == fashionMNIST.count ? fashionMNIST : (0..<count).map(String.init)
    }
}
