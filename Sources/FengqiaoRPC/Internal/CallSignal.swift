import NIOConcurrencyHelpers

/// A one-shot signal, such as the server's "every connection has drained".
///
/// ``wait()`` returns the first reason ``fire(_:)`` gives, or `nil` when the waiting task is
/// cancelled first.
final class CallSignal: Sendable {
    enum Reason: Sendable, Equatable {
        case cancelled
    }

    private enum State {
        case idle
        case waiting(CheckedContinuation<Reason?, Never>)
        case fired(Reason)
        case abandoned
    }

    private let state = NIOLockedValueBox<State>(.idle)

    func fire(_ reason: Reason) {
        let continuation: CheckedContinuation<Reason?, Never>? = state.withLockedValue { state in
            switch state {
            case .idle:
                state = .fired(reason)
                return nil
            case .waiting(let continuation):
                state = .fired(reason)
                return continuation
            case .fired, .abandoned:
                return nil
            }
        }
        continuation?.resume(returning: reason)
    }

    func wait() async -> Reason? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Reason?, Never>) in
                let resume: Reason?? = state.withLockedValue { state in
                    switch state {
                    case .idle:
                        state = .waiting(continuation)
                        return .none
                    case .fired(let reason):
                        return .some(reason)
                    case .abandoned:
                        return .some(nil)
                    case .waiting:
                        return .some(nil)
                    }
                }
                if let resume { continuation.resume(returning: resume) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Reason?, Never>? = state.withLockedValue { state in
                switch state {
                case .waiting(let continuation):
                    state = .abandoned
                    return continuation
                case .idle:
                    state = .abandoned
                    return nil
                case .fired, .abandoned:
                    return nil
                }
            }
            continuation?.resume(returning: nil)
        }
    }
}
