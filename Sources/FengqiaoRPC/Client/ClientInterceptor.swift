/// A client call as interceptors see it, before it is sent.
public struct ClientRequest: Sendable {
    /// The method's path.
    public var method: String
    /// The metadata to send; interceptors may add to it (credentials, request id).
    public var metadata: [String: String]
    /// The request message, encoded.
    public var payload: [UInt8]
}

/// Code run around every unary call a client makes, such as adding a credential or a request id.
///
/// Interceptors run in the order the client lists them; the first is outermost.
public protocol ClientInterceptor: Sendable {
    /// The rest of the chain; returns the encoded response message.
    typealias Next = @Sendable (ClientRequest) async throws -> [UInt8]

    /// Runs around one call.
    func intercept(request: ClientRequest, next: Next) async throws -> [UInt8]
}
