/// An enum generated from a `.proto` file.
///
/// Proto3 enums are open: a peer built from a newer `.proto` may send a number this build does not
/// know. Generated enums keep such a number in an `unrecognized(Int32)` case, so it decodes,
/// compares by number and encodes again unchanged. ``allCases`` lists only the known cases.
///
/// ```swift
/// let code = RPCV1.Code(rawValue: 99)     // .unrecognized(99)
/// code.rawValue                           // 99
/// ```
public protocol ProtobufEnum: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == Int32 {
    /// Creates the case for `rawValue`, or `unrecognized(rawValue)` for a number the enum does not know.
    init(rawValue: Int32)

    /// The enum's full proto name, such as `fengqiao.rpc.v1.Code`.
    static var protoEnumName: String { get }
}
