import Foundation
import Testing
import BNNEngine
@testable import BNNDashboard

/// The whole dashboard at the standard test size, 160x48, with the fake runs:
/// a golden screen. A deliberate change of the look updates the text below;
/// `BNN_RENDER_OUT=path` writes the current render there for comparison.
@Suite("Golden screen")
struct GoldenScreenTests {
    static func standardRender() -> CellGrid {
        var state = DashboardState()
        state.post("lr det set to 0.002", now: 220)
        return DashboardRenderer.render(snapshots: FakeRuns.three(), state: state,
                                        header: DashboardHeader(batchSize: 100, optimizer: "Adam", seed: 1, startedAt: 0),
                                        width: 160, height: 48, now: 221)
    }

    @Test func standardSizeMatchesTheGoldenScreen() throws {
        let text = Self.standardRender().text()
        if let path = ProcessInfo.processInfo.environment["BNN_RENDER_OUT"] {
            try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(text == Self.golden)
    }

    static let golden = """
         bnn-tui · Fashion-MNIST · 784-1024-10 · batch 100 · Adam · seed 1                                                           det epoch 13/20 · 0:03:41 · ? help
        ╭ Error vs epoch ────────────────────────────────────────────── o loss  g log  t test  a one run ╮╭ Latent weights · det · layer 1 of 2 (784×1024) ────────────╮
        │ 30% ┤                                                                                          ││ 3.0%                                3.0%                   │
        │     │      ⢀                                                                                   ││                   ▄██▄                    clip       3.10% │
        │     │      ⠈⢆                                                                                  ││                  ▅████▅                   flip/epoch 0.03% │
        │     │      ⢠⠈⢆                                                                                 ││                 ▃██████▃                  STE cancel 18.0% │
        │     │      ⠈⢧⠘⡄                                                                                ││                 ████████                  forward   pixels │
        │     │      ⠰⡈⢇⠘⡄                                                                               ││                ▆████████▆                 shape   784×1024 │
        │ 25% ┤      ⢀⠱⡘⡄⠸⡀                                                                              ││                ██████████                 layer     1 of 2 │
        │     │       ⢂⢵⠘⡄⠱⡀                                                                             ││               ▇██████████▇                                 │
        │     │        ⡊⢧⠸⡄⠱⡀                                                                            ││               ████████████                                 │
        │     │        ⠐⡈⢧⠱⡀⠑⡄                                                                           ││              ██████████████                                │
        │     │         ⠐⡈⢆⠱⡀⠈⢆                                                                          ││              ██████████████                                │
        │     │          ⠐⡩⢆⠑⡄ ⠱⡀                                                                        ││ █           ████████████████           █                   │
        │     │           ⢂⠩⢆⠈⢆ ⠘⢄                                                                       ││ █           ████████████████           █                   │
        │ 20% ┤            ⢂⠁⠵⡀⠱⡀⠈⠢⢄                                                                     ││ █          ██████████████████          █                   │
        │     │             ⠂⡈⠌⢆⠘⢄  ⠉⠢⣀                                                                  ││ █         ▁██████████████████▁         █                   │
        │     │              ⠐⡀⠡⠣⡈⠢⢄   ⠑⠢⣀                                                               ││ █         ████████████████████         █                   │
        │     │                ⢂⠡⠘⢄⠈⠙⢢⣀   ⠑⠢⣀                                                            ││ █        ▄████████████████████▄        █                   │
        │     │                 ⢂⠈⠄⠉⠢⣀⠐⠱⠢⣀   ⠑⠢⡀                                                         ││ █        ██████████████████████        █                   │
        │     │                  ⠐⡀⠁⠂⡀⠑⠤⡈⠠⢑⠢⣀  ⠈⠑⢄⡀                                                      ││ █       ████████████████████████       █                   │
        │     │                    ⠂⠄ ⠁⠄⡈⠒⢄⡐⠠⠑⠢⡀  ⠈⠢⢄                                                    ││ █      ▅████████████████████████▅      █                   │
        │ 15% ┤                      ⠁⠂⡀ ⠂⠄⠈⠒⢌⡐⢈⠑⢄⡀  ⠉⠒⠢⠤⢄⣀                                              ││ █     ▅██████████████████████████▅     █                   │
        │     │                         ⠁⠄ ⠁⠂⡀⠈⠒⢌⡠⠈⠢⢄      ⠉⠉⠉⠉⠉⠉⠉⠑⠒⠤⠤⣀⡀                                 ││ █    ▆████████████████████████████▆    █                   │
        │     │                           ⠁⠂⡀ ⠁⠄ ⠈⠪⢔⢀⠉⠒⠢⠤⢄⣀            ⠈⠉⠒⠢⠤⣀⡀                           ││ █  ▄████████████████████████████████▄  █                   │
        │     │                              ⠂⠄ ⠁⠂⡀ ⠉⠚⠴⣠⣀⢀ ⠉⠉⠉⠉⠉⠉⠉⠑⠒⠤⠤⣀⡀     ⠈⠉⠉⠉⠉⠉⠉s                    ││ █▅████████████████████████████████████▅█                   │
        │     │                                ⠁⠂⡀ ⠂⠄   ⠈⠉⠚⠴⠴⠴⠤⠤⠤⠤⢤⣀⣀  ⠈⠉⠒⠢⠤⣀⡀        ⣂⣀⣀⡠⠤d             ││ ▲───────────────────┴──────────────────▲                   │
        │     │                                   ⠁⠄⡀⠁⠂⠄⠄⡀         ⠈⠈⠙⠩⢒⠒⠤⣀  ⠈⠉⠉⠉⠉⠉⠉⠉⢙⠁                  ││ -1                  0                 +1                   │
        │     │                                      ⠂⠄⡀  ⠁⠂⠂⠄⠄⠄⡀⡀⡀     ⠈⠐⠠⢉⠑⠢⠤⠤⠤⠔⠒⠒⠒⡒⠒⠒⠉⠉⠉f             │╰────────────────────────────────────────────────────────────╯
        │ 10% ┤                                         ⠁⠂⠄⡀⡀⡀⡀    ⠁⠂⠂⠄⠄⡀   ⠈⠐⠐⠐⠐⠐⠐⠐⠐                    │╭ Saturation by layer ───────────────────────────────────────╮
        │     │                                                ⠁⠁⠁⠁⠂⠄⠄⡀⡀ ⠁⠂⠄⡀                            ││ run    layer     clip     flip      STE  clip per epoch    │
        │     │                                                         ⠁⠂⠄⡀ ⠁⠂⠂⠂⠂⠂⠂⠂⠂⠂⠂⠂⠂⠂⠂⠂⠁⠁⠁         ││ det  ▸ 1/2      3.10%    0.03%   18.00%  ▁▁▁▂▂▂▂▃▃▃▄▄      │
        │     │                                                             ⠁⠂⠄⠄⠄⠄⡀⡀⡀⡀⡀⡀⠄⠄⠄⠄             ││        2/2      1.55%    0.02%    9.00%  ▁▁▁▁▁▁▁▂▂▂▂▂      │
        │     │                                                                             ⠡            ││                                                            │
        │     │                                                                              ⠈⠄          ││ stoch  1/2      7.33%    0.04%   18.00%  ▁▂▃▃▄▅▆▆▇██       │
        │  5% ┤                                                                                ⠡         ││        2/2      3.67%    0.02%    9.00%  ▁▁▂▂▂▃▃▃▄▄▄       │
        │     └────────────┬────────────┬────────────┬───────────┬────────────┬────────────┬───────────┬ ││                                                            │
        │      0           2            4            6           8            10           12   epoch 14 ││ float  1/2      0.00%    0.03%   18.00%  ▁▁▁▁▁▁▁▁▁▁▁▁      │
        │      d det  s stoch  f float  ⠒⠒⠒⠒ val  ⠂⠂⠂⠂ train                                             ││        2/2      0.00%    0.02%    9.00%  ▁▁▁▁▁▁▁▁▁▁▁▁      │
        ╰────────────────────────────────────────────────────────────────────────────────────────────────╯╰────────────────────────────────────────────────────────────╯
        ╭ Runs ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────── tab select ╮
        │ run          state           epoch      train        val       test    best val             lr    s/epoch        time        img/s     rss MB                │
        │ ▸ d det      ▶ running       12/20      8.40%     11.80%     12.40%    11.40% @10      0.00100       1.31     0:00:17       38,168         84                │
        │   s stoch    ‖ paused        11/20      9.80%     13.00%     13.60%    12.90% @10      0.00100       1.42     0:00:16       35,211         84                │
        │   f float    ▶ running       12/20      7.40%     10.80%     11.40%    10.40% @10      0.00100       1.08     0:00:14       46,296         84                │
        ╰──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────╯
         d det ▶ running · s stoch ‖ paused · f float ▶ running                                                                                     lr det set to 0.002
         det epoch 13/20 █████████████████▋░░░░░░░░  68% · ETA 0:00 · run left 0:00:10   space pause · P all · +/- lr · l set lr · tab run · [ ] layer · o loss · g log
        """
}
