/// The parts of a FileDescriptorSet the generator uses, as plain Swift values.
///
/// Full names have no leading dot (`fengqiao.rpc.v1.Envelope`).
struct ProtoFile {
    /// The path protoc was given, such as `fengqiao/rpc/v1/envelope.proto`.
    var name: String
    var package: String
    var syntax: String
    var messages: [ProtoMessage]
    var enums: [ProtoEnum]
    var services: [ProtoService]
}

struct ProtoMessage {
    var name: String
    var fullName: String
    var fields: [ProtoField]
    var messages: [ProtoMessage]
    var enums: [ProtoEnum]
    var oneofCount: Int
    var isMapEntry: Bool
    var comment: String
}

struct ProtoField {
    enum Label { case optional, required, repeated }

    /// The wire types of descriptor.proto's `FieldDescriptorProto.Type`, by the same numbers.
    enum Kind: Int32 {
        case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes,
            uint32, `enum`, sfixed32, sfixed64, sint32, sint64
    }

    var name: String
    var number: Int32
    var label: Label
    var kind: Kind
    /// For message and enum fields, the full name of the type.
    var typeName: String
    var oneofIndex: Int32?
    var isProto3Optional: Bool
    var comment: String
}

struct ProtoEnum {
    struct Value {
        var name: String
        var number: Int32
        var comment: String
    }

    var name: String
    var fullName: String
    var values: [Value]
    var comment: String
}

struct ProtoService {
    struct Method {
        var name: String
        var inputType: String
        var outputType: String
        var isClientStreaming: Bool
        var isServerStreaming: Bool
        var comment: String
    }

    var name: String
    var fullName: String
    var methods: [Method]
    var comment: String
}

/// A failure that stops generation, with a message for the person running scripts/generate.
struct GeneratorError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
