/// Where the Swift for each proto package goes: which module, and which namespace enum in it.
///
/// The RPC runtime's own packages go into `FengqiaoRPC`; every other `fengqiao.*` package goes into
/// `FengqiaoMessages`, which depends on it. A package's namespace is its name after `fengqiao.`,
/// capitalized (`fengqiao.registry.v1` → `RegistryV1`), unless this table names one.
struct PackageMapping: Equatable {
    var package: String
    var module: String
    var namespace: String
}

enum ModuleTable {
    /// Packages placed or named differently from the default rule.
    static let explicit: [PackageMapping] = [
        PackageMapping(package: "fengqiao.rpc.v1", module: "FengqiaoRPC", namespace: "RPCV1"),
        PackageMapping(package: "fengqiao.health.v1", module: "FengqiaoRPC", namespace: "HealthV1"),
    ]

    /// The module every other `fengqiao.*` package goes into.
    static let defaultModule = "FengqiaoMessages"

    /// Every module the generator writes into, so each gets a Generated/ folder even when empty.
    static let modules = ["FengqiaoRPC", "FengqiaoMessages"]

    /// The Swift home of `package`, or `nil` for packages the generator writes nothing for
    /// (`google.protobuf`, whose wrappers become Swift optionals).
    static func mapping(for package: String) throws -> PackageMapping? {
        if let mapping = explicit.first(where: { $0.package == package }) {
            return mapping
        }
        if package == "google.protobuf" {
            return nil
        }
        let parts = package.split(separator: ".").map(String.init)
        guard parts.count >= 2, parts[0] == "fengqiao" else {
            throw GeneratorError("package \(package) is not under fengqiao.: add it to ModuleTable")
        }
        let namespace = parts.dropFirst().map { Naming.upperCamel($0) }.joined()
        return PackageMapping(package: package, module: defaultModule, namespace: namespace)
    }
}
