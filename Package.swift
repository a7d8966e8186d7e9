// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RNNKit",
    platforms: [.macOS(.v13)],
    products: [
        // Public API
        .library(name: "RNNKit", targets: ["RNNKit"]),
        .executable(name: "rnn", targets: ["rnn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target RNNKit` (the DocC catalog); a plugin, not linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // Public API: layers, BPTT, losses, optimizers, weight files.
        .target(name: "RNNKit", dependencies: ["CRNNKernels"]),
        // Implementation detail (not API): C kernels chosen at run time (GEMM micro-kernels,
        // vectorised cell steps, thread start, atomics). No unsafe flags: ISA-specific functions
        // carry target attributes.
        .target(
            name: "CRNNKernels",
            exclude: ["README.md"],
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS, .iOS]))]),
        // The command-line tool.
        .executableTarget(
            name: "rnn",
            dependencies: ["RNNKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Examples: one small program per sequence shape, read top to bottom (`swift run -c release ManyToOne`).
        .executableTarget(name: "ManyToOne", dependencies: ["RNNKit"], path: "Examples/ManyToOne"),
        .executableTarget(name: "ManyToMany", dependencies: ["RNNKit"], path: "Examples/ManyToMany"),
        .executableTarget(name: "OneToMany", dependencies: ["RNNKit"], path: "Examples/OneToMany"),
        .executableTarget(name: "EncoderDecoder", dependencies: ["RNNKit"], path: "Examples/EncoderDecoder"),
        // Tests
        .testTarget(name: "RNNKitTests", dependencies: ["RNNKit"], resources: [.copy("Fixtures")]),
    ]
)
