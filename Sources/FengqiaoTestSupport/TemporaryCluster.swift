import FengqiaoPostgres
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
    public static func start() throws -> TemporaryCluster {
        let directory = "/var/tmp/fengqiao-test-cluster-" + UUID().uuidString.prefix(8).lowercased()
        let environment = ["FENGQIAO_PG_DIR": directory, "FENGQIAO_PG_PORT": "auto", "FENGQIAO_PG_FAST": "1"]
        try runScript(["start"], environment: environment)
        let exports = try runScript(["env"], environment: environment)
        guard let url = parseExports(exports)["FENGQIAO_OWNER_DATABASE_URL"] else {
            throw ScriptFailure(description: "scripts/pg env printed no owner URL")
        }
        return TemporaryCluster(directory: directory, ownerConfiguration: try PostgresConfiguration(url))
    }

    /// Restarts the server (fast shutdown: sessions are terminated) and waits until it accepts
    /// connections again.
    public func restart() throws {
        try Self.runScript(["restart"], environment: ["FENGQIAO_PG_DIR": directory])
    }

    /// Stops the server and deletes its folder.
    public func destroy() throws {
        try Self.runScript(["destroy"], environment: ["FENGQIAO_PG_DIR": directory])
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
    /// a pipe it held would never reach end-of-file. The script runs through `system(3)`, which
    /// blocks this thread until it ends (tests only).
    @discardableResult
    static func runScript(_ arguments: [String], environment: [String: String]) throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fq-pg-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("out").path
        let errPath = scratch.appendingPathComponent("err").path
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(shellQuoted($0.value))" }
        let command = (assignments + ["/bin/bash", shellQuoted(scriptPath)] + arguments.map(shellQuoted)).joined(separator: " ")
            + " </dev/null >\(shellQuoted(outPath)) 2>\(shellQuoted(errPath))"
        let status = system(command)
        guard status == 0 else {
            throw ScriptFailure(
                description: "scripts/pg \(arguments.joined(separator: " ")) failed (status \(status)): "
                    + ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""))
        }
        return try String(contentsOfFile: outPath, encoding: .utf8)
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
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
