/// The Swift statements and expressions that move a field between a Swift struct and protobuf-c's
/// C struct. Generated code builds C structs in a `ProtobufArena` named `arena`.
extension FieldShape {
    /// A Swift expression and whether it needs `try`.
    struct Expression {
        var text: String
        var throwing: Bool

        /// The text with `try` in front when needed.
        var tried: String { throwing ? "try " + text : text }
    }

    /// Statements storing the Swift value `value` into the C lvalue `target`; repeated and map
    /// fields also set their count, `countTarget`.
    ///
    /// `isOptional` tells whether a message value is a Swift optional (a field) or not (a map value).
    func encode(_ value: String, into target: String, countTarget: String = "", isOptional: Bool = true) -> [String] {
        switch self {
        case .scalar(let scalar):
            return [scalar.isBool ? "\(target) = \(value) ? 1 : 0" : "\(target) = \(value)"]
        case .string:
            // A long string may be read in place (`ProtobufArena.setString(_:at:)`), which needs
            // the field's address: `target` is always `<struct pointer>.pointee.<field>`.
            let parts = target.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1] == "pointee" else {
                return ["if !\(value).isEmpty {", "    \(target) = \(cElement(value))", "}"]
            }
            let field = "\(parts[0]).pointer(to: \\.\(parts[2]))!"
            return ["if !\(value).isEmpty {", "    arena.setString(\(value), at: \(field))", "}"]
        case .bytes:
            return ["if !\(value).isEmpty {", "    \(target) = \(cElement(value))", "}"]
        case .enumeration:
            return ["\(target) = \(cElement(value))"]
        case .message:
            guard isOptional else { return ["\(target) = \(cPointer(value))"] }
            return ["if let value = \(value) {", "    \(target) = \(cPointer("value"))", "}"]
        case .wrapper(let wrapper, let inner):
            return ["if let value = \(value) {",
                    "    let wrapper = arena.allocate(\(wrapper.cName).self)",
                    "    \(wrapper.cFunctionPrefix)__init(wrapper)"]
                + inner.encode("value", into: "wrapper.pointee.value").map { "    " + $0 }
                + ["    \(target) = wrapper", "}"]
        case .repeated(let element):
            let copy = element.isPlainCopy ? "arena.array(\(value))" : "arena.array(\(value)) { \(element.cElement("$0")) }"
            return ["\(countTarget) = \(value).count", "\(target) = \(copy)"]
        case .map(let key, let mapValue, let entry):
            let order = key.isBool ? "{ !$0.key && $1.key }" : "{ $0.key < $1.key }"
            return ["\(countTarget) = \(value).count",
                    "\(target) = arena.map(\(value), by: \(order)) { (entry) -> UnsafeMutablePointer<\(entry.cName)>? in",
                    "    let item = arena.allocate(\(entry.cName).self)",
                    "    \(entry.cFunctionPrefix)__init(item)"]
                + key.encode("entry.key", into: "item.pointee.key").map { "    " + $0 }
                + mapValue.encode("entry.value", into: "item.pointee.value", isOptional: false).map { "    " + $0 }
                + ["    return item", "}"]
        }
    }

    /// Whether an array of this element is copied to C as it is, with no conversion.
    private var isPlainCopy: Bool {
        if case .scalar(let scalar) = self { return !scalar.isBool }
        return false
    }

    private var isBool: Bool {
        if case .scalar(let scalar) = self { return scalar.isBool }
        return false
    }

    /// The C value for one Swift value of a singular or element shape.
    private func cElement(_ value: String) -> String {
        switch self {
        case .scalar(let scalar): scalar.isBool ? "\(value) ? 1 : 0" : value
        case .string: "arena.string(\(value))"
        case .bytes: "ProtobufCBinaryData(len: \(value).count, data: arena.bytes(\(value)))"
        case .enumeration(let entry): "\(entry.cName)(rawValue: .init(truncatingIfNeeded: \(value).rawValue))"
        case .message(let entry): "\(cPointer(value)) as UnsafeMutablePointer<\(entry.cName)>?"
        case .wrapper, .repeated, .map: value
        }
    }

    /// The C struct pointer built for the Swift message `value`.
    private func cPointer(_ value: String) -> String {
        guard case .message(let entry) = self else { return value }
        return "\(value)._protobufMake(in: arena).assumingMemoryBound(to: \(entry.cName).self)"
    }

    /// The Swift value read from the C expression `source` (a field of the struct `c`); `count`
    /// is the C count expression of a repeated or map field, `field` the proto field name.
    func decode(_ source: String, count: String = "", field: String, isOptional: Bool = true) -> Expression {
        let names = "field: \"\(field)\", of: Self.protoMessageName"
        switch self {
        case .scalar(let scalar):
            return Expression(text: scalar.isBool ? "\(source) != 0" : source, throwing: false)
        case .string:
            return Expression(text: "ProtobufRuntime.string(\(source), \(names))", throwing: true)
        case .bytes:
            return Expression(text: "ProtobufRuntime.bytes(\(source).data, count: \(source).len)", throwing: false)
        case .enumeration(let entry):
            return Expression(text: "\(entry.swiftName)(rawValue: Int32(truncatingIfNeeded: \(source).rawValue))", throwing: false)
        case .message(let entry):
            let read = "\(source).map { try \(entry.swiftName)(_protobufUnpacked: UnsafeRawPointer($0)) }"
            return Expression(text: isOptional ? read : "\(read) ?? \(entry.swiftName)()", throwing: true)
        case .wrapper(_, let inner):
            let value = inner.decode("$0.pointee.value", field: field)
            return Expression(text: "\(source).map { \(value.tried) }", throwing: value.throwing)
        case .repeated(let element):
            if element.isPlainCopy {
                return Expression(text: "ProtobufRuntime.array(\(source), count: \(count))", throwing: false)
            }
            let value: Expression
            if case .message(let entry) = element {
                value = Expression(text: "ProtobufRuntime.message(\(entry.swiftName).self, at: $0, \(names))", throwing: true)
            } else {
                value = element.decode("$0", field: field)
            }
            return Expression(text: "ProtobufRuntime.array(\(source), count: \(count)) { \(value.tried) }", throwing: value.throwing)
        case .map(let key, let mapValue, _):
            let keyValue = key.decode("entry.key", field: field)
            let valueValue = mapValue.decode("entry.value", field: field, isOptional: false)
            let pair = Expression(
                text: "(\(keyValue.text), \(valueValue.text))",
                throwing: keyValue.throwing || valueValue.throwing
            )
            return Expression(
                text: "ProtobufRuntime.dictionary(\(source), count: \(count), \(names)) { entry in\n    \(pair.tried)\n}",
                throwing: true
            )
        }
    }
}
