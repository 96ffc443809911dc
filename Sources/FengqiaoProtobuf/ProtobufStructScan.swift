internal import CProtobufC

/// Finds where in a protobuf-c struct tree, built for packing, a given C string sits.
///
/// The arena notes the strings it copied that hold U+0000; an encoder that finds any walks the
/// tree with the descriptors to name the field for its error. Only that error path pays for it.
enum ProtobufStructScan {
    /// The path of the first `string` field of `message`, or of a message below it, whose pointer
    /// is one of `strings`, or `nil`.
    static func firstString(
        among strings: [UnsafeMutablePointer<CChar>],
        in message: UnsafePointer<ProtobufCMessage>
    ) -> ProtobufFieldPath? {
        guard let descriptor = message.pointee.descriptor, let fields = descriptor.pointee.fields else { return nil }
        let base = UnsafeRawPointer(message)
        for position in 0..<Int(descriptor.pointee.n_fields) {
            let field = fields + position
            let type = field.pointee.type
            guard type == PROTOBUF_C_TYPE_STRING || type == PROTOBUF_C_TYPE_MESSAGE else { continue }
            if field.pointee.flags & PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue != 0,
                base.load(fromByteOffset: Int(field.pointee.quantifier_offset), as: UInt32.self) != field.pointee.id
            {
                continue
            }
            let member = base + Int(field.pointee.offset)
            if field.pointee.label == PROTOBUF_C_LABEL_REPEATED {
                let count = base.load(fromByteOffset: Int(field.pointee.quantifier_offset), as: Int.self)
                guard count > 0, let values = member.load(as: UnsafeRawPointer?.self) else { continue }
                for index in 0..<count {
                    let value = values.load(fromByteOffset: index * MemoryLayout<UnsafeRawPointer?>.stride, as: UnsafeRawPointer?.self)
                    if let path = firstString(among: strings, at: value, of: field, index: index) { return path }
                }
            } else if let path = firstString(among: strings, at: member.load(as: UnsafeRawPointer?.self), of: field, index: nil) {
                return path
            }
        }
        return nil
    }

    /// The path to one of `strings` from one value of `field`: the string itself, or a message.
    private static func firstString(
        among strings: [UnsafeMutablePointer<CChar>],
        at value: UnsafeRawPointer?,
        of field: UnsafePointer<ProtobufCFieldDescriptor>,
        index: Int?
    ) -> ProtobufFieldPath? {
        guard let value else { return nil }
        if field.pointee.type == PROTOBUF_C_TYPE_STRING {
            return strings.contains { UnsafeRawPointer($0) == value } ? ProtobufFieldPath(field, index: index) : nil
        }
        let inner = value.assumingMemoryBound(to: ProtobufCMessage.self)
        guard var path = firstString(among: strings, in: inner), let descriptor = inner.pointee.descriptor else { return nil }
        path.enclose(in: field, index: index, inner: descriptor)
        return path
    }
}
