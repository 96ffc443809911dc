/// Writes a proto message as a Swift struct, and its conversion to and from protobuf-c's struct.
enum MessageEmitter {
    struct Field {
        var proto: ProtoField
        var shape: FieldShape
        /// The Swift property name, escaped if it is a keyword.
        var swiftName: String
        var cName: String
        /// For a singular message field kept in a `ProtobufBox` (``FieldShape/boxedMessage(types:)``),
        /// the box's type and the name of the private stored property that holds it; `nil` for a
        /// field stored inline.
        var box: (type: String, name: String)?
    }

    static func fields(of message: ProtoMessage, types: TypeTable) throws -> [Field] {
        var names: Set<String> = []
        return try message.fields.map { field in
            let swiftName = Naming.escaped(Naming.lowerCamel(field.name))
            guard names.insert(swiftName).inserted else {
                throw GeneratorError("\(message.fullName).\(field.name): Swift name \(swiftName) is taken")
            }
            let shape = try FieldShape.of(field, in: message, types: types)
            var box: (type: String, name: String)?
            if let entry = shape.boxedMessage(types: types) {
                let name = "_" + Naming.lowerCamel(field.name)
                guard names.insert(name).inserted else {
                    throw GeneratorError("\(message.fullName).\(field.name): Swift name \(name) is taken")
                }
                box = ("ProtobufBox<\(entry.swiftName)>", name)
            }
            return Field(
                proto: field,
                shape: shape,
                swiftName: swiftName,
                cName: Naming.cFieldName(field.name),
                box: box
            )
        }
    }

    /// The struct declaration, with nested enums and messages inside it.
    static func emitDeclaration(_ message: ProtoMessage, types: TypeTable, into writer: inout SwiftWriter) throws {
        try checkNotRecursive(message, types: types)
        let fields = try fields(of: message, types: types)
        writer.doc(message.comment, fallback: "The proto message `\(message.fullName)`.")
        try writer.block("public struct \(Naming.escaped(message.name)): Sendable, Hashable {") { writer in
            for nested in message.enums {
                EnumEmitter.emit(nested, into: &writer)
                writer.line()
            }
            for nested in message.messages where !nested.isMapEntry {
                try emitDeclaration(nested, types: types, into: &writer)
                writer.line()
            }
            for field in fields {
                writer.doc(field.proto.comment, fallback: "The field `\(field.proto.name)` (\(field.proto.number)).")
                if let box = field.box {
                    writer.block("public var \(field.swiftName): \(field.shape.swiftType) {") { writer in
                        writer.line("get { \(box.name)?.value }")
                        writer.line("set { \(box.name) = newValue.map { ProtobufBox($0) } }")
                    }
                    writer.line("private var \(box.name): \(box.type)?")
                    writer.line()
                    continue
                }
                let initial = try field.shape.defaultValue()
                writer.line("public var \(field.swiftName): \(field.shape.swiftType)" + (initial == "nil" ? "" : " = \(initial)"))
                writer.line()
            }
            writer.line("/// Creates a message with every field at its default: zero, empty, or absent.")
            writer.line("public init() {}")
            guard !fields.isEmpty else { return }
            writer.line()
            writer.line("/// Creates a message; fields not given are zero, empty, or absent.")
            writer.line("public init(")
            for (index, field) in fields.enumerated() {
                let comma = index == fields.count - 1 ? "" : ","
                writer.line("    \(field.swiftName): \(field.shape.swiftType) = \(try field.shape.defaultValue())\(comma)")
            }
            writer.block(") {") { writer in
                for field in fields {
                    writer.line("self.\(field.swiftName) = \(field.swiftName)")
                }
            }
        }
    }

    /// The `ProtobufMessage` conformance of `message` and of its nested messages.
    static func emitBridge(_ message: ProtoMessage, types: TypeTable, into writer: inout SwiftWriter) throws {
        let entry = try types.entry(message.fullName, for: message.fullName)
        let fields = try fields(of: message, types: types)
        let cType = entry.cName
        writer.line()
        writer.block("extension \(entry.swiftName): ProtobufMessage {") { writer in
            writer.line("/// The message's full proto name.")
            writer.line("public static let protoMessageName = \"\(message.fullName)\"")
            writer.line()
            // Read once from an initialized struct: Swift cannot take the address of protoc-c's
            // constant descriptor itself. `nonisolated(unsafe)` because pointers are not
            // `Sendable`; this one points to constant data.
            writer.block("nonisolated(unsafe) public static let _protobufDescriptor: UnsafeRawPointer? = {", close: "}()") { writer in
                writer.line("var message = \(cType)()")
                writer.line("\(entry.cFunctionPrefix)__init(&message)")
                writer.line("return UnsafeRawPointer(message.base.descriptor)")
            }
            writer.line()
            writer.block("public func _protobufMake(in arena: ProtobufArena) -> UnsafeMutableRawPointer {") { writer in
                writer.line("let c = arena.allocate(\(cType).self)")
                writer.line("\(entry.cFunctionPrefix)__init(c)")
                for field in fields {
                    writer.lines(field.shape.encode(
                        "self.\(field.swiftName)",
                        into: "c.pointee.\(field.cName)",
                        countTarget: "c.pointee.n_\(field.cName)"
                    ))
                }
                writer.line("return UnsafeMutableRawPointer(c)")
            }
            writer.line()
            writer.block("public init(_protobufUnpacked message: UnsafeRawPointer) throws {") { writer in
                writer.line("self.init()")
                guard !fields.isEmpty else { return }
                writer.line("let c = message.assumingMemoryBound(to: \(cType).self).pointee")
                for field in fields {
                    let value = field.shape.decode("c.\(field.cName)", count: "c.n_\(field.cName)", field: field.proto.name)
                    writer.lines("self.\(field.swiftName) = \(value.tried)".split(separator: "\n").map(String.init))
                }
            }
        }
        for nested in message.messages where !nested.isMapEntry {
            try emitBridge(nested, types: types, into: &writer)
        }
    }

    /// Refuses a message that contains itself through singular message fields: a Swift struct
    /// cannot (it would have infinite size). Repeated and map fields are fine.
    private static func checkNotRecursive(_ message: ProtoMessage, types: TypeTable) throws {
        var visiting: [String] = []
        func visit(_ current: ProtoMessage) throws {
            if visiting.contains(current.fullName) {
                guard current.fullName != message.fullName else {
                    throw GeneratorError("\(message.fullName) contains itself (\(visiting.joined(separator: " → "))); use a repeated field or an id")
                }
                return
            }
            visiting.append(current.fullName)
            defer { visiting.removeLast() }
            for field in current.fields where field.kind == .message && field.label != .repeated {
                if case .message(let nested)? = types[field.typeName]?.kind {
                    try visit(nested)
                }
            }
        }
        try visit(message)
    }
}
