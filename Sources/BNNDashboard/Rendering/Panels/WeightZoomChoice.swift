import BNNEngine

/// Whether the weight histogram shows the weights' own range (`ZoomedHistogram`)
/// or all of [-1, 1]: the user's choice (`z`) when made, else zoomed exactly when
/// the weights occupy less than a tenth of [-1, 1] (a full-range histogram would be a spike).
public enum WeightZoomChoice {
    public static let automaticBelow = 0.1

    public static func isZoomed(_ choice: Bool?, snapshot: RunSnapshot, layer: Int) -> Bool {
        guard let zooms = snapshot.insight?.weightZoom, layer >= 0, layer < zooms.count else { return false }
        return choice ?? (zooms[layer].occupiedFraction < automaticBelow)
    }
}
