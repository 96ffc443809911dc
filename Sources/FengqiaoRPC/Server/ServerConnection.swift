import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One client connection on the server: reads envelopes, runs calls concurrently, answers them.
final class ServerConnection: Sendable {
    private struct State {
        var calls: [UInt64: CallEnd] = [:]
        var draining = false
        var lastCallID: UInt64 = 0
        var closed = false
        /// The end of ``serve(inbound:)``, waiting for the last call to finish.
        var lastCallFinished: CheckedContinuation<Void, Never>?
    }

    let channel: any Channel
    let shared: ServerShared
    private let activity: CallActivity
    private let state = NIOLockedValueBox(State())

    init(channel: any Channel, shared: ServerShared, activity: CallActivity) {
        self.channel = channel
        self.shared = shared
        self.activity = activity
    }

    /// Serves the connection until the peer closes it, a protocol error, or the drain ends, and
    /// returns once every call on it has finished.
    ///
    /// Each call is a task of its own (not a child task), so that a CANCEL or the deadline can
    /// cancel it; when the connection ends, its calls are interrupted and awaited here.
    func serve(inbound: NIOAsyncChannelInboundStream<RPCV1.Envelope>) async {
        do {
            for try await envelope in inbound {
                switch envelope.kind {
                case .request:
                    if let end = accept(envelope) {
                        activity.add(1)
                        end.start(
                            Task {
                                await self.run(envelope, end: end)
                                self.activity.add(-1)
                            }
                        )
                    }
                case .cancel:
                    let end = state.withLockedValue { $0.calls[envelope.callID] }
                    end?.interrupt(.cancelled)
                case .ping:
                    var pong = RPCV1.Envelope()
                    pong.kind = .pong
                    pong.callID = envelope.callID
                    pong.payload = Array(envelope.payload.prefix(8))
                    channel.writeAndFlush(pong, promise: nil)
                case .pong:
                    break
                case .goAway:
                    drain(reason: .shuttingDown, message: "client is going away")
                default:
                    protocolError("unexpected envelope kind \(envelope.kind.rawValue)")
                }
            }
        } catch let error as FrameError {
            protocolError(error.description)
        } catch {
            shared.logger.debug("connection ended", metadata: ["error.type": "\(type(of: error))"])
        }
        let running = state.withLockedValue { state in
            state.closed = true
            return Array(state.calls.values)
        }
        for end in running { end.interrupt(.cancelled) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state in
                if state.calls.isEmpty { return true }
                state.lastCallFinished = continuation
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Registers a new call, or answers it at once when the connection cannot take it.
    private func accept(_ envelope: RPCV1.Envelope) -> CallEnd? {
        enum Verdict { case accept(CallEnd), reject(RPCError), ignore }
        let limit = shared.configuration.maximumConcurrentCallsPerConnection
        let end = CallEnd(envelope: envelope, shared: shared, channel: channel)
        let verdict: Verdict = state.withLockedValue { state in
            if envelope.callID == 0 || state.calls[envelope.callID] != nil {
                return .ignore
            }
            if state.draining {
                return .reject(RPCError(.unavailable, "server is shutting down"))
            }
            if state.calls.count >= limit {
                return .reject(RPCError(.resourceExhausted, "too many calls in flight on this connection (limit \(limit))"))
            }
            state.calls[envelope.callID] = end
            state.lastCallID = max(state.lastCallID, envelope.callID)
            return .accept(end)
        }
        switch verdict {
        case .accept(let end):
            return end
        case .reject(let error):
            var answer = RPCV1.Envelope()
            answer.kind = .response
            answer.callID = envelope.callID
            answer.status = error.status
            channel.writeAndFlush(answer, promise: nil)
            return nil
        case .ignore:
            protocolError("call id \(envelope.callID) is zero or already in flight")
            return nil
        }
    }

    private func run(_ envelope: RPCV1.Envelope, end: CallEnd) async {
        // The answer is written before the close, and a close flushes (see FlushCoalescer).
        await ServerCall(envelope: envelope, connection: self, end: end).run()
        let (closeNow, lastCallFinished) = state.withLockedValue { state in
            state.calls[envelope.callID] = nil
            guard state.calls.isEmpty else { return (false, nil as CheckedContinuation<Void, Never>?) }
            defer { state.lastCallFinished = nil }
            return (state.draining, state.lastCallFinished)
        }
        if closeNow { channel.close(promise: nil) }
        lastCallFinished?.resume()
    }

    /// Sends GO_AWAY, refuses new calls, and closes once the calls in flight have finished.
    func drain(reason: RPCV1.GoAway.Reason, message: String) {
        let (first, idle, lastCallID) = state.withLockedValue { state in
            let first = !state.draining
            state.draining = true
            return (first, state.calls.isEmpty, state.lastCallID)
        }
        guard first else { return }
        channel.writeAndFlush(Self.goAway(reason, lastCallID: lastCallID, message: message), promise: nil)
        if idle { channel.close(promise: nil) }
    }

    /// Cancels every call still running, for the end of the grace period.
    func cancelAll() {
        let ends = state.withLockedValue { Array($0.calls.values) }
        for end in ends { end.interrupt(.cancelled) }
        channel.close(promise: nil)
    }

    private func protocolError(_ message: String) {
        shared.logger.info("protocol error; closing connection", metadata: ["rpc.error": "\(message)"])
        let lastCallID = state.withLockedValue { state in
            state.draining = true
            return state.lastCallID
        }
        let goAway = Self.goAway(.protocolError, lastCallID: lastCallID, message: message)
        channel.writeAndFlush(goAway).whenComplete { [channel] _ in channel.close(promise: nil) }
    }

    static func goAway(_ reason: RPCV1.GoAway.Reason, lastCallID: UInt64, message: String) -> RPCV1.Envelope {
        var envelope = RPCV1.Envelope()
        envelope.kind = .goAway
        envelope.goAway = RPCV1.GoAway(reason: reason, lastCallID: lastCallID, message: message)
        return envelope
    }
}
