/// Every message and enum of the descriptor set by full name, with its Swift and C names.
struct TypeTable {
    enum Kind {
        case message(ProtoMessage)
        case enumeration(ProtoEnum)
    }

    struct Entry {
        var kind: Kind
        var fullName: String
        /// `RPCV1.Envelope.Kind`; empty for packages without Swift output.
        var swiftName: String
        /// The module the Swift type is in; `nil` for packages without Swift output.
        var module: String?
        /// `Fengqiao__Rpc__V1__Envelope__Kind`
        var cName: String
        /// `fengqiao__rpc__v1__envelope__kind`
        var cFunctionPrefix: String
    }

    private(set) var entries: [String: Entry] = [:]

    init(files: [ProtoFile]) throws {
        for file in files {
            let mapping = try ModuleTable.mapping(for: file.package)
            for message in file.messages {
                add(message, package: file.package, path: [], mapping: mapping)
            }
            for value in file.enums {
                add(value, package: file.package, path: [], mapping: mapping)
            }
        }
    }

    subscript(fullName: String) -> Entry? {
        entries[fullName]
    }

    func entry(_ fullName: String, for context: String) throws -> Entry {
        guard let entry = entries[fullName] else {
            throw GeneratorError("\(context): unknown type \(fullName)")
        }
        return entry
    }

    private mutating func add(_ message: ProtoMessage, package: String, path: [String], mapping: PackageMapping?) {
        let path = path + [message.name]
        entries[message.fullName] = entry(.message(message), message.fullName, package, path, mapping)
        for nested in message.messages {
            add(nested, package: package, path: path, mapping: mapping)
        }
        for nested in message.enums {
            add(nested, package: package, path: path, mapping: mapping)
        }
    }

    private mutating func add(_ value: ProtoEnum, package: String, path: [String], mapping: PackageMapping?) {
        let path = path + [value.name]
        entries[value.fullName] = entry(.enumeration(value), value.fullName, package, path, mapping)
    }

    private func entry(
        _ kind: Kind,
        _ fullName: String,
        _ package: String,
        _ path: [String],
        _ mapping: PackageMapping?
    ) -> Entry {
        Entry(
            kind: kind,
            fullName: fullName,
            swiftName: mapping.map { ([$0.namespace] + path).joined(separator: ".") } ?? "",
            module: mapping?.module,
            cName: Naming.cTypeName(package: package, path: path),
            cFunctionPrefix: Naming.cFunctionPrefix(package: package, path: path)
        )
    }
}
