/// Name rules: Swift names for proto elements, and the C names protoc-c gives them.
enum Naming {
    /// Words written in capitals inside a Swift camel-case name (`call_id` → `callID`); a plural
    /// keeps its `s` small (`community_ids` → `communityIDs`).
    private static let initialisms: Set<String> = ["id", "url", "uuid", "qr", "gps", "rpc", "http"]

    private static func capitalizedWord(_ word: String) -> String {
        if initialisms.contains(word) { return word.uppercased() }
        if word.hasSuffix("s"), initialisms.contains(String(word.dropLast())) { return word.dropLast().uppercased() + "s" }
        return upperCamel(word)
    }

    private static let swiftKeywords: Set<String> = [
        "Any", "Self", "Type", "as", "associatedtype", "break", "case", "catch", "class", "continue", "default",
        "defer", "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for", "func",
        "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "nil", "open", "operator",
        "private", "protocol", "public", "repeat", "rethrows", "return", "self", "static", "struct", "subscript",
        "super", "switch", "throw", "throws", "true", "try", "typealias", "var", "where", "while",
    ]

    private static let cKeywords: Set<String> = [
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "int", "long", "register", "return", "short", "signed", "sizeof", "static",
        "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
    ]

    /// `snake_case` or `UPPER_SNAKE` → `lowerCamel`, with initialisms capitalized after the first word.
    static func lowerCamel(_ name: String) -> String {
        let words = name.split(separator: "_").map { $0.lowercased() }
        guard let first = words.first else { return name }
        return first + words.dropFirst().map(capitalizedWord).joined()
    }

    /// Capitalizes the first letter: `envelope` → `Envelope`.
    static func upperCamel(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }

    /// `ServingStatus` → `SERVING_STATUS`, the prefix proto enum values carry.
    static func upperSnake(_ name: String) -> String {
        camelToLower(name).uppercased()
    }

    /// A Swift identifier, in backticks when it is a keyword.
    static func escaped(_ name: String) -> String {
        swiftKeywords.contains(name) ? "`\(name)`" : name
    }

    /// The Swift case of an enum value: the enum's prefix dropped, then lowerCamel
    /// (`KIND_STREAM_MESSAGE` in `Kind` → `streamMessage`).
    static func enumCase(_ value: String, in enumName: String) -> String {
        lowerCamel(enumValueStem(value, in: enumName))
    }

    /// An enum value's name without the enum's prefix: `UNIT_KIND_POLICE_ROOM` in `UnitKind` →
    /// `POLICE_ROOM`.
    static func enumValueStem(_ value: String, in enumName: String) -> String {
        let prefix = upperSnake(enumName) + "_"
        if value.hasPrefix(prefix), let next = value.dropFirst(prefix.count).first, !next.isNumber {
            return String(value.dropFirst(prefix.count))
        }
        return value
    }

    /// The short name a generated enum gives a value, for storage and command lines:
    /// `UNIT_KIND_POLICE_ROOM` → `police_room`.
    static func enumShortName(_ value: String, in enumName: String) -> String {
        enumValueStem(value, in: enumName).lowercased()
    }

    // MARK: protoc-c's names

    /// protoc-c's CamelToLower: an underscore before each capital that follows a non-capital, then
    /// lower case (`NestedByIdEntry` → `nested_by_id_entry`, `URLValue` → `urlvalue`).
    static func camelToLower(_ name: String) -> String {
        var result = ""
        var previousWasUpper = true
        for character in name {
            let isUpper = character.isUppercase
            if isUpper && !previousWasUpper {
                result.append("_")
            }
            result += character.lowercased()
            previousWasUpper = isUpper
        }
        return result
    }

    /// protoc-c's struct or enum type name: `fengqiao.rpc.v1` + `Envelope.Kind` →
    /// `Fengqiao__Rpc__V1__Envelope__Kind`.
    static func cTypeName(package: String, path: [String]) -> String {
        let packageParts = package.split(separator: ".").map { part in
            part.split(separator: "_").map { upperCamel(String($0)) }.joined()
        }
        return (packageParts + path).joined(separator: "__")
    }

    /// protoc-c's function prefix: `fengqiao__rpc__v1__envelope` (then `__init`, `__pack` …).
    static func cFunctionPrefix(package: String, path: [String]) -> String {
        let packageParts = package.split(separator: ".").map { camelToLower(String($0)) }
        return (packageParts + path.map(camelToLower)).joined(separator: "__")
    }

    /// protoc-c's struct member name for a field.
    static func cFieldName(_ name: String) -> String {
        let lower = name.lowercased()
        return cKeywords.contains(lower) ? lower + "_" : lower
    }
}
