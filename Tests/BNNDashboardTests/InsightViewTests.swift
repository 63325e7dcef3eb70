import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import BNNEngine
@testable import BNNDashboard

/// Issue 15's dashboard side: the keys (fork, continue, insight, pages, zoom), the pictures,
/// the confusion matrix, the insight view on screen and in the export, CSV and SVG.
@Suite struct InsightViewTests {
    /// Weights from a checkpoint of elsewhere may be anything: out-of-range values count at
    /// the nearer edge and NaN or infinities are left out, never a trap (a libFuzzer finding
    /// of the checkpoint-framed target: Int(NaN) in the percentile pass).
    @Test func zoomedHistogramSurvivesNonFiniteAndOutOfRangeWeights() {
        let weights: [Float] = [.nan, .infinity, -.infinity, 1e30, -1e30, 0.01, -0.02, 0.5]
        let zoom = weights.withUnsafeBufferPointer { ZoomedHistogram(values: $0.baseAddress!, count: $0.count) }
        #expect(zoom.low.isFinite && zoom.high.isFinite && zoom.low < zoom.high)
        #expect(zoom.counts.reduce(0, +) + zoom.below + zoom.above == 5)
    }

    /// A 28x28 image: a bright square in the middle.
    static let square: [UInt8] = (0..<784).map { i in (8..<20).contains(i / 28) && (8..<20).contains(i % 28) ? 200 : 0 }

    static func insight(epoch: Int = 12) -> RunInsight {
        var matrix = ConfusionMatrix(classCount: 10)
        for t in 0..<10 { for _ in 0..<(90 - t) { matrix.add(label: t, predicted: t) } }
        for _ in 0..<14 { matrix.add(label: 6, predicted: 0) }   // Shirt taken for T-shirt/top
        for _ in 0..<3 { matrix.add(label: 4, predicted: 2) }
        let wrong = (0..<12).map { MisclassifiedImage(index: 100 + $0, label: 6, predicted: 0, margin: 3 - Double($0) / 10) }
        let field = ReceptiveField(neuron: 7, width: 28, height: 28, positive: (0..<784).map { $0 % 28 < 14 })
        let weights = (0..<784).map { Float($0 % 61 - 30) / 1000 }
        let zoom = weights.withUnsafeBufferPointer { ZoomedHistogram(values: $0.baseAddress!, count: $0.count) }
        return RunInsight(epoch: epoch, confusion: matrix, misclassified: wrong,
                          misclassifiedPixels: wrong.map { _ in square }, imageWidth: 28, imageHeight: 28,
                          receptiveFields: [field, ReceptiveField(neuron: 9, width: 28, height: 28,
                                                                  positive: field.positive.map { !$0 })],
                          weightZoom: [zoom, zoom])
    }

    static func runs() -> [RunSnapshot] {
        var runs = FakeRuns.three()
        for i in runs.indices { runs[i].insight = insight() }
        return runs
    }

    func press(_ keys: [KeyInput], _ state: inout DashboardState, snapshots: [RunSnapshot]) -> [DashboardCommand] {
        keys.flatMap { DashboardReducer.handle($0, state: &state, snapshots: snapshots, now: 10) }
    }

    func type(_ text: String) -> [KeyInput] { text.map { KeyInput.character($0) } }

    /// A file cannot page: the export holds every misclassified image, with pictures or as a
    /// list (read back without the data set), and no key hint.
    @Test func textExportHoldsEveryMisclassifiedImage() {
        var pictured = FakeRuns.three()
        pictured[0].insight = Self.insight()
        var listed = pictured
        listed[0].insight!.misclassifiedPixels = []
        for runs in [pictured, listed] {
            let text = TextExport.document(snapshots: [runs[0]], header: DashboardHeader())
            for i in 100..<112 { #expect(text.contains("#\(i) "), "image #\(i) missing") }
            #expect(!text.contains("n/N page"))
            // At the export's 100 columns the fields do not fit beside the matrix: they go under it.
            #expect(text.contains("Receptive fields") && text.contains("neuron 7") && text.contains("neuron 9"))
        }
    }

    // MARK: - Keys

    /// Where runs cannot be forked or continued (attach, watch), f and c say so at once, and
    /// Esc takes a prompt's complaint away with the prompt.
    @Test func forkAndContinueRefuseUpFrontWhereTheyCannotWork() {
        let runs = Self.runs()
        var state = DashboardState()
        state.branchingRefusal = "this dashboard does not own its runs and cannot fork or continue them"
        #expect(press([.character("f")], &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt == nil)
        #expect(state.message?.kind == .error && state.message?.text.contains("cannot fork") == true)
        state.message = nil
        #expect(press([.character("c")], &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt == nil && state.message?.kind == .error)
        var open = DashboardState()
        _ = press([.character("f")] + type("abc") + [.enter], &open, snapshots: runs)
        #expect(open.message?.kind == .error)
        _ = press([.escape], &open, snapshots: runs)
        #expect(open.message == nil && open.learningRatePrompt == nil)
    }

    @Test func forkPromptTypesARateAndTabSwitchesTheMode() {
        let runs = Self.runs()
        var state = DashboardState()
        #expect(press([.character("f")] + type("1e-3"), &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt == LearningRatePrompt(run: 0, text: "1e-3", purpose: .fork(mode: nil)))
        _ = press([.tab], &state, snapshots: runs)
        #expect(state.learningRatePrompt?.purpose == .fork(mode: .stochastic))
        #expect(press([.enter], &state, snapshots: runs) == [.fork(run: 0, learningRate: 1e-3, mode: .stochastic)])
        #expect(state.learningRatePrompt == nil)
        // Tab twice is back to det; Enter on an empty line keeps the rate.
        #expect(press([.character("f"), .tab, .tab, .enter], &state, snapshots: runs)
                == [.fork(run: 0, learningRate: nil, mode: nil)])
        // A bad rate keeps the prompt open with the reason; Esc cancels.
        #expect(press([.character("f")] + type("abc") + [.enter], &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt != nil && state.message?.kind == .error)
        #expect(press([.escape], &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt == nil)
        // A float run cannot switch mode.
        state.selectedRun = 2
        _ = press([.character("f"), .tab], &state, snapshots: runs)
        #expect(state.learningRatePrompt?.purpose == .fork(mode: nil))
        #expect(state.message?.text.contains("float") == true)
    }

    @Test func continueAsksForEpochsOnFinishedRunsOnly() {
        var runs = Self.runs()
        var state = DashboardState()
        #expect(press([.character("c")], &state, snapshots: runs).isEmpty)
        #expect(state.learningRatePrompt == nil && state.message?.text == "c continues a finished run; det is running")
        runs[0].state = .done
        runs[0].epoch = runs[0].totalEpochs
        _ = press([.character("f")], &state, snapshots: runs)
        #expect(state.learningRatePrompt == nil && state.message?.text.contains("c continues it") == true)
        #expect(press([.character("c")] + type("0") + [.enter], &state, snapshots: runs).isEmpty)
        #expect(state.message?.kind == .error && state.learningRatePrompt != nil)
        _ = press([.backspace], &state, snapshots: runs)
        #expect(press(type("15") + [.enter], &state, snapshots: runs) == [.continueRun(run: 0, epochs: 15)])
    }

    @Test func insightPagesAndZoomKeys() {
        let runs = Self.runs()
        var state = DashboardState()
        _ = press([.character("n")], &state, snapshots: runs)
        #expect(state.insightPage == 0 && state.message?.kind == .error)
        _ = press([.character("i"), .character("n"), .character("n"), .character("N")], &state, snapshots: runs)
        #expect(state.insightVisible && state.insightPage == 1)
        // The fake weights span ±0.03: zoomed by default, so z zooms out, z again in.
        #expect(WeightZoomChoice.isZoomed(nil, snapshot: runs[0], layer: 0))
        _ = press([.character("z")], &state, snapshots: runs)
        #expect(state.histogramZoom == false)
        _ = press([.character("z")], &state, snapshots: runs)
        #expect(state.histogramZoom == true)
        _ = press([.character("i")], &state, snapshots: runs)
        #expect(!state.insightVisible)
    }

    @Test func forkAndContinueCommandsReachTheController() {
        let controller = ForkingController()
        var state = DashboardState()
        _ = DashboardCommandPerformer.perform([.fork(run: 1, learningRate: 2e-3, mode: .deterministic)], on: controller,
                                              runCount: 3, state: &state, now: 0, export: { "" })
        #expect(controller.calls == ["fork 1 0.002 det"] && state.message?.text == "forked stoch→det lr 2e-3 @11")
        _ = DashboardCommandPerformer.perform([.continueRun(run: 0, epochs: 3)], on: controller, runCount: 3,
                                              state: &state, now: 0, export: { "" })
        #expect(state.message == TransientMessage(text: "continue failed: det is still training", kind: .error, expiresAt: 4))
    }

    // MARK: - Pictures and panels

    @Test func picturesUseHalfBlocksOrShades() {
        let image: [UInt8] = [255, 0, 255, 0,
                              255, 255, 0, 0]
        // Black and white (binary weights): half blocks. Grey (photographs): shades, with the
        // pixels for a colour terminal's ▀ (ConvInsightTests).
        let binary = PixelPicture(pixels: image, width: 4, height: 2, ascii: false, threshold: 128).render()
        #expect(binary.text() == "█▄▀")
        #expect(PixelPicture(pixels: image, width: 4, height: 2, ascii: false).render().text() == "█▒▒")
        let ascii = PixelPicture(pixels: image, width: 4, height: 2, ascii: true).render()
        #expect(ascii.row(0) == "@++ ")
    }

    @Test func confusionMatrixNamesClassesAndTheWorstPair() {
        let names = ClassNames.names(dataset: "Fashion-MNIST subset", classCount: 10)
        #expect(names.first == "T-shirt/top" && names.last == "Ankle boot")
        #expect(ClassNames.names(dataset: "something else", classCount: 3) == ["class 0", "class 1", "class 2"])
        let panel = ConfusionMatrixPanel(matrix: Self.insight().confusion, classNames: names, glyphs: .unicode)
        #expect(panel.mostConfusedText() == "Shirt → T-shirt/top 14.3%")
        let size = panel.idealSize()
        let text = panel.render(width: size.width, height: size.height).text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("true\\pred") && lines[0].hasSuffix("error"))
        #expect(lines[7].hasPrefix("Shirt") && lines[7].hasSuffix("14.3%"))
        #expect(lines[7].split(separator: " ").compactMap { Int($0) } == [14, 0, 0, 0, 0, 0, 84, 0, 0, 0])
        #expect(text.contains("most confused Shirt → T-shirt/top 14.3%"))

        // Narrower, the columns shrink (names, then cells, then whole percents) and no count
        // is ever cut; too narrow for all of them, the panel says so.
        func counts(_ text: String) -> [[Int]] {
            text.split(separator: "\n").dropFirst().prefix(10).map { line in
                line.split(separator: " ").dropFirst().compactMap { Int($0) }
            }
        }
        let ideal = counts(text)
        for width in [70, 60, 50, 41] {
            let narrow = panel.render(width: width, height: size.height).text()
            #expect(counts(narrow) == ideal, "width \(width):\n\(narrow)")
            #expect(!narrow.contains("need"), "width \(width)")
        }
        let tooNarrow = panel.render(width: 30, height: size.height).text()
        #expect(tooNarrow.contains("10 classes need 41 columns"), "\(tooNarrow)")
    }

    @Test func theDashboardShowsTheInsightViewInUnicodeAsciiAndMonochrome() {
        var state = DashboardState()
        state.insightVisible = true
        let header = DashboardHeader()
        let grid = DashboardRenderer.render(snapshots: Self.runs(), state: state, header: header, width: 160, height: 48, now: 0)
        let text = grid.text()
        #expect(text.contains("Confusion · det · validation · epoch 12"))
        #expect(text.contains("Receptive fields") && text.contains("neuron 7") && text.contains("neuron 9"))
        #expect(text.contains("Misclassified test images") && text.contains("page 1/3"))
        #expect(text.contains("Shirt→T-shirt/top") && text.contains("#100 m 3.00"))
        #expect(text.contains("Runs"), "the run table stays")
        #expect(text.filter { $0 == "█" }.count >= 2 * 14 * 14, "the two receptive fields' +1 halves")
        #expect(text.filter { $0 == "▓" }.count >= 3 * 12 * 6, "the bright squares of the pictures (200 of 255)")
        state.insightPage = 1
        let page2 = DashboardRenderer.render(snapshots: Self.runs(), state: state, header: header, width: 160, height: 48, now: 0).text()
        #expect(page2.contains("page 2/3") && page2.contains("#105") && !page2.contains("#100 "))

        state.ascii = true
        state.monochrome = true
        let plain = DashboardRenderer.render(snapshots: Self.runs(), state: state, header: header, width: 160, height: 48, now: 0)
        #expect(plain.text().unicodeScalars.allSatisfy { $0.isASCII }, "\(plain.text())")
        #expect(plain.text().contains("@@@@"))
        #expect(plain.cells.allSatisfy { $0.style.color == .normal })
        // At the minimum size the view still draws without trapping.
        _ = DashboardRenderer.render(snapshots: Self.runs(), state: state, header: header, width: 80, height: 24, now: 0)
    }

    @Test func zoomedHistogramLabelsItsAxisAndKeepsTheClipCount() {
        let zoom = Self.insight().weightZoom[0]
        #expect(zoom.low < -0.029 && zoom.low > -0.032 && zoom.high > 0.029 && zoom.high < 0.032)
        #expect(zoom.counts.reduce(0, +) + zoom.below + zoom.above == zoom.total && zoom.clipped == 0)
        let zoomed = WeightHistogram(counts: [], glyphs: .unicode, zoom: zoom).render(width: 40, height: 10).text()
        #expect(zoomed.contains("clip ±1: 0.00% (0)") && zoomed.contains("zoom p0.5-p99.5") && zoomed.contains("-0.03"))
        var snapshot = Self.runs()[0]
        let full = WeightPanel(snapshot: snapshot, run: 0, layer: 0, glyphs: .unicode, zoomChoice: false).render(width: 60, height: 19).text()
        #expect(full.contains("-1") && full.contains("+1") && !full.contains("zoom"))
        snapshot.insight = nil
        #expect(!WeightZoomChoice.isZoomed(true, snapshot: snapshot, layer: 0), "no zoom data, no zoom")
    }

    @Test func runTableNamesAForksParent() {
        var runs = Self.runs()
        var fork = runs[0]
        fork.name = "det.f1"
        fork.lineage = RunLineage(parent: "det", epoch: 12, learningRate: 1e-3)
        runs.append(fork)
        let text = RunTable(snapshots: runs, selectedRun: 0, glyphs: .unicode).render(width: 150, height: 6).text()
        #expect(text.contains("det.f1 det→lr 1e-3 @12"), "the name other panels use, then its lineage")
        let ascii = RunTable(snapshots: runs, selectedRun: 0, glyphs: .ascii).render(width: 150, height: 6).text()
        #expect(ascii.contains("det->lr 1e-3 @12"))
    }

    // MARK: - Export

    @Test func textExportAndMetricsFileCarryTheInsight() throws {
        var m = FakeRuns.metrics(run: "det", mode: .deterministic, epoch: 1, base: 0.1, speed: 1, clip: 0.01)
        m.valConfusion = Self.insight().confusion
        m.testMisclassified = Self.insight().misclassified
        let line = String(decoding: try MetricsSchema.makeEncoder().encode(m), as: UTF8.self)
        #expect(line.contains("\"val_confusion\":[[90,0,") && line.contains("\"test_misclassified\":[{\"index\":100,"))
        var log = MetricsLog()
        try log.append(text: line, source: "m.jsonl")
        let snapshot = try #require(log.snapshots().first)
        #expect(snapshot.insight?.confusion == m.valConfusion && snapshot.insight?.misclassified.count == 12)
        let document = TextExport.document(snapshots: [snapshot], header: DashboardHeader())
        #expect(document.contains("Confusion · det · validation · epoch 1") && document.contains("most confused Shirt"))
        #expect(document.contains("#100  true Shirt  predicted T-shirt/top  margin 3.00"), "listed without pictures")
        // With pixels looked up, pictures.
        let pictured = snapshot.insight!.withPixels { _ in Self.square }
        #expect(pictured.misclassifiedPixels.count == 12)
        #expect(snapshot.insight!.withPixels { $0 == 100 ? nil : Self.square }.misclassifiedPixels.isEmpty)

        // A matrix of the wrong size or an out-of-range entry is refused with a line.
        for bad in [line.replacingOccurrences(of: "\"val_confusion\":[[90,", with: "\"val_confusion\":[[90,1],[2,3]],\"x\":[[90,"),
                    line.replacingOccurrences(of: "\"label\":6", with: "\"label\":60")] {
            var l = MetricsLog()
            #expect(throws: MetricsLogError.self) { try l.append(text: bad, source: "bad.jsonl") }
        }
    }

    @Test func csvHasOneRowPerRunAndEpoch() {
        let runs = FakeRuns.three()
        let csv = MetricsCSV.document(snapshots: runs).split(separator: "\n")
        #expect(csv.count == 1 + runs.reduce(0) { $0 + $1.history.count })
        #expect(csv[0] == "run,mode,arch,epoch,train_loss,train_error,val_loss,val_error,test_loss,test_error,lr,epoch_seconds,samples_per_second,rss_mb")
        #expect(csv[1].hasPrefix("det,det,784-1024-10,1,") && csv[1].split(separator: ",").count == 14)
        #expect(MetricsCSV.quoted("a,\"b\"") == "\"a,\"\"b\"\"\"")
    }

    @Test func svgIsWellFormedXMLWithALineAndALegendPerRun() throws {
        var runs = FakeRuns.three()
        runs[1].name = "st<o>ch & co"
        let svg = ErrorChartSVG.document(snapshots: runs)
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.elements["svg"] == 1)
        #expect(collector.elements["polyline"] == 2 * runs.count)
        #expect(Set(collector.strokes).count == runs.count)
        #expect(collector.texts.contains("st<o>ch & co") && collector.texts.contains("epoch") && collector.texts.contains("error"))
        #expect(collector.texts.contains("solid: validation"))
    }

    /// Nine runs, eight colours: the ninth marks its points, so no two runs look alike.
    @Test func svgTellsNineRunsApart() throws {
        let runs = FakeRuns.sweep(count: 9)
        let svg = ErrorChartSVG.document(snapshots: runs)
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.elements["polyline"] == 2 * 9)
        // Only the ninth run has markers: one per validation point and one in the legend.
        #expect(collector.elements["circle"] == runs[8].history.count + 1)
        #expect(collector.elements["circle"] ?? 0 > 1)
    }
}

/// Counts the elements, polyline colours and texts of an SVG.
final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var strokes: [String] = []
    var texts: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        if name == "polyline", let stroke = attributes["stroke"] { strokes.append(stroke) }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        text = ""
    }
}

/// A controller that owns its runs: forks answer with the lineage label, continuing a running run fails.
final class ForkingController: RunController, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls: [String] = []
    var calls: [String] { lock.withLock { _calls } }

    func snapshots() -> [RunSnapshot] { FakeRuns.three() }
    func pause(run index: Int) {}
    func resume(run index: Int) {}
    func setLearningRate(_ rate: Double, run index: Int) {}
    func saveCheckpoints() throws -> [String] { [] }
    func stopAll() {}
    var branchingRefusal: String? { nil }

    func fork(run index: Int, learningRate: Double?, mode: BinarizationMode?) throws -> String {
        lock.withLock { _calls.append("fork \(index) \(learningRate.map { "\($0)" } ?? "-") \(mode?.rawValue ?? "-")") }
        let s = snapshots()[index]
        return RunLineage(parent: s.name, epoch: s.epoch, learningRate: learningRate ?? s.learningRate, mode: mode).label()
    }
    func continueRun(_ index: Int, epochs: Int) throws {
        throw RunControlError("\(snapshots()[index].name) is still training")
    }
}
