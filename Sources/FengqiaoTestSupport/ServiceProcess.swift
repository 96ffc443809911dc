import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A built executable of this package, found beside the test binary.
public enum BuiltProduct {
    /// The path of an executable product, such as `fengqiao` or `fengqiao-registry`.
    public static func path(_ name: String) -> String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the tests run from `<build>/debug/<package>PackageTests.xctest`.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent(name).path
    }
}

/// The result of running a command to its end.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs an executable with arguments and extra environment, to its end.
///
/// Output goes through files, so a child that leaves a process behind cannot hold a pipe open.
public func runCommand(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fq-cmd-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outPath = scratch.appendingPathComponent("out").path
    let errPath = scratch.appendingPathComponent("err").path
    let pid = try spawnChild(executable, arguments, environment: environment, standardOutput: outPath, standardError: errPath)
    let status = await waitForChild(pid)
    return CommandResult(
        status: status,
        standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

/// A service executable running in the background for a test, with its log in a file.
public final class ServiceProcess: @unchecked Sendable {
    public let pid: pid_t
    public let logPath: String
    private var exitStatus: Int32?

    /// Starts `executable`; stop it with `stop()`.
    public init(_ executable: String, arguments: [String] = [], environment: [String: String]) throws {
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("fq-svc-" + UUID().uuidString + ".log").path
        pid = try spawnChild(executable, arguments, environment: environment, standardOutput: logPath, standardError: logPath)
    }

    /// The log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Whether the process still runs.
    public var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return false
        }
        return true
    }

    /// Waits until the log says the service listens, and returns its port.
    public func listeningPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let text = log
            if let range = text.range(of: "net.port=") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return port }
            }
            guard isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServiceFailure(description: "the service did not start listening; its log:\n\(log)")
    }

    /// Sends SIGTERM and waits for the process to end; returns its exit status.
    @discardableResult
    public func stop() async -> Int32 {
        if let exitStatus { return exitStatus }
        guard isRunning else { return exitStatus ?? 0 }
        kill(pid, SIGTERM)
        let status = await waitForChild(pid)
        exitStatus = status
        return status
    }

    deinit {
        // A test that failed before `stop()` leaves the process running: end it; the kernel
        // reaps it when the test process ends.
        if exitStatus == nil, isRunning { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    public struct ServiceFailure: Error, CustomStringConvertible {
        public var description: String
    }
}
