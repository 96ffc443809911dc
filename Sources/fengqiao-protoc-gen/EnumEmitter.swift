/// Writes a proto enum as a Swift enum with an `unrecognized(Int32)` case.
enum EnumEmitter {
    static func emit(_ value: ProtoEnum, into writer: inout SwiftWriter) {
        let cases = value.values.map { (value: $0, name: Naming.escaped(Naming.enumCase($0.name, in: value.name))) }
        writer.doc(value.comment, fallback: "The proto enum `\(value.fullName)`.")
        writer.block("public enum \(Naming.escaped(value.name)): ProtobufEnum {") { writer in
            for item in cases {
                writer.doc(item.value.comment, fallback: "`\(item.value.name)` (\(item.value.number)).")
                writer.line("case \(item.name)")
            }
            writer.line("/// A number this build does not know, from a peer with a newer `.proto`.")
            writer.line("case unrecognized(Int32)")
            writer.line()
            writer.line("/// The enum's full proto name.")
            writer.line("public static let protoEnumName = \"\(value.fullName)\"")
            writer.line()
            writer.line("/// The known cases, in declaration order.")
            writer.line("public static let allCases: [\(Naming.escaped(value.name))] = [")
            writer.lines(cases.map { "    .\($0.name)," })
            writer.line("]")
            writer.line()
            writer.line("/// Creates the case for `rawValue`, or `unrecognized(rawValue)` for a number the enum does not know.")
            writer.block("public init(rawValue: Int32) {") { writer in
                writer.line("switch rawValue {")
                var seen: Set<Int32> = []
                for item in cases where seen.insert(item.value.number).inserted {
                    writer.line("case \(item.value.number): self = .\(item.name)")
                }
                writer.line("default: self = .unrecognized(rawValue)")
                writer.line("}")
            }
            writer.line()
            writer.line("/// The case's number on the wire.")
            writer.block("public var rawValue: Int32 {") { writer in
                writer.line("switch self {")
                for item in cases {
                    writer.line("case .\(item.name): \(item.value.number)")
                }
                writer.line("case .unrecognized(let value): value")
                writer.line("}")
            }
            writer.line()
            writer.line("/// The value's name without the enum's prefix, in lower case (`UNIT_KIND_POLICE_ROOM` → `police_room`),")
            writer.line("/// for storage and command lines; `nil` for a number this build does not know.")
            writer.block("public var shortName: String? {") { writer in
                writer.line("switch self {")
                for item in cases {
                    writer.line("case .\(item.name): \"\(Naming.enumShortName(item.value.name, in: value.name))\"")
                }
                writer.line("case .unrecognized: nil")
                writer.line("}")
            }
            writer.line()
            writer.line("/// The case whose `shortName` is `shortName`, or `nil`.")
            writer.block("public init?(shortName: String) {") { writer in
                writer.line("switch shortName {")
                var seen: Set<String> = []
                for item in cases where seen.insert(Naming.enumShortName(item.value.name, in: value.name)).inserted {
                    writer.line("case \"\(Naming.enumShortName(item.value.name, in: value.name))\": self = .\(item.name)")
                }
                writer.line("default: return nil")
                writer.line("}")
            }
            writer.line()
            writer.line("/// Cases are equal when their numbers are: `.unrecognized(n)` equals the known case numbered `n`.")
            writer.block("public static func == (lhs: Self, rhs: Self) -> Bool {") { writer in
                writer.line("lhs.rawValue == rhs.rawValue")
            }
            writer.line()
            writer.block("public func hash(into hasher: inout Hasher) {") { writer in
                writer.line("hasher.combine(rawValue)")
            }
        }
    }
}
