/// The short name of one personal-data encryption key, written beside every value it sealed.
///
/// ```
/// let id = PersonalDataKeyID("k2")   // 1 to 16 lower-case letters and digits, starting with a letter
/// ```
///
/// Key ids are not secret: they appear in stored values, key files and error descriptions, so an
/// operator can tell which key a value needs. `current` and `lookup` are reserved by the key file.
public struct PersonalDataKeyID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The id as written, e.g. `k1`.
    public let rawValue: String

    /// Names the key file reserves for its other entries.
    static let reserved: Set<String> = ["current", "lookup"]

    /// Reads an id; `nil` unless it is 1 to 16 lower-case ASCII letters and digits starting with a letter,
    /// and not `current` or `lookup`.
    public init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        guard (1...16).contains(scalars.count), ("a"..."z").contains(scalars[0]),
            scalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }),
            !Self.reserved.contains(text)
        else { return nil }
        self.rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
