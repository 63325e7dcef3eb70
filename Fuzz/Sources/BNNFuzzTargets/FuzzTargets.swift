/// Every fuzz target, by name: the one list `bnn-fuzz`, scripts/fuzz.sh and the
/// reliability tests read.
///
/// To fuzz a new loader: write a `FuzzTarget` next to the others (a file in
/// Targets/), add it here, and put a few seed inputs in `Fuzz/Corpus/<name>/`.
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        IDXTargets.images,
        IDXTargets.labels,
        IDXTargets.gzipImages,
        IDXTargets.gzipLabels,
        CheckpointTargets.file,
        CheckpointTargets.framed,
        MetricsLogTargets.log,
        MetricsLogTargets.plot,
        PackedModelTargets.file,
        PackedModelTargets.framed,
        SessionTargets.stream,
        ArchitectureSpecTargets.spec,
    ]

    /// The target called `name`, if any.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
