/// Why a personal-data key configuration was refused.
///
/// ```
/// FENGQIAO_PII_KEYS_FILE (/etc/fengqiao/pii.keys): line 3: k2: key must be 32 bytes, not 16
/// ```
///
/// The description names the source, line and entry at fault, never a key: an entry's name is shown
/// only when it is a valid key id or a reserved name, since a malformed line may be a pasted key.
public struct PersonalDataKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Code: Hashable, Sendable {
        /// Neither `FENGQIAO_PII_KEYS_FILE` nor `FENGQIAO_PII_KEYS` is set.
        case notConfigured
        /// Both `FENGQIAO_PII_KEYS_FILE` and `FENGQIAO_PII_KEYS` are set; exactly one must be.
        case configuredTwice
        /// The key file could not be read as UTF-8 text.
        case unreadableFile
        /// A line is not `name=value` entries without spaces.
        case malformedLine
        /// An entry's name, or the value of `current`, is not a valid key id.
        case invalidKeyID
        /// The same name appears twice.
        case duplicateEntry
        /// A key is not canonical padded base64.
        case invalidBase64
        /// A key does not decode to 32 bytes; `byteCount` says what it decoded to.
        case wrongKeyLength
        /// There is no `current=` entry.
        case missingCurrent
        /// `current` names a key id that has no key; `entry` is that id.
        case unknownCurrent
        /// There is no `lookup=` entry.
        case missingLookupKey
        /// The lookup key equals an encryption key; they must be independent.
        case lookupKeyReused
    }

    /// What is wrong.
    public var code: Code
    /// Where the configuration came from: a variable name, with the file's path for a key file.
    public var source: String?
    /// The 1-based line at fault.
    public var line: Int?
    /// The entry at fault: a key id, `current` or `lookup`.
    public var entry: String?
    /// For `wrongKeyLength`, the number of bytes the key decoded to.
    public var byteCount: Int?

    /// Makes an error; `source` is filled in by whoever knows where the text came from.
    public init(_ code: Code, source: String? = nil, line: Int? = nil, entry: String? = nil, byteCount: Int? = nil) {
        self.code = code
        self.source = source
        self.line = line
        self.entry = entry
        self.byteCount = byteCount
    }

    public var description: String {
        var parts: [String] = []
        if let source { parts.append(source) }
        if let line { parts.append("line \(line)") }
        if let entry { parts.append(entry) }
        parts.append(problem)
        return parts.joined(separator: ": ")
    }

    private var problem: String {
        switch code {
        case .notConfigured:
            "no personal-data keys: set \(PersonalDataKeys.fileEnvironmentVariable) or \(PersonalDataKeys.environmentVariable)"
        case .configuredTwice:
            "set only one of \(PersonalDataKeys.fileEnvironmentVariable) and \(PersonalDataKeys.environmentVariable)"
        case .unreadableFile: "cannot read the key file as UTF-8 text"
        case .malformedLine: "expected name=value entries with no spaces"
        case .invalidKeyID: "a key id must be 1 to 16 lower-case letters and digits, starting with a letter"
        case .duplicateEntry: "appears more than once"
        case .invalidBase64: "key is not canonical base64 (with = padding)"
        case .wrongKeyLength: "key must be 32 bytes, not \(byteCount.map(String.init) ?? "another length")"
        case .missingCurrent: "no current=<key id> entry"
        case .unknownCurrent: "current names this key id, but no key has it"
        case .missingLookupKey: "no lookup=<key> entry"
        case .lookupKeyReused: "the lookup key must differ from every encryption key"
        }
    }
}
