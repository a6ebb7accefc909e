// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "calsync-ical",
    products: [
        .library(name: "CalsyncICal", targets: ["CalsyncICal"])
    ],
    targets: [
        .target(
            name: "CalsyncICal",
            path: "Sources/CalsyncICal",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "calsync-ical-bench",
            dependencies: ["CalsyncICal"],
            path: "Sources/calsync-ical-bench",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CalsyncICalTests",
            dependencies: ["CalsyncICal"],
            path: "Tests/CalsyncICalTests",
            exclude: ["Fixtures"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
