internal import CProtobufC

/// Where a field sits in a message, written as `fengqiao.rpc.v1.FieldViolation` writes it: proto
/// field names joined by dots, list positions in brackets, from 0 (`rows[1].name`).
///
/// A scan builds it from the innermost field outwards as it unwinds, so only a scan that finds
/// something pays for it. A `google.protobuf.StringValue` reads as the field holding it (`name`,
/// not `name.value`), as it does in Swift, where it is a `String?`.
struct ProtobufFieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The components, innermost first.
    private var components: [String]

    /// A path of one field, at `index` of it when it is repeated.
    init(_ field: UnsafePointer<ProtobufCFieldDescriptor>, index: Int?) {
        components = [Self.component(field, index: index)]
    }

    /// Puts the path inside `field` (at `index` when it is repeated), whose message type is `inner`.
    mutating func enclose(in field: UnsafePointer<ProtobufCFieldDescriptor>, index: Int?, inner: UnsafePointer<ProtobufCMessageDescriptor>) {
        if components.count == 1, String(cString: inner.pointee.name) == "google.protobuf.StringValue" {
            components.removeAll()
        }
        components.append(Self.component(field, index: index))
    }

    var description: String {
        components.reversed().joined(separator: ".")
    }

    private static func component(_ field: UnsafePointer<ProtobufCFieldDescriptor>, index: Int?) -> String {
        let name = String(cString: field.pointee.name)
        return index.map { "\(name)[\($0)]" } ?? name
    }
}
