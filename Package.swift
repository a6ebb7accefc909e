// swift-tools-version:6.0
import PackageDescription

/// Our own targets build in Swift 6 language mode with every warning an error.
let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "calsync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "calsync", targets: ["calsync"]),
        .executable(name: "calsync-emulator", targets: ["calsync-emulator"]),
        .library(name: "CalsyncEmulator", targets: ["CalsyncEmulator"]),
        .library(name: "CalsyncTesting", targets: ["CalsyncTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "CalsyncModel", swiftSettings: strict),
        .target(
            name: "CalsyncManifest",
            dependencies: ["CalsyncModel", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncState",
            dependencies: ["CalsyncModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncSecrets",
            dependencies: ["CalsyncModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncExecutor", dependencies: ["CalsyncModel", "CalsyncProviders", "CalsyncSecrets"],
            swiftSettings: strict),
        .target(
            name: "CalsyncSync", dependencies: ["CalsyncModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "CalsyncSyncEngine", dependencies: ["CalsyncModel", "CalsyncSync", "CalsyncProviders"], swiftSettings: strict
        ),
        .target(name: "CalsyncICal", swiftSettings: strict),
        .target(name: "CalsyncStatus", dependencies: ["CalsyncModel"], swiftSettings: strict),
        .target(
            name: "CalsyncNotify",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncProviders", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncServer",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncStatus", "CalsyncSecrets", "CalsyncProviders",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncCLI",
            dependencies: [
                "CalsyncModel", "CalsyncManifest", "CalsyncPlanner", "CalsyncState", "CalsyncExecutor", "CalsyncStatus",
                "CalsyncICal", "CalsyncSecrets", "CalsyncNotify", "CalsyncProviders", "CalsyncServer", "CalsyncSync",
                "CalsyncSyncEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "calsync", dependencies: ["CalsyncCLI"], swiftSettings: strict),
        .executableTarget(
            name: "calsync-bench",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncSecrets", "CalsyncEmulator", "CalsyncProviders", "CalsyncSync",
                "CalsyncTesting",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "calsync-serve-bench",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncSecrets", "CalsyncTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncTesting",
            dependencies: [
                "CalsyncEmulator", "CalsyncProviders", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "calsync-emulator",
            dependencies: ["CalsyncEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "calsync-emulator-bench",
            dependencies: [
                "CalsyncEmulator", "CalsyncTesting", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncEmulatorTests",
            dependencies: [
                "CalsyncEmulator", "CalsyncTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "calsync-ical-bench", dependencies: ["CalsyncICal"], swiftSettings: strict),
        .testTarget(
            name: "CalsyncICalTests", dependencies: ["CalsyncICal"], exclude: ["Fixtures"], swiftSettings: strict
        ),
        .target(
            name: "CalsyncPlanner",
            dependencies: ["CalsyncModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "CalsyncProviders",
            dependencies: ["CalsyncModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncProvidersTests",
            dependencies: [
                "CalsyncModel", "CalsyncProviders", "CalsyncTesting", "CalsyncEmulator",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncManifestTests",
            dependencies: ["CalsyncModel", "CalsyncManifest", "CalsyncTesting", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncCLITests",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncSecrets", "CalsyncTesting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncServerTests",
            dependencies: [
                "CalsyncModel", "CalsyncServer", "CalsyncState", "CalsyncSecrets", "CalsyncStatus", "CalsyncProviders", "CalsyncTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncSecretsTests", dependencies: ["CalsyncModel", "CalsyncSecrets", "CalsyncTesting"], swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncStateTests",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncExecutor", "CalsyncSecrets", "CalsyncTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncNotifyTests",
            dependencies: [
                "CalsyncModel", "CalsyncState", "CalsyncNotify", "CalsyncProviders", "CalsyncTesting",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncSyncTests", dependencies: ["CalsyncModel", "CalsyncSync", "CalsyncTesting"], swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncSyncEngineTests",
            dependencies: [
                "CalsyncModel", "CalsyncSync", "CalsyncSyncEngine", "CalsyncProviders", "CalsyncState", "CalsyncTesting",
                "CalsyncEmulator",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CalsyncPlannerTests",
            dependencies: ["CalsyncModel", "CalsyncPlanner", "CalsyncTesting"],
            exclude: ["Snapshots"],
            swiftSettings: strict
        ),
    ]
)
