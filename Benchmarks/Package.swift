// swift-tools-version:6.1
// Benchmarks of the suite, kept outside `swift test` and built in release mode on their own:
//
//   cd Benchmarks && swift build -c release
//
// scripts/bench-postgres builds and runs them against a throwaway cluster.
import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fengqiao", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // MARK: PostgreSQL layer
        .executableTarget(
            name: "fengqiao-bench-postgres",
            dependencies: [
                .product(name: "FengqiaoPostgres", package: "fengqiao"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        )
    ]
)
