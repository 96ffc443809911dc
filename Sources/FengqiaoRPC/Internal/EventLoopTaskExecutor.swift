import NIOCore

/// Runs tasks on one event loop's thread.
///
/// A call's task started with this executor preference runs its handler where the connection's
/// frames are read and written: starting it, answering and flushing need no hand-over between
/// threads. Work the handler awaits elsewhere (a database connection's thread, another service)
/// still runs there, and the task comes back here after it.
///
/// Public for code that starts its own tasks on a channel's event loop the same way (the RPC
/// benchmark prices a task per call with it).
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop whose thread runs the tasks.
    public let eventLoop: any EventLoop

    /// An executor running its jobs on `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop, after what is queued there already.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
