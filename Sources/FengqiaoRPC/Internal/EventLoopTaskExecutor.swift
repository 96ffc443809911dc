import NIOCore

/// Runs tasks on one event loop's thread.
///
/// A call's task started with this executor preference runs its handler where the connection's
/// frames are read and written: starting it, answering and flushing need no hand-over between
/// threads. Work the handler awaits elsewhere (a database connection's thread, another service)
/// still runs there, and the task comes back here after it.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
