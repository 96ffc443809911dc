/// Writes a proto service as a caseless enum of method descriptors, with a handler protocol
/// (`Handler`) and a typed client (`Client`) nested in it, and the handler's registration with
/// the RPC runtime's router (``emitRegistration(_:types:namespace:into:)``, at file scope).
enum ServiceEmitter {
    static func emit(_ service: ProtoService, types: TypeTable, into writer: inout SwiftWriter) throws {
        try emitDescriptor(service, types: types, into: &writer)
    }

    private static let reservedNames: Set<String> = ["serviceName", "methods", "descriptor", "client"]

    private static func emitDescriptor(_ service: ProtoService, types: TypeTable, into writer: inout SwiftWriter) throws {
        var methodNames: [String] = []
        writer.doc(service.comment, fallback: "The proto service `\(service.fullName)`.")
        writer.line("///")
        writer.line("/// Method paths: " + service.methods.map { "`/\(service.fullName)/\($0.name)`" }.joined(separator: ", ") + ".")
        try writer.block("public enum \(Naming.escaped(service.name)) {") { writer in
            writer.line("/// The service's full proto name.")
            writer.line("public static let serviceName = \"\(service.fullName)\"")
            for method in service.methods {
                let context = "\(service.fullName).\(method.name)"
                if method.isClientStreaming {
                    throw GeneratorError("\(context): client streaming is not supported by the Fengqiao protocol")
                }
                let name = Naming.lowerCamel(Naming.camelToLower(method.name))
                if reservedNames.contains(name) || methodNames.contains(name) {
                    throw GeneratorError("\(context): the Swift name \(name) is taken")
                }
                methodNames.append(name)
                let request = try messageName(method.inputType, types: types, context: context)
                let response = try messageName(method.outputType, types: types, context: context)
                writer.line()
                writer.doc(method.comment, fallback: "`/\(service.fullName)/\(method.name)`.")
                writer.line("public static let \(Naming.escaped(name)) = ProtobufMethod<\(request), \(response)>(")
                writer.line("    serviceName: serviceName,")
                writer.line("    name: \"\(method.name)\",")
                writer.line("    isServerStreaming: \(method.isServerStreaming)")
                writer.line(")")
            }
            writer.line()
            writer.line("/// The service's methods, in the order the `.proto` file declares them.")
            writer.line("public static let methods: [ProtobufMethodInfo] = [")
            writer.lines(methodNames.map { "    \(Naming.escaped($0)).info," })
            writer.line("]")
            writer.line()
            writer.line("/// The service and its methods.")
            writer.line("public static let descriptor = ProtobufServiceDescriptor(name: serviceName, methods: methods)")
            try ServiceEmitter.emitHandler(service, types: types, into: &writer)
            try ServiceEmitter.emitClient(service, types: types, into: &writer)
        }
    }

    static func messageName(_ fullName: String, types: TypeTable, context: String) throws -> String {
        let entry = try types.entry(fullName, for: context)
        guard case .message = entry.kind, entry.module != nil else {
            throw GeneratorError("\(context): \(fullName) has no Swift message type")
        }
        return entry.swiftName
    }
}
