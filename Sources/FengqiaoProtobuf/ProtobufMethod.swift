/// One method of a service declared in a `.proto` file, with its request and response types.
///
/// Generated service namespaces hold one per method, such as `HealthV1.Health.check`; the RPC
/// runtime routes calls by ``path``.
public struct ProtobufMethod<Request: ProtobufMessage, Response: ProtobufMessage>: Sendable, Hashable {
    /// The service's full proto name, such as `fengqiao.health.v1.Health`.
    public let serviceName: String
    /// The method's name, such as `Check`.
    public let name: String
    /// Whether the server answers with a stream of messages rather than one.
    public let isServerStreaming: Bool
    /// The path that goes in the envelope, in gRPC's form: `/fengqiao.health.v1.Health/Check`.
    /// Made once: every call sends it.
    public let path: String

    /// Creates a method descriptor; generated code does this.
    public init(serviceName: String, name: String, isServerStreaming: Bool) {
        self.serviceName = serviceName
        self.name = name
        self.isServerStreaming = isServerStreaming
        self.path = "/\(serviceName)/\(name)"
    }

    /// The method without its Swift types, for tables of methods.
    public var info: ProtobufMethodInfo {
        ProtobufMethodInfo(
            serviceName: serviceName,
            name: name,
            requestType: Request.self,
            responseType: Response.self,
            isServerStreaming: isServerStreaming
        )
    }
}

/// One method of a service, its message types known only as ``ProtobufMessage`` types.
public struct ProtobufMethodInfo: Sendable {
    /// The service's full proto name, such as `fengqiao.health.v1.Health`.
    public let serviceName: String
    /// The method's name, such as `Check`.
    public let name: String
    /// The request message's Swift type.
    public let requestType: any ProtobufMessage.Type
    /// The response message's Swift type.
    public let responseType: any ProtobufMessage.Type
    /// Whether the server answers with a stream of messages rather than one.
    public let isServerStreaming: Bool

    /// The path that goes in the envelope, in gRPC's form: `/fengqiao.health.v1.Health/Check`.
    public var path: String { "/\(serviceName)/\(name)" }
}

/// A service declared in a `.proto` file: its name and methods in declaration order.
public struct ProtobufServiceDescriptor: Sendable {
    /// The service's full proto name, such as `fengqiao.health.v1.Health`.
    public let name: String
    /// The service's methods, in the order the `.proto` file declares them.
    public let methods: [ProtobufMethodInfo]

    /// Creates a service descriptor; generated code does this.
    public init(name: String, methods: [ProtobufMethodInfo]) {
        self.name = name
        self.methods = methods
    }
}
