import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Sits right behind the TLS handler and turns what it reports into the runtime's terms.
///
/// On a client it completes ``handshakeDone`` when the handshake succeeds, and fails it with a
/// ``TLSFailure`` when the handshake fails, times out or the connection ends first. After the
/// handshake it hands the first TLS error on as a ``TLSFailure`` for the call handler to fail
/// calls with. On a server it logs a failed handshake, one line with the peer and the reason.
/// The TLS handler closes the connection itself after a failure. On both sides a ragged close
/// (no `close_notify`) is just a close.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Side {
        /// A client connecting to `address`, giving up on the handshake after `timeout`; with a
        /// `serverName`, the server's certificate must carry that DNS name.
        case client(address: RPCAddress, serverName: String?, timeout: TimeAmount)
        case server(Logger)
    }

    private let side: Side
    private var done: EventLoopPromise<Void>?
    private var timeout: Scheduled<Void>?
    private var handshaking = true
    private var failed = false

    init(side: Side) {
        self.side = side
    }

    /// Completes when the handshake has; set on a client once the handler is added.
    private(set) var handshakeDone: EventLoopFuture<Void>?

    func handlerAdded(context: ChannelHandlerContext) {
        guard case .client = side else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        done = promise
        handshakeDone = promise.futureResult
        if context.channel.isActive { startTimer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(TLSFailure(reason: "the connection closed before the TLS handshake finished")))
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(TLSFailure(reason: "the connection closed before the TLS handshake finished")))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            handshaking = false
            if let refusal = checkServerName(context: context) {
                failed = true
                finish(.failure(TLSFailure(reason: "TLS handshake failed: \(refusal)")))
                context.close(promise: nil)
                return
            }
            finish(.success(()))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOSSLError, error == .uncleanShutdown {
            return  // the peer closed without close_notify; channelInactive follows
        }
        guard let reason = TLSFailure.reason(for: error, peer: side.peer) else {
            context.fireErrorCaught(error)
            return
        }
        // The TLS handler closes the connection after a failure; the errors of that close (a
        // failed close_notify, say) add nothing, and passing them on could close again and again.
        guard !failed else { return }
        failed = true
        switch side {
        case .client(let address, _, _):
            if handshaking {
                finish(.failure(TLSFailure(reason: "TLS handshake failed: \(reason)")))
            } else {
                context.fireErrorCaught(TLSFailure(reason: "TLS error on the connection to \(address): \(reason)"))
            }
        case .server(let logger):
            if handshaking {
                logger.info(
                    "TLS handshake failed",
                    metadata: ["net.peer": "\(Self.describe(context.channel.remoteAddress))", "tls.error": "\(reason)"])
            } else {
                logger.debug("TLS error; closing connection", metadata: ["tls.error": "\(reason)"])
            }
        }
    }

    /// `ip:port`, as a peer is named in logs.
    private static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress else { return "unknown" }
        return "\(ip):\(address.port ?? 0)"
    }

    /// Why the server's certificate does not do for the server name, or `nil` when it does.
    ///
    /// The TLS handler accepts a certificate that lists either the name or the IP address
    /// connected to. With a DNS name that is not enough: a certificate the CA issued to another
    /// machine, for its address, must not pass for this name when that machine answers in its
    /// place (a spoofed DNS answer, say). So the name itself must be among the DNS names.
    private func checkServerName(context: ChannelHandlerContext) -> String? {
        guard case .client(_, let serverName?, _) = side else { return nil }
        guard let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate() else {
            return "the server presented no certificate"
        }
        // NIOSSL's only reader of subjectAltName; stable since 2.0 though underscored.
        let dnsNames = certificate._subjectAlternativeNames()
            .filter { $0.nameType == .dnsName }
            .map { String(decoding: $0.contents, as: UTF8.self) }
        guard CertificateName.matches(serverName, dnsNames: dnsNames) else {
            return "the server's certificate does not name \(serverName)"
        }
        return nil
    }

    private func startTimer(context: ChannelHandlerContext) {
        guard case .client(_, _, let limit) = side, timeout == nil, done != nil else { return }
        let channel = context.channel
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
            self.finish(.failure(TLSFailure(reason: "TLS handshake timed out")))
            channel.close(promise: nil)
        }
    }

    private func finish(_ result: Result<Void, TLSFailure>) {
        timeout?.cancel()
        timeout = nil
        guard let done else { return }
        self.done = nil
        done.completeWith(result.mapError { $0 as any Error })
    }
}

extension TLSHandshakeHandler.Side {
    /// Who is at the other end, for messages.
    var peer: String {
        switch self {
        case .client: "server"
        case .server: "client"
        }
    }
}

/// A TLS failure in words: why a handshake failed or a TLS connection broke.
struct TLSFailure: Error, Sendable, CustomStringConvertible {
    var reason: String

    var description: String { reason }

    /// Why `error` happened, when it comes from TLS; `nil` otherwise.
    static func reason(for error: any Error, peer: String) -> String? {
        switch error {
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let error), .shutdownFailed(let error):
                return explain(error, peer: peer)
            default:
                return "\(error)"
            }
        case let error as BoringSSLError:
            return explain(error, peer: peer)
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return "the \(peer)'s certificate is not for the name connected to (\(error))"
        case let error as NIOSSLExtraError where error == .cannotUseIPAddressInSNI:
            return "the TLS server name must be a DNS name; leave it unset to check the address's IP address"
        case let error as NIOSSLExtraError:
            return "\(error)"
        case is NIOSSLCloseTimedOutError:
            return "the \(peer) did not answer close_notify"
        default:
            return nil
        }
    }

    private static func explain(_ error: BoringSSLError, peer: String) -> String {
        guard case .sslError(let stack) = error else { return "\(error)" }
        if stack.contains(.eofDuringHandshake) {
            return "the \(peer) closed the connection during the handshake"
        }
        let codes = stack.map(code(of:))
        for code in codes {
            if let words = explanations(peer: peer)[code] { return "\(words) (\(code))" }
        }
        return codes.isEmpty ? "\(error)" : codes.joined(separator: ", ")
    }

    /// BoringSSL's reason code, `CERTIFICATE_VERIFY_FAILED`, from
    /// `Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at …`.
    private static func code(of error: BoringSSLInternalError) -> String {
        var text = Substring(error.description)
        if let at = text.firstRange(of: " at ") { text = text[..<at.lowerBound] }
        if let colon = text.lastIndex(of: ":") { text = text[text.index(after: colon)...] }
        return String(text.trimmingPrefix(" "))
    }

    private static func explanations(peer: String) -> [String: String] {
        [
            "CERTIFICATE_VERIFY_FAILED": "the \(peer)'s certificate is not trusted",
            "PEER_DID_NOT_RETURN_A_CERTIFICATE": "the \(peer) presented no certificate, and one is required",
            "TLSV1_ALERT_CERTIFICATE_REQUIRED": "the \(peer) requires a client certificate",
            "TLSV1_ALERT_UNKNOWN_CA": "the \(peer) does not trust our certificate",
            "SSLV3_ALERT_BAD_CERTIFICATE": "the \(peer) refused our certificate",
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the \(peer) refused our certificate",
            "SSLV3_ALERT_CERTIFICATE_EXPIRED": "the \(peer) says our certificate has expired",
            "WRONG_VERSION_NUMBER": "the \(peer) does not speak TLS",
            "HTTP_REQUEST": "the \(peer) does not speak TLS",
            "NO_SHARED_CIPHER": "the \(peer) shares no cipher suite with us",
            "UNSUPPORTED_PROTOCOL": "the \(peer) offers no TLS version from 1.2 up",
        ]
    }
}
