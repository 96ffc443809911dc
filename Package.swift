// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "fengqiao",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "FengqiaoPostgres", targets: ["FengqiaoPostgres"]),
        .library(name: "FengqiaoTestSupport", targets: ["FengqiaoTestSupport"]),
        // For Benchmarks/: the RPC runtime, the generated messages (with the Echo test service) and their codec.
        .library(name: "FengqiaoRPC", targets: ["FengqiaoRPC"]),
        .library(name: "FengqiaoMessages", targets: ["FengqiaoMessages"]),
        .library(name: "FengqiaoProtobuf", targets: ["FengqiaoProtobuf"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
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
        // Mediation's rules, pure: stage moves, grading, tier fit, escalation, time limits, follow-ups.
        .target(name: "MediationDomain", dependencies: ["FengqiaoDomain"]),
        .testTarget(name: "MediationDomainTests", dependencies: ["MediationDomain", "FengqiaoDomain"]),

        // MARK: Security
        // Personal data at rest (sealing, lookup hashes, masking) and credential secrets.
        .target(
            name: "FengqiaoSecurity",
            dependencies: ["FengqiaoDomain", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "FengqiaoSecurityTests",
            dependencies: ["FengqiaoSecurity", "FengqiaoDomain", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Credentials, roles and station scoping, applied by every service's first interceptor.
        .target(
            name: "FengqiaoAccess",
            dependencies: [
                "FengqiaoPostgres", "FengqiaoProtobuf", "FengqiaoRPC", "FengqiaoSecurity",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // MARK: Services
        .target(
            name: "FengqiaoRuntime",
            dependencies: [
                "FengqiaoDomain", "FengqiaoMessages", "FengqiaoPostgres", "FengqiaoProtobuf", "FengqiaoRPC",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RegistryService",
            dependencies: [
                "FengqiaoAccess", "FengqiaoDomain", "FengqiaoMessages", "FengqiaoPostgres", "FengqiaoRPC", "FengqiaoRuntime", "FengqiaoSecurity",
            ],
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "fengqiao-registry",
            dependencies: [
                "RegistryService", "FengqiaoRuntime", "FengqiaoAccess", "FengqiaoPostgres", "FengqiaoSecurity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "MediationService",
            dependencies: [
                "FengqiaoAccess", "FengqiaoDomain", "FengqiaoMessages", "FengqiaoPostgres", "FengqiaoRPC", "FengqiaoRuntime", "FengqiaoSecurity",
                "MediationDomain", .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")]
        ),
        .executableTarget(
            name: "fengqiao-mediation",
            dependencies: [
                "MediationService", "MediationDomain", "FengqiaoRuntime", "FengqiaoAccess", "FengqiaoPostgres", "FengqiaoRPC", "FengqiaoSecurity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Loads the demo county through the registry's RPCs (scripts/demo).
        .executableTarget(
            name: "fengqiao-demo-county",
            dependencies: [
                "FengqiaoMessages", "FengqiaoRPC", "FengqiaoRuntime", "FengqiaoDomain", "MediationDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "fengqiao",
            dependencies: [
                "FengqiaoMessages", "FengqiaoRPC", "FengqiaoRuntime", "MediationDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FengqiaoRuntimeTests",
            dependencies: ["FengqiaoRuntime", "FengqiaoRPC", "FengqiaoTestSupport"]
        ),
        .testTarget(
            name: "RegistryServiceTests",
            dependencies: ["RegistryService", "FengqiaoTestSupport", "FengqiaoMessages", "FengqiaoDomain", "FengqiaoPostgres", "FengqiaoSecurity"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "FengqiaoTestSupport", "FengqiaoPostgres", "FengqiaoAccess", "FengqiaoMessages", "FengqiaoProtobuf", "FengqiaoRPC",
                "RegistryService", "MediationService", "MediationDomain", "FengqiaoSecurity",
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
            dependencies: [
                "CFengqiaoMessages",
                "FengqiaoProtobuf",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
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
        // An Echo-only server for protocol checks from other languages (scripts/check-protocol-python).
        .executableTarget(
            name: "fengqiao-echo-server",
            dependencies: ["FengqiaoRPC", "FengqiaoMessages", .product(name: "Logging", package: "swift-log")]
        ),
        // The frame decoder's fuzz target; scripts/fuzz-frames builds it with libFuzzer.
        .executableTarget(
            name: "fengqiao-fuzz-frames",
            dependencies: ["FengqiaoRPC", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "fengqiao-codec-leakcheck",
            dependencies: ["FengqiaoMessages", "FengqiaoRPC", "FengqiaoProtobuf"]
        ),
        .testTarget(
            name: "FengqiaoProtobufTests",
            dependencies: ["FengqiaoMessages", "FengqiaoRPC", "FengqiaoProtobuf", "FengqiaoDomain"]
        ),
        .testTarget(
            name: "FengqiaoRPCTests",
            dependencies: [
                "FengqiaoRPC",
                "FengqiaoTestSupport",
                "FengqiaoMessages",
                "FengqiaoDomain",
                "FengqiaoProtobuf",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
