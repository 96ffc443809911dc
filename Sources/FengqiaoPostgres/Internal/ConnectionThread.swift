import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread a connection's libpq calls block on, and a task executor for code that uses the
/// connection.
///
/// Code running with this executor preferred (`withTaskExecutorPreference`) runs on the thread
/// itself, so a statement there calls libpq directly with no hand-over between threads; code
/// elsewhere hops here for each call. Either way libpq never blocks a cooperative thread or an
/// event loop.
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var threadID: pthread_t?

    /// The task whose cancellation handler covers statements run here (see
    /// `PostgresConnection.withThread`), by identity, and the token its handler cancels with.
    /// Read and written on this thread only.
    var guarded: (task: UnsafeRawPointer, token: LibPQConnection.CancelToken)?

    /// The identity of the task running now, if any; compared, never dereferenced.
    static var currentTask: UnsafeRawPointer? {
        withUnsafeCurrentTask { task in task.map { unsafeBitCast($0, to: UnsafeRawPointer.self) } }
    }

    init(name: String) {
        let started = NSCondition()
        let thread = Thread { [self] in
            started.lock()
            self.threadID = pthread_self()
            started.signal()
            started.unlock()
            self.serve()
        }
        thread.name = name
        started.lock()
        thread.start()
        while threadID == nil { started.wait() }
        started.unlock()
    }

    /// The guard's token when the caller runs on this thread, in the guarded task: such a caller
    /// can run a statement right here, synchronously, under that token.
    var tokenOfCurrentTask: LibPQConnection.CancelToken? {
        guard isCurrent, let guarded, Self.currentTask == guarded.task else { return nil }
        return guarded.token
    }

    /// Whether the caller runs on this thread.
    var isCurrent: Bool {
        guard let threadID else { return false }
        return pthread_equal(pthread_self(), threadID) != 0
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs already queued have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}
