import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a child process with `posix_spawn`, its output appended to files and its input empty.
///
/// Foundation's `Process` reaps children on a thread of its own and waits with a run loop, which
/// does not mix with waiting from test tasks; a plain pid and `waitpid` do.
func spawnChild(_ executable: String, _ arguments: [String], environment: [String: String], standardOutput: String, standardError: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard result == 0 else {
        throw ServiceProcess.ServiceFailure(description: "cannot start \(executable): error \(result)")
    }
    return pid
}

/// Waits for a child to end and returns its exit status (128 + the signal if a signal ended it).
///
/// The wait blocks a thread of its own, never one of Swift's cooperative threads (a machine with
/// two cores has two, and blocking them stalls every other task of the test run).
func waitForChild(_ pid: pid_t) async -> Int32 {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: waitForChildBlocking(pid)) }.start()
    }
}

private func waitForChildBlocking(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
}
