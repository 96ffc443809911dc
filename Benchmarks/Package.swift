// swift-tools-version:6.1
// Benchmarks of the suite, kept outside `swift test` and built in release mode on their own:
//
//   cd Benchmarks && swift build -c release
//
// scripts/bench-postgres, scripts/bench-rpc and scripts/bench-codec build and run them.
// grpc-swift-2, the reference of the RPC benchmark, is a dependency of this package only, so the
// suite's own build never pays for it.
import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "fengqiao", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
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
        ),

        // MARK: Codec
        // Each codec step of an echo call alone, on one thread, with a synchronous main so that
        // callgrind can count its instructions (scripts/bench-codec).
        .executableTarget(
            name: "fengqiao-bench-codec",
            dependencies: [
                .product(name: "FengqiaoRPC", package: "fengqiao"),
                .product(name: "FengqiaoMessages", package: "fengqiao"),
                .product(name: "FengqiaoProtobuf", package: "fengqiao"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // MARK: RPC runtime
        // Unary echo over loopback: the suite's RPC, grpc-swift-2 over HTTP/2, and a bare
        // length-prefixed TCP ping-pong on SwiftNIO.
        .executableTarget(
            name: "fengqiao-bench-rpc",
            dependencies: [
                .product(name: "FengqiaoRPC", package: "fengqiao"),
                .product(name: "FengqiaoMessages", package: "fengqiao"),
                .product(name: "FengqiaoProtobuf", package: "fengqiao"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]
        ),
    ]
)
