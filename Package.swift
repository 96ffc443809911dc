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

        // MARK: Domain
        .target(name: "FengqiaoDomain"),
        .testTarget(name: "FengqiaoDomainTests", dependencies: ["FengqiaoDomain"]),

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

        // MARK: Wire (protobuf)
        // Generated/ folders are written by scripts/generate from proto/; never edit them by hand.
        .target(
            name: "CFengqiaoMessages",
            dependencies: ["CProtobufC"],
            publicHeadersPath: "Generated"
        ),
        .target(
            name: "FengqiaoProtobuf",
            dependencies: ["CProtobufC"]
        ),
        .target(
            name: "FengqiaoRPC",
            dependencies: ["CFengqiaoMessages", "FengqiaoProtobuf"]
        ),
        .target(
            name: "FengqiaoMessages",
            dependencies: ["CFengqiaoMessages", "FengqiaoProtobuf", "FengqiaoRPC"]
        ),
        .target(
            name: "CProtobufDescriptor",
            dependencies: ["CProtobufC"],
            publicHeadersPath: "Generated"
        ),
        .executableTarget(
            name: "fengqiao-protoc-gen",
            dependencies: ["CProtobufDescriptor", "CProtobufC"]
        ),
        .executableTarget(
            name: "fengqiao-codec-leakcheck",
            dependencies: ["FengqiaoMessages", "FengqiaoRPC", "FengqiaoProtobuf"]
        ),
        .testTarget(
            name: "FengqiaoProtobufTests",
            dependencies: ["FengqiaoMessages", "FengqiaoRPC", "FengqiaoProtobuf"]
        ),
    ]
)
