import Testing
import BNNEngine
@testable import BNNDashboard

@Suite("Hostile values and names")
struct RobustnessTests {
    /// A diverging run: NaN and infinite losses, enormous values, absurd counts and times.
    static func wreck() -> [RunSnapshot] {
        var runs = FakeRuns.three()
        var h = runs[0].history
        h[h.count - 1].trainLoss = .nan
        h[h.count - 1].valLoss = .infinity
        h[h.count - 1].valError = .nan
        h[h.count - 2].trainLoss = 1e250
        h[h.count - 2].samplesPerSecond = 1e300
        h[h.count - 2].epochSeconds = -.infinity
        runs[0].history = h
        runs[0].partialTrainLoss = .nan
        runs[0].state = .diverged(reason: "loss is NaN at epoch 12")
        runs[0].trainingSeconds = 1e300
        runs[0].learningRate = .infinity
        runs[1].layers[0].histogram = [Int.max / 2, 0, 0, Int.max / 2]
        runs[1].layers[1].histogram = []
        runs[1].layers[0].clipFraction = .nan
        runs[2].batchesDone = 900          // more than an epoch's batches
        runs[2].history = []
        return runs
    }

    @Test func renderingNeverTraps() {
        let runs = Self.wreck()
        for kind in ChartKind.allCases {
            for log in [false, true] {
                for selected in 0..<3 {
                    for layer in 0..<2 {
                        var state = DashboardState(selectedRun: selected, selectedLayer: layer, chartKind: kind, logScale: log,
                                                   showTest: true)
                        for (w, h) in [(80, 24), (160, 48)] {
                            state.ascii = w == 80
                            let grid = DashboardRenderer.render(snapshots: runs, state: state, header: DashboardHeader(),
                                                                width: w, height: h, now: 0)
                            #expect(grid.width == w && grid.height == h)
                        }
                    }
                }
            }
        }
        let text = TextExport.document(snapshots: runs, header: DashboardHeader())
        #expect(text.contains("✗ diverged"))
    }

    @Test func runLettersAreUniqueAndStable() {
        #expect(RunMarkers(names: ["det", "stoch", "float"]).letters == ["d", "s", "f"])
        #expect(RunMarkers(names: ["det", "det#2", "dropout"]).letters == ["d", "e", "r"])
        let same = RunMarkers(names: ["a", "a", "a", "a"]).letters
        #expect(Set(same).count == 4)
        #expect(RunMarkers(names: ["", "42"]).letters.allSatisfy { $0 != "?" })
    }
}
