import CProtobufC
import CProtobufDescriptor

/// Reads a FileDescriptorSet, as `protoc-c --descriptor_set_out --include_source_info` writes it,
/// with libprotobuf-c and the protoc-c output for descriptor.proto.
enum DescriptorSetReader {
    static func read(_ bytes: [UInt8]) throws -> [ProtoFile] {
        let set = bytes.withUnsafeBufferPointer { buffer in
            google__protobuf__file_descriptor_set__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let set else {
            throw GeneratorError("the descriptor set does not decode as google.protobuf.FileDescriptorSet")
        }
        defer { google__protobuf__file_descriptor_set__free_unpacked(set, nil) }
        return try pointers(set.pointee.file, set.pointee.n_file).map(file)
    }

    private static func file(_ file: Google__Protobuf__FileDescriptorProto) throws -> ProtoFile {
        let comments = SourceComments(file.source_code_info)
        let package = string(file.package)
        let prefix = package.isEmpty ? "" : package + "."
        return ProtoFile(
            name: string(file.name),
            package: package,
            syntax: string(file.syntax),
            messages: try pointers(file.message_type, file.n_message_type).enumerated().map { index, message in
                try self.message(message, scope: prefix, path: [4, Int32(index)], comments: comments)
            },
            enums: pointers(file.enum_type, file.n_enum_type).enumerated().map { index, value in
                self.enum(value, scope: prefix, path: [5, Int32(index)], comments: comments)
            },
            services: pointers(file.service, file.n_service).enumerated().map { index, service in
                self.service(service, scope: prefix, path: [6, Int32(index)], comments: comments)
            }
        )
    }

    private static func message(
        _ message: Google__Protobuf__DescriptorProto,
        scope: String,
        path: [Int32],
        comments: SourceComments
    ) throws -> ProtoMessage {
        let name = string(message.name)
        let fullName = scope + name
        return ProtoMessage(
            name: name,
            fullName: fullName,
            fields: try pointers(message.field, message.n_field).enumerated().map { index, field in
                try self.field(field, comment: comments[path + [2, Int32(index)]], in: fullName)
            },
            messages: try pointers(message.nested_type, message.n_nested_type).enumerated().map { index, nested in
                try self.message(nested, scope: fullName + ".", path: path + [3, Int32(index)], comments: comments)
            },
            enums: pointers(message.enum_type, message.n_enum_type).enumerated().map { index, value in
                self.enum(value, scope: fullName + ".", path: path + [4, Int32(index)], comments: comments)
            },
            oneofCount: message.n_oneof_decl,
            isMapEntry: message.options.map { $0.pointee.has_map_entry != 0 && $0.pointee.map_entry != 0 } ?? false,
            comment: comments[path]
        )
    }

    private static func field(
        _ field: Google__Protobuf__FieldDescriptorProto,
        comment: String,
        in message: String
    ) throws -> ProtoField {
        let name = string(field.name)
        guard let kind = ProtoField.Kind(rawValue: Int32(truncatingIfNeeded: field.type.rawValue)) else {
            throw GeneratorError("\(message).\(name): unknown field type \(field.type.rawValue)")
        }
        let label: ProtoField.Label
        switch field.label {
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED: label = .repeated
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED: label = .required
        default: label = .optional
        }
        return ProtoField(
            name: name,
            number: field.number,
            label: label,
            kind: kind,
            typeName: trimDot(string(field.type_name)),
            oneofIndex: field.has_oneof_index != 0 ? field.oneof_index : nil,
            isProto3Optional: field.has_proto3_optional != 0 && field.proto3_optional != 0,
            comment: comment
        )
    }

    private static func `enum`(
        _ value: Google__Protobuf__EnumDescriptorProto,
        scope: String,
        path: [Int32],
        comments: SourceComments
    ) -> ProtoEnum {
        let name = string(value.name)
        return ProtoEnum(
            name: name,
            fullName: scope + name,
            values: pointers(value.value, value.n_value).enumerated().map { index, value in
                ProtoEnum.Value(
                    name: string(value.name),
                    number: value.number,
                    comment: comments[path + [2, Int32(index)]]
                )
            },
            comment: comments[path]
        )
    }

    private static func service(
        _ service: Google__Protobuf__ServiceDescriptorProto,
        scope: String,
        path: [Int32],
        comments: SourceComments
    ) -> ProtoService {
        let name = string(service.name)
        return ProtoService(
            name: name,
            fullName: scope + name,
            methods: pointers(service.method, service.n_method).enumerated().map { index, method in
                ProtoService.Method(
                    name: string(method.name),
                    inputType: trimDot(string(method.input_type)),
                    outputType: trimDot(string(method.output_type)),
                    isClientStreaming: method.has_client_streaming != 0 && method.client_streaming != 0,
                    isServerStreaming: method.has_server_streaming != 0 && method.server_streaming != 0,
                    comment: comments[path + [2, Int32(index)]]
                )
            },
            comment: comments[path]
        )
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// The structs a protobuf-c repeated message field points to, skipping null entries.
    static func pointers<T>(_ array: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ count: Int) -> [T] {
        guard let array else { return [] }
        return (0..<count).compactMap { array[$0]?.pointee }
    }

    private static func trimDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}
