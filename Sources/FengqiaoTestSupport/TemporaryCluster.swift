import FengqiaoPostgres
import Foundation

/// A PostgreSQL cluster of a test's own, made with `scripts/pg` in a temporary folder on a free
/// port, for tests that stop or restart the server and so must not share it.
public final class TemporaryCluster: Sendable {
    /// The cluster's folder.
    public let directory: String
    /// The owner role's connection settings.
    public let ownerConfiguration: PostgresConfiguration

    private init(directory: String, ownerConfiguration: PostgresConfiguration) {
        self.directory = directory
        self.ownerConfiguration = ownerConfiguration
    }

    /// Initialises and starts a fresh cluster (a few seconds).
    public static func start() async throws -> TemporaryCluster {
        let directory = "/var/tmp/fengqiao-test-cluster-" + UUID().uuidString.prefix(8).lowercased()
        let environment = ["FENGQIAO_PG_DIR": directory, "FENGQIAO_PG_PORT": "auto", "FENGQIAO_PG_FAST": "1"]
        try await runScript(["start"], environment: environment)
        let exports = try await runScript(["env"], environment: environment)
        guard let url = parseExports(exports)["FENGQIAO_OWNER_DATABASE_URL"] else {
            throw ScriptFailure(description: "scripts/pg env printed no owner URL")
        }
        return TemporaryCluster(directory: directory, ownerConfiguration: try PostgresConfiguration(url))
    }

    /// Restarts the server (fast shutdown: sessions are terminated) and waits until it accepts
    /// connections again.
    public func restart() async throws {
        try await Self.runScript(["restart"], environment: ["FENGQIAO_PG_DIR": directory])
    }

    /// Stops the server and deletes its folder.
    public func destroy() async throws {
        try await Self.runScript(["destroy"], environment: ["FENGQIAO_PG_DIR": directory])
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The repository's `scripts/pg`, found from this file's path.
    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pg").path
    }

    /// Runs `scripts/pg` and returns its standard output.
    ///
    /// Output goes to files, not pipes: the server the script starts inherits its descriptors, and
    /// a pipe it held would never reach end-of-file.
    @discardableResult
    static func runScript(_ arguments: [String], environment: [String: String]) async throws -> String {
        let result = try await runCommand("/bin/bash", [scriptPath] + arguments, environment: environment)
        guard result.status == 0 else {
            throw ScriptFailure(
                description: "scripts/pg \(arguments.joined(separator: " ")) failed (status \(result.status)): \(result.standardError)")
        }
        return result.standardOutput
    }

    static func parseExports(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let value = assignment[assignment.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            values[String(assignment[..<equals])] = value
        }
        return values
    }
}
