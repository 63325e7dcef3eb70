// swift-tools-version:6.1
//
// bnn-tui: train Binarized Neural Networks (Courbariaux, Hubara et al. 2016)
// on Fashion-MNIST and watch and steer the training live in the terminal.
//
// The targets follow the architecture, bottom to top:
//   C shims (zlib, OpenBLAS, ncursesw, binary kernels)
//   → BNNSupport (platform imports, atomic files, CRC-32, the seeded generator,
//     work partitioning, pixel scaling)
//   → BNNData (IDX files, splits) beside BNNKernels (bit packing,
//     XNOR-popcount GEMM, sgemm, packed inference)
//   → BNNEngine (layers, binarization, losses, optimizers, runs)
//   → BNNDeploy (packed model → C source for microcontrollers; model summary, energy)
//   → BNNDashboard (pure renderer + ncurses terminal)
//   → BNNSession (control sockets for attach, metrics-file following for watch)
//   → bnn-tui (the command line).
// Nothing below imports anything above.

import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "bnn-tui",
    platforms: [.macOS(.v14)],
    // MARK: - Public products
    products: [
        .executable(name: "bnn-tui", targets: ["bnn-tui"]),
        .library(name: "BNNSupport", targets: ["BNNSupport"]),
        .library(name: "BNNData", targets: ["BNNData"]),
        .library(name: "BNNKernels", targets: ["BNNKernels"]),
        .library(name: "BNNEngine", targets: ["BNNEngine"]),
        .library(name: "BNNDashboard", targets: ["BNNDashboard"]),
        .library(name: "BNNDeploy", targets: ["BNNDeploy"]),
        .library(name: "BNNSession", targets: ["BNNSession"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries (C)
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),

        // MARK: - Binary kernels compiled for several instruction sets (C)
        // The one variant choice (BNN_KERNEL or the best) both kernel libraries follow.
        .target(name: "CKernelDispatch"),
        .target(
            name: "CBinaryKernels",
            dependencies: ["CKernelDispatch"],
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),

        // Fused elementwise training loops (optimizer + clip + sign), same scheme.
        .target(
            name: "CTrainingKernels",
            dependencies: ["CKernelDispatch"],
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),

        // MARK: - Swift libraries
        // What every layer above needs and nothing ML-specific: one of each.
        .target(
            name: "BNNSupport",
            dependencies: ["CZlib"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "BNNData",
            dependencies: ["BNNSupport", "CZlib", "BNNEmbeddedData"],
            swiftSettings: strictSwift
        ),
        // The embedded Fashion-MNIST subset (resource) and where to find it at run time.
        .target(
            name: "BNNEmbeddedData",
            path: "Data/BNNEmbeddedData",
            resources: [.copy("fashion-mnist-subset")],
            swiftSettings: strictSwift
        ),
        .target(
            name: "BNNKernels",
            dependencies: ["BNNSupport", "CKernelDispatch", "CBinaryKernels", "CTrainingKernels", "CBLAS"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "BNNEngine",
            dependencies: ["BNNSupport", "BNNData", "BNNKernels", "CTrainingKernels"],
            swiftSettings: strictSwift
        ),
        // A packed model to C99 for microcontrollers (no float, no malloc); the model summary
        // with operation counts and energy estimates. Reads BNNKernels' packed model only.
        .target(
            name: "BNNDeploy",
            dependencies: ["BNNSupport", "BNNData", "BNNKernels"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "BNNDashboard",
            dependencies: ["BNNSupport", "BNNData", "BNNEngine", "CNcursesw"],
            swiftSettings: strictSwift
        ),

        // Control sockets (train --control, attach) and metrics-file following (watch).
        .target(
            name: "BNNSession",
            dependencies: ["BNNSupport", "BNNEngine", "BNNKernels", "BNNDashboard"],
            swiftSettings: strictSwift
        ),

        // MARK: - The command line
        .executableTarget(
            name: "bnn-tui",
            dependencies: [
                "BNNSupport", "BNNData", "BNNKernels", "BNNEngine", "BNNDashboard", "BNNDeploy", "BNNSession",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),

        // MARK: - Reliability tools (Fuzz/, docs/reliability.md)
        // Fuzz targets for every loader; `bnn-fuzz` runs them under libFuzzer (scripts/fuzz.sh)
        // or, in a plain build, replays saved inputs; `bnn-save-loop` is killed by the kill -9 test.
        .target(
            name: "BNNFuzzTargets",
            dependencies: ["BNNSupport", "BNNData", "BNNKernels", "BNNEngine", "BNNDashboard", "BNNSession", "BNNTestSupport", "CZlib"],
            path: "Fuzz/Sources/BNNFuzzTargets",
            swiftSettings: strictSwift
        ),
        .target(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"),
        .executableTarget(
            name: "bnn-fuzz",
            dependencies: ["BNNFuzzTargets", "BNNSupport", "CLibFuzzer"],
            path: "Fuzz/Sources/bnn-fuzz",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "bnn-save-loop",
            dependencies: ["BNNEngine", "BNNSupport"],
            path: "Fuzz/Sources/bnn-save-loop",
            swiftSettings: strictSwift
        ),

        // MARK: - Tests
        // Helpers shared by the test targets and the fuzz targets: one process spawner
        // (posix_spawn + waitpid) and the constant image source.
        .target(name: "BNNTestSupport", dependencies: ["BNNSupport", "BNNEngine"],
                path: "Tests/BNNTestSupport", swiftSettings: strictSwift),
        .testTarget(name: "BNNDataTests", dependencies: ["BNNData", "BNNSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: strictSwift),
        .testTarget(name: "BNNKernelsTests", dependencies: ["BNNKernels", "BNNSupport", "CTrainingKernels"], swiftSettings: strictSwift),
        .testTarget(name: "BNNEngineTests", dependencies: ["BNNEngine", "BNNData", "BNNKernels", "BNNSupport", "BNNEmbeddedData"], swiftSettings: strictSwift),
        .testTarget(name: "BNNDashboardTests", dependencies: ["BNNDashboard", "BNNEngine", "BNNSupport"], swiftSettings: strictSwift),
        .testTarget(name: "BNNDeployTests", dependencies: ["BNNDeploy", "BNNKernels", "BNNSupport"], swiftSettings: strictSwift),
        .testTarget(name: "BNNSessionTests", dependencies: ["BNNSession", "BNNEngine", "BNNSupport"], swiftSettings: strictSwift),
        .testTarget(name: "EndToEndTests", dependencies: ["BNNData", "BNNSupport", "BNNTestSupport"], exclude: ["Fixtures"], swiftSettings: strictSwift),
        .testTarget(name: "ReliabilityTests",
                    dependencies: ["BNNFuzzTargets", "BNNEngine", "BNNData", "BNNSupport", "BNNTestSupport", "bnn-fuzz", "bnn-save-loop"],
                    exclude: ["Regressions"], swiftSettings: strictSwift),
    ]
)
