/// What a field looks like in Swift and in protobuf-c's struct, decided once per field.
///
/// Presence (docs/PROTOCOL.md, "Field presence"): scalars, strings, bytes and enums have none and
/// default to zero or empty; message fields are Swift optionals; `google.protobuf` wrapper
/// messages become optionals of their scalar. oneof, proto3 `optional`, groups and proto2
/// `required` are refused, since the suite's convention does not use them.
indirect enum FieldShape {
    /// A number or bool, stored in the C struct by value.
    case scalar(Scalar)
    case string
    case bytes
    case enumeration(TypeTable.Entry)
    /// A singular message: optional in Swift, a pointer in C.
    case message(TypeTable.Entry)
    /// A `google.protobuf.*Value` field: an optional of `value` in Swift, a pointer in C.
    case wrapper(Wrapper, value: FieldShape)
    /// A repeated field of `element` (never a map, wrapper or repeated).
    case repeated(FieldShape)
    /// A map, stored by protobuf-c as repeated pointers to `entry` structs.
    case map(key: FieldShape, value: FieldShape, entry: TypeTable.Entry)

    struct Scalar {
        /// The Swift type: `Int32`, `UInt64`, `Double`, `Bool` …
        var swiftType: String

        var isBool: Bool { swiftType == "Bool" }
    }

    struct Wrapper {
        /// `Google__Protobuf__Int64Value`
        var cName: String
        /// `google__protobuf__int64_value`
        var cFunctionPrefix: String
    }

    private static let wrappers: [String: ProtoField.Kind] = [
        "google.protobuf.DoubleValue": .double, "google.protobuf.FloatValue": .float,
        "google.protobuf.Int64Value": .int64, "google.protobuf.UInt64Value": .uint64,
        "google.protobuf.Int32Value": .int32, "google.protobuf.UInt32Value": .uint32,
        "google.protobuf.BoolValue": .bool, "google.protobuf.StringValue": .string,
        "google.protobuf.BytesValue": .bytes,
    ]

    /// Classifies `field` of `message`.
    ///
    /// - Throws: `GeneratorError` for field kinds outside the suite's convention.
    static func of(_ field: ProtoField, in message: ProtoMessage, types: TypeTable) throws -> FieldShape {
        let context = "\(message.fullName).\(field.name)"
        if field.isProto3Optional {
            throw GeneratorError("\(context): proto3 `optional` is not supported (protoc-c 1.4 refuses it); use a google.protobuf wrapper")
        }
        if field.oneofIndex != nil {
            throw GeneratorError("\(context): oneof is not supported by fengqiao-protoc-gen yet")
        }
        if field.label == .required {
            throw GeneratorError("\(context): `required` fields are not supported")
        }
        let single = try singular(field.kind, typeName: field.typeName, context: context, types: types)
        guard field.label == .repeated else { return single }
        switch single {
        case .message(let entry):
            if case .message(let entryMessage) = entry.kind, entryMessage.isMapEntry {
                return try map(entryMessage, entry: entry, context: context, types: types)
            }
            return .repeated(single)
        case .wrapper:
            throw GeneratorError("\(context): repeated wrapper messages are not supported; use a repeated scalar")
        default:
            return .repeated(single)
        }
    }

    private static func map(
        _ message: ProtoMessage,
        entry: TypeTable.Entry,
        context: String,
        types: TypeTable
    ) throws -> FieldShape {
        guard message.fields.count == 2 else {
            throw GeneratorError("\(context): a map entry must have a key and a value")
        }
        let key = try singular(message.fields[0].kind, typeName: "", context: context, types: types)
        let value = try singular(message.fields[1].kind, typeName: message.fields[1].typeName, context: context, types: types)
        if case .wrapper = value {
            throw GeneratorError("\(context): map values of wrapper messages are not supported")
        }
        return .map(key: key, value: value, entry: entry)
    }

    private static func singular(
        _ kind: ProtoField.Kind,
        typeName: String,
        context: String,
        types: TypeTable
    ) throws -> FieldShape {
        switch kind {
        case .double: return .scalar(Scalar(swiftType: "Double"))
        case .float: return .scalar(Scalar(swiftType: "Float"))
        case .int64, .sint64, .sfixed64: return .scalar(Scalar(swiftType: "Int64"))
        case .uint64, .fixed64: return .scalar(Scalar(swiftType: "UInt64"))
        case .int32, .sint32, .sfixed32: return .scalar(Scalar(swiftType: "Int32"))
        case .uint32, .fixed32: return .scalar(Scalar(swiftType: "UInt32"))
        case .bool: return .scalar(Scalar(swiftType: "Bool"))
        case .string: return .string
        case .bytes: return .bytes
        case .group: throw GeneratorError("\(context): groups are not supported")
        case .enum:
            return .enumeration(try types.entry(typeName, for: context))
        case .message:
            let entry = try types.entry(typeName, for: context)
            if let valueKind = wrappers[typeName] {
                let value = try singular(valueKind, typeName: "", context: context, types: types)
                return .wrapper(Wrapper(cName: entry.cName, cFunctionPrefix: entry.cFunctionPrefix), value: value)
            }
            guard entry.module != nil else {
                throw GeneratorError("\(context): \(typeName) has no Swift type (only google.protobuf wrappers are supported)")
            }
            return .message(entry)
        }
    }

    /// The field's Swift type.
    var swiftType: String {
        switch self {
        case .scalar(let scalar): scalar.swiftType
        case .string: "String"
        case .bytes: "[UInt8]"
        case .enumeration(let entry): entry.swiftName
        case .message(let entry): entry.swiftName + "?"
        case .wrapper(_, let value): value.swiftType + "?"
        case .repeated(let element): "[\(element.elementSwiftType)]"
        case .map(let key, let value, _): "[\(key.elementSwiftType): \(value.elementSwiftType)]"
        }
    }

    /// The Swift type inside an array or dictionary, where messages are never optional.
    var elementSwiftType: String {
        if case .message(let entry) = self {
            return entry.swiftName
        }
        return swiftType
    }

    /// About how many bytes a field of this shape takes inline in its Swift struct: enough to tell
    /// a message of a few fields from one of dozens. `depth` bounds the walk through messages
    /// nested in messages (a message that contains itself is refused elsewhere).
    func estimatedInlineSize(types: TypeTable, depth: Int = 0) -> Int {
        switch self {
        case .scalar(let scalar):
            switch scalar.swiftType {
            case "Bool": return 1
            case "Int32", "UInt32", "Float": return 4
            default: return 8
            }
        case .string: return 16
        case .bytes, .repeated, .map: return 8
        // A case without payload or `unrecognized(Int32)`: 5 bytes, aligned to 4.
        case .enumeration: return 8
        case .message(let entry):
            guard case .message(let nested) = entry.kind else { return 8 }
            let size = Self.estimatedSize(of: nested, types: types, depth: depth + 1)
            // Inline, as an optional; or a box, one reference.
            return Self.isBoxed(size: size) ? 8 : size + 1
        case .wrapper(_, let value): return value.estimatedInlineSize(types: types, depth: depth) + 1
        }
    }

    /// A singular message field whose message takes more than this many bytes inline (estimated by
    /// ``estimatedSize(of:types:depth:)``) is kept in a `ProtobufBox`.
    static let largestInlineMessage = 128

    /// Whether a singular message field whose message is estimated at `size` bytes is kept in a
    /// `ProtobufBox`.
    static func isBoxed(size: Int) -> Bool {
        size > largestInlineMessage
    }

    /// The message of a singular message field kept in a `ProtobufBox`; `nil` for any other field.
    func boxedMessage(types: TypeTable) -> TypeTable.Entry? {
        guard case .message(let entry) = self, case .message(let nested) = entry.kind,
            Self.isBoxed(size: Self.estimatedSize(of: nested, types: types))
        else { return nil }
        return entry
    }

    /// About how many bytes `message`'s Swift struct takes, each field rounded up to 8 bytes.
    static func estimatedSize(of message: ProtoMessage, types: TypeTable, depth: Int = 0) -> Int {
        guard depth < 16 else { return .max / 2 }
        return message.fields.reduce(0) { size, field in
            guard let shape = try? FieldShape.of(field, in: message, types: types) else { return size + 8 }
            return size + (shape.estimatedInlineSize(types: types, depth: depth) + 7) / 8 * 8
        }
    }

    /// The default value of a field of this shape, as a Swift expression.
    func defaultValue() throws -> String {
        switch self {
        case .scalar(let scalar): return scalar.isBool ? "false" : "0"
        case .string: return "\"\""
        case .bytes, .repeated: return "[]"
        case .map: return "[:]"
        case .message, .wrapper: return "nil"
        case .enumeration(let entry):
            guard case .enumeration(let value) = entry.kind,
                let zero = value.values.first(where: { $0.number == 0 })
            else {
                throw GeneratorError("\(entry.fullName): a proto3 enum needs a value numbered 0")
            }
            return "." + Naming.escaped(Naming.enumCase(zero.name, in: value.name))
        }
    }
}
