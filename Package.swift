// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "fengqiao",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "FengqiaoPostgres", targets: ["FengqiaoPostgres"]),
        .library(name: "FengqiaoTestSupport", targets: ["FengqiaoTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // MARK: C system libraries
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),

        // MARK: Database
        .target(
            name: "FengqiaoPostgres",
            dependencies: [
                "CLibPQ",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Test support
        .target(
            name: "FengqiaoTestSupport",
            dependencies: [
                "FengqiaoPostgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FengqiaoPostgresTests",
            dependencies: ["FengqiaoPostgres", "FengqiaoTestSupport"]
        ),

    ]
)
