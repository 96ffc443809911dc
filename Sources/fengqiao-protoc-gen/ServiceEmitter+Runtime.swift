/// The parts of a service that use the RPC runtime (module `FengqiaoRPC`): the handler protocol,
/// its registration with a server's router, and the typed client.
extension ServiceEmitter {
    struct MethodShape {
        var swiftName: String
        var request: String
        var response: String
        var isServerStreaming: Bool
        var comment: String
        var path: String
    }

    static func shapes(_ service: ProtoService, types: TypeTable) throws -> [MethodShape] {
        try service.methods.map { method in
            let context = "\(service.fullName).\(method.name)"
            return MethodShape(
                swiftName: Naming.lowerCamel(Naming.camelToLower(method.name)),
                request: try messageName(method.inputType, types: types, context: context),
                response: try messageName(method.outputType, types: types, context: context),
                isServerStreaming: method.isServerStreaming,
                comment: method.comment,
                path: "/\(service.fullName)/\(method.name)"
            )
        }
    }

    /// `public protocol Handler: RPCService`, one async function per method.
    static func emitHandler(_ service: ProtoService, types: TypeTable, into writer: inout SwiftWriter) throws {
        writer.line()
        writer.line("/// Implement to serve `\(service.fullName)`; pass the value to `RPCServer(services:)`.")
        writer.line("///")
        writer.line("/// Throw `RPCError` (or an `RPCStatusConvertible` error) to fail a call with a status.")
        writer.line("/// The methods run on the call's own executor: implementations declared")
        writer.line("/// `nonisolated(nonsending)` are entered without a switch of executor; plain `async` ones")
        writer.line("/// work as well.")
        try writer.block("public protocol Handler: RPCService {") { writer in
            var first = true
            for method in try shapes(service, types: types) {
                if !first { writer.line() }
                first = false
                writer.doc(method.comment, fallback: "Serves `\(method.path)`.")
                if method.isServerStreaming {
                    writer.line("nonisolated(nonsending) func \(Naming.escaped(method.swiftName))(")
                    writer.line("    _ request: \(method.request),")
                    writer.line("    writer: ServerStreamWriter<\(method.response)>,")
                    writer.line("    context: ServerContext")
                    writer.line(") async throws")
                } else {
                    writer.line("nonisolated(nonsending) func \(Naming.escaped(method.swiftName))(")
                    writer.line("    _ request: \(method.request),")
                    writer.line("    context: ServerContext")
                    writer.line(") async throws -> \(method.response)")
                }
            }
        }
    }

    /// `public struct Client`, one async function per method, wrapping an `RPCClient`.
    static func emitClient(_ service: ProtoService, types: TypeTable, into writer: inout SwiftWriter) throws {
        let enumName = Naming.escaped(service.name)
        writer.line()
        writer.line("/// A typed client of `\(service.fullName)`, over an `RPCClient`.")
        try writer.block("public struct Client: Sendable {") { writer in
            writer.line("/// The runtime client the calls go through.")
            writer.line("public let client: RPCClient")
            writer.line()
            writer.line("/// Wraps `client`.")
            writer.line("public init(_ client: RPCClient) {")
            writer.line("    self.client = client")
            writer.line("}")
            for method in try shapes(service, types: types) {
                writer.line()
                writer.doc(method.comment, fallback: "Calls `\(method.path)`.")
                writer.line("///")
                writer.line("/// - Throws: `RPCError` with the server's status, or `deadlineExceeded`/`unavailable`.")
                let name = Naming.escaped(method.swiftName)
                if method.isServerStreaming {
                    writer.line("public nonisolated(nonsending) func \(name)(")
                    writer.line("    _ request: \(method.request),")
                    writer.line("    _ options: CallOptions = CallOptions()")
                    writer.line(") async throws -> RPCResponseStream<\(method.response)> {")
                    writer.line("    try await client.serverStreaming(\(enumName).\(name), request, options: options)")
                    writer.line("}")
                } else {
                    writer.line("public nonisolated(nonsending) func \(name)(")
                    writer.line("    _ request: \(method.request),")
                    writer.line("    _ options: CallOptions = CallOptions()")
                    writer.line(") async throws -> \(method.response) {")
                    writer.line("    try await client.unary(\(enumName).\(name), request, options: options)")
                    writer.line("}")
                }
            }
        }
    }

    /// The extension registering a `Handler`'s methods, at file scope.
    static func emitRegistration(
        _ service: ProtoService,
        types: TypeTable,
        namespace: String,
        into writer: inout SwiftWriter
    ) throws {
        let enumName = "\(namespace).\(Naming.escaped(service.name))"
        writer.line()
        try writer.block("extension \(enumName).Handler {") { writer in
            writer.line("/// `\(service.fullName)` and its methods.")
            writer.line("public var serviceDescriptor: ProtobufServiceDescriptor { \(enumName).descriptor }")
            writer.line()
            writer.line("/// Routes each method of `\(service.fullName)` to this handler.")
            try writer.block("public func registerMethods(with router: inout RPCRouter) {") { writer in
                for method in try shapes(service, types: types) {
                    let name = Naming.escaped(method.swiftName)
                    if method.isServerStreaming {
                        writer.line("router.register(\(enumName).\(name)) { request, writer, context in")
                        writer.line("    try await self.\(name)(request, writer: writer, context: context)")
                        writer.line("}")
                    } else {
                        writer.line("router.register(\(enumName).\(name)) { request, context in")
                        writer.line("    try await self.\(name)(request, context: context)")
                        writer.line("}")
                    }
                }
            }
        }
    }
}
