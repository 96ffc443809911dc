/// The storage of a generated message's singular message field when the field's message is
/// large: the containing struct holds one reference instead of the whole message inline.
///
/// A box is never changed after it is made; setting the field makes a new one. The message
/// keeps value semantics, and copying it (which Swift does whenever it passes a message through
/// generic code or into an async frame) copies a pointer instead of hundreds of bytes.
/// Equality and hashing are those of the boxed value.
public final class ProtobufBox<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The boxed message.
    public let value: Value

    /// Boxes `value`.
    public init(_ value: Value) {
        self.value = value
    }

    public static func == (lhs: ProtobufBox, rhs: ProtobufBox) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        value.hash(into: &hasher)
    }
}

extension ProtobufBox: CustomReflectable, CustomDebugStringConvertible {
    /// The boxed value's mirror: a message prints with its fields, not with its box.
    public var customMirror: Mirror { Mirror(reflecting: value) }

    public var debugDescription: String { String(reflecting: value) }
}
