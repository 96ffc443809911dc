import FengqiaoProtobuf
import NIOCore

/// A service a server offers: it registers its methods' handlers with the router.
///
/// Generated handler protocols (such as `TestingV1.Echo.Handler`) conform and implement
/// ``registerMethods(with:)``; implement the handler protocol, not this one.
public protocol RPCService: Sendable {
    /// The service's name and methods, for health checks and `ListServices`.
    var serviceDescriptor: ProtobufServiceDescriptor { get }
    /// Adds a route for each of the service's methods.
    func registerMethods(with router: inout RPCRouter)
}

/// A call as the server's interceptors and routes see it, before the payload is decoded.
public struct ServerRequest: Sendable {
    /// The method's path.
    public var method: String
    /// The request message, encoded.
    public var payload: [UInt8]
}

/// How a call ended successfully, as the server's interceptors see it.
public struct ServerResponse: Sendable {
    /// The response message as a handler returned it, packed straight into the answer's frame;
    /// or its encoding, once an interceptor has set one; `nil` for a finished stream.
    var body: FramePayload?
    /// Metadata to send with the answer.
    public var metadata: [String: String]

    /// The response message, encoded, for unary calls; `nil` for a finished stream.
    ///
    /// Reading it encodes the message (an empty encoding if that fails: the answer then says
    /// `INTERNAL`). Setting it replaces the message with these bytes.
    public var payload: [UInt8]? {
        get {
            switch body {
            case .message(let message): return (try? message.serializedBytes()) ?? []
            case .encoded(let bytes): return bytes
            case nil: return nil
            }
        }
        set { body = newValue.map { .encoded($0) } }
    }

    /// Creates a response.
    public init(payload: [UInt8]?, metadata: [String: String] = [:]) {
        self.body = payload.map { .encoded($0) }
        self.metadata = metadata
    }

    init(message: some ProtobufMessage) {
        self.body = .message(message)
        self.metadata = [:]
    }
}

/// Maps method paths to the functions that run them.
public struct RPCRouter: Sendable {
    /// A method's route: decodes the request from its encoding, then returns what runs the call.
    ///
    /// Two steps, so that a server can decode the request in the read that brought it, straight
    /// from the bytes read, and keep only the decoded message while the handler runs.
    ///
    /// A struct around the function: a function stored straight in a dictionary is kept in the
    /// most general calling convention, so the ``Handling`` it returns would be wrapped in a thunk,
    /// allocated on every call and adding a level of `await` to it.
    struct Route: Sendable {
        let prepare: @Sendable (_ payload: UnsafeRawBufferPointer) throws -> Handling
    }

    /// The handler's part of a call, with its request decoded.
    typealias Handling = nonisolated(nonsending) @Sendable (ServerContext, CallResponder) async throws -> ServerResponse

    private(set) var routes: [String: Route] = [:]
    private(set) var services: [ProtobufServiceDescriptor] = []

    init() {}

    mutating func add(_ service: any RPCService) {
        services.append(service.serviceDescriptor)
        service.registerMethods(with: &self)
    }

    /// Registers the handler of a unary method.
    public mutating func register<Request, Response>(
        _ method: ProtobufMethod<Request, Response>,
        handler: nonisolated(nonsending) @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        routes[method.path] = Route { payload in
            let message = try Self.decode(Request.self, from: payload)
            return { context, _ in
                ServerResponse(message: try await handler(message, context))
            }
        }
    }

    /// Registers the handler of a server-streaming method.
    public mutating func register<Request, Response>(
        _ method: ProtobufMethod<Request, Response>,
        handler: nonisolated(nonsending) @escaping @Sendable (Request, ServerStreamWriter<Response>, ServerContext) async throws -> Void
    ) {
        routes[method.path] = Route { payload in
            let message = try Self.decode(Request.self, from: payload)
            return { context, responder in
                try await handler(message, ServerStreamWriter(responder: responder), context)
                return ServerResponse(payload: nil)
            }
        }
    }

    private static func decode<Message: ProtobufMessage>(_ type: Message.Type, from payload: UnsafeRawBufferPointer) throws -> Message {
        do {
            return try Message(serializedBytes: payload)
        } catch {
            throw RPCError.undecodableRequest(Message.self, error)
        }
    }
}
