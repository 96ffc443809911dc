import NIOConcurrencyHelpers

/// A counting semaphore for async code: callers past the limit wait in order.
final class AsyncPermits: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let state: NIOLockedValueBox<State>

    init(_ count: Int) {
        state = NIOLockedValueBox(State(available: max(1, count)))
    }

    /// Takes a permit if one is free and nobody waits for one.
    private func tryAcquire() -> Bool {
        state.withLockedValue { state in
            guard state.available > 0 && state.waiters.isEmpty else { return false }
            state.available -= 1
            return true
        }
    }

    /// Takes a permit, waiting for one.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func acquire() async throws {
        try Task.checkCancellation()
        if tryAcquire() { return }
        let id = state.withLockedValue { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let granted: Bool? = state.withLockedValue { state in
                    if Task.isCancelled { return false }
                    if state.available > 0 && state.waiters.isEmpty {
                        state.available -= 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                switch granted {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let continuation = state.withLockedValue { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0).continuation }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Returns a permit, waking the first waiter.
    func release() {
        let next: CheckedContinuation<Void, any Error>? = state.withLockedValue { state in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }

    /// Takes a permit, waiting for one no later than `deadline`.
    ///
    /// - Throws: ``RPCError`` `deadlineExceeded` when the deadline passes first, or
    ///   `CancellationError` when the task is cancelled.
    nonisolated(nonsending) func acquire(before deadline: ContinuousClock.Instant?) async throws {
        // Most calls find a permit free: take it without racing a timer in a task group.
        try Task.checkCancellation()
        if tryAcquire() { return }
        guard let deadline else {
            try await acquire()
            return
        }
        enum Outcome { case acquired, cancelled, expired }
        let outcome: Outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    try await self.acquire()
                    return .acquired
                } catch {
                    return .cancelled
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return .expired
                } catch {
                    return .cancelled
                }
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            var acquired = first == .acquired
            while let other = await group.next() {
                if other == .acquired { acquired = true }
            }
            if acquired && first != .acquired {
                self.release()
            }
            return first
        }
        switch outcome {
        case .acquired: return
        case .expired: throw RPCError(.deadlineExceeded, "deadline exceeded while waiting to start")
        case .cancelled: throw CancellationError()
        }
    }
}
