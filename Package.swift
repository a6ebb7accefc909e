// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "calsync-emulator",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CalsyncEmulator", targets: ["CalsyncEmulator"]),
        .library(name: "CalsyncTesting", targets: ["CalsyncTesting"]),
        .executable(name: "calsync-emulator", targets: ["calsync-emulator"]),
        .executable(name: "calsync-emulator-bench", targets: ["calsync-emulator-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "CalsyncEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "calsync-emulator",
            dependencies: [
                "CalsyncEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "CalsyncTesting",
            dependencies: [
                "CalsyncEmulator",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "calsync-emulator-bench",
            dependencies: [
                "CalsyncEmulator",
                "CalsyncTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CalsyncEmulatorTests",
            dependencies: [
                "CalsyncEmulator",
                "CalsyncTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
