import Crypto
import FengqiaoDomain
import Foundation

extension PersonalDataKeys {
    /// The variable holding the key configuration text itself; semicolons may stand for line breaks.
    public static let environmentVariable = "FENGQIAO_PII_KEYS"
    /// The variable naming a key file; preferred in production, where the file is readable by the service alone.
    public static let fileEnvironmentVariable = "FENGQIAO_PII_KEYS_FILE"

    /// Reads the key ring from `FENGQIAO_PII_KEYS_FILE` (a file's path) or `FENGQIAO_PII_KEYS` (the text).
    ///
    /// ```
    /// let keys = try PersonalDataKeys.load(environment: ProcessInfo.processInfo.environment)
    /// ```
    ///
    /// Exactly one of the two must be set; an empty value counts as unset. The configuration layer
    /// passes the environment it read, so this library does not read the process environment itself.
    /// - Throws: `PersonalDataKeyError` whose `source` names the variable (and the file's path):
    ///   `notConfigured`, `configuredTwice`, `unreadableFile`, or any error of ``init(configuration:source:)``.
    public static func load(environment: [String: String]) throws(PersonalDataKeyError) -> PersonalDataKeys {
        let path = environment[fileEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        let text = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (path, text) {
        case (nil, nil):
            throw PersonalDataKeyError(.notConfigured)
        case (.some, .some):
            throw PersonalDataKeyError(.configuredTwice)
        case (let path?, nil):
            let source = "\(fileEnvironmentVariable) (\(path))"
            guard let data = FileManager.default.contents(atPath: path),
                let contents = String(data: data, encoding: .utf8)
            else { throw PersonalDataKeyError(.unreadableFile, source: source) }
            return try PersonalDataKeys(configuration: contents, source: source)
        case (nil, let text?):
            return try PersonalDataKeys(configuration: text, source: environmentVariable)
        }
    }

    /// Reads a key ring from configuration text.
    ///
    /// ```
    /// # comment lines start with #; blank lines are ignored
    /// current=k2
    /// k1=<base64 of 32 bytes>
    /// k2=<base64 of 32 bytes>
    /// lookup=<base64 of 32 bytes>
    /// ```
    ///
    /// Each line holds `name=value` entries; a semicolon separates entries on one line, so the whole
    /// configuration fits in one environment variable. No spaces are allowed inside an entry. Names are
    /// `current`, `lookup` or a key id; each appears once. Keys are canonical base64 with `=` padding,
    /// decoding to exactly 32 bytes.
    /// - Parameter source: where the text came from, for error descriptions.
    /// - Throws: `PersonalDataKeyError`: `malformedLine`, `invalidKeyID`, `duplicateEntry`, `invalidBase64`,
    ///   `wrongKeyLength`, `missingCurrent`, `unknownCurrent`, `missingLookupKey`, `lookupKeyReused`.
    public init(configuration text: String, source: String? = nil) throws(PersonalDataKeyError) {
        var current: (id: PersonalDataKeyID, line: Int)?
        var keys: [PersonalDataKeyID: SymmetricKey] = [:]
        var keyLines: [PersonalDataKeyID: Int] = [:]
        var lookup: SymmetricKey?
        var seen: Set<String> = []

        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            for rawEntry in line.split(separator: ";") {
                let entry = String(rawEntry).trimmingWhitespace()
                if entry.isEmpty { continue }
                func failure(_ code: PersonalDataKeyError.Code, entry: String? = nil, byteCount: Int? = nil)
                    -> PersonalDataKeyError
                {
                    PersonalDataKeyError(code, source: source, line: lineNumber, entry: entry, byteCount: byteCount)
                }
                guard let equals = entry.firstIndex(of: "="), !entry.contains(where: \.isWhitespace) else {
                    throw failure(.malformedLine)
                }
                let name = String(entry[..<equals])
                let value = String(entry[entry.index(after: equals)...])
                guard name == "current" || name == "lookup" || PersonalDataKeyID(name) != nil else {
                    throw failure(.invalidKeyID)
                }
                guard seen.insert(name).inserted else { throw failure(.duplicateEntry, entry: name) }

                if name == "current" {
                    guard let id = PersonalDataKeyID(value) else { throw failure(.invalidKeyID, entry: name) }
                    current = (id, lineNumber)
                    continue
                }
                guard let bytes = Data(base64Encoded: value), bytes.base64EncodedString() == value else {
                    throw failure(.invalidBase64, entry: name)
                }
                guard bytes.count == Self.keyByteCount else {
                    throw failure(.wrongKeyLength, entry: name, byteCount: bytes.count)
                }
                if let id = PersonalDataKeyID(name) {
                    keys[id] = SymmetricKey(data: bytes)
                    keyLines[id] = lineNumber
                } else {
                    lookup = SymmetricKey(data: bytes)
                }
            }
        }

        guard let current else { throw PersonalDataKeyError(.missingCurrent, source: source) }
        guard keys[current.id] != nil else {
            throw PersonalDataKeyError(.unknownCurrent, source: source, line: current.line, entry: current.id.rawValue)
        }
        guard let lookup else { throw PersonalDataKeyError(.missingLookupKey, source: source) }
        do {
            try self.init(current: current.id, encryptionKeys: keys, lookupKey: lookup)
        } catch {
            var error = error
            error.source = source
            error.line = error.entry.flatMap(PersonalDataKeyID.init).flatMap { keyLines[$0] }
            throw error
        }
    }
}
