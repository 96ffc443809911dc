/// A citizen identity number by GB 11643-1999: 18 characters.
///
/// ```
/// 1 1 0 1 0 5 | 1 9 4 9 1 2 3 1 | 0 0 2 | X
/// area code   | date of birth   | seq.  | check character
/// ```
///
/// The check character is ISO 7064 MOD 11-2 over the first 17 digits: with weights
/// 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the weighted sum S gives `(12 − S mod 11) mod 11`, where
/// 10 is written `X`. The description is always masked, so the number cannot reach a log by
/// accident.
public struct NationalIDNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number, upper-case, exactly as stored.
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

    /// Why a text is not a valid number.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case length
        case characters
        case birthDate
        case checkCharacter

        public var description: String {
            switch self {
            case .length: "must be 18 characters"
            case .characters: "must be 17 digits followed by a digit or X"
            case .birthDate: "has an impossible date of birth"
            case .checkCharacter: "has a wrong check character"
            }
        }
    }

    /// Reads and verifies a number; a lower-case `x` is accepted and stored upper-case.
    ///
    /// - Parameter today: the latest acceptable date of birth, as `(year, month, day)`.
    /// - Throws: `Problem` saying what is wrong.
    public init(_ text: String, today: CalendarDate? = nil) throws(Problem) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 18 else { throw .length }
        var digits: [Int] = []
        for scalar in scalars.prefix(17) {
            guard let digit = scalar.asciiDigit else { throw .characters }
            digits.append(digit)
        }
        let last = scalars[17]
        let lastValue: Int
        if last == "X" || last == "x" {
            lastValue = 10
        } else if let digit = last.asciiDigit {
            lastValue = digit
        } else {
            throw .characters
        }
        guard digits[0] != 0 else { throw .characters }
        let year = digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9]
        let month = digits[10] * 10 + digits[11]
        let day = digits[12] * 10 + digits[13]
        guard let birth = CalendarDate(year: year, month: month, day: day), year >= 1850 else { throw .birthDate }
        if let today, birth > today { throw .birthDate }
        let sum = zip(digits, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        guard (12 - sum % 11) % 11 == lastValue else { throw .checkCharacter }
        self.rawValue = text.uppercased()
    }

    /// The date of birth the number encodes.
    public var birthDate: CalendarDate {
        let digits = rawValue.unicodeScalars.compactMap(\.asciiDigit)
        return CalendarDate(
            year: digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9],
            month: digits[10] * 10 + digits[11], day: digits[12] * 10 + digits[13])!
    }

    /// The number with its middle hidden: `110105********002X`.
    public var masked: String { Self.mask(rawValue) }

    /// Hides all but the first six and the last four characters of an ID number's text.
    public static func mask(_ text: String) -> String {
        let characters = Array(text)
        guard characters.count > 10 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10) + String(characters.suffix(4))
    }

    public var description: String { masked }
}

/// A mainland mobile phone number: 11 digits, the first `1`, the second 3 to 9.
///
/// The description is masked (`138****5678`).
public struct MobilePhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 11 digits.
    public let rawValue: String

    /// Reads a number, ignoring spaces and dashes, and a leading `+86` or `86`.
    public init?(_ text: String) {
        var digits = text.unicodeScalars.filter { $0 != " " && $0 != "-" }.map(Character.init)
        if digits.first == "+" { digits.removeFirst() }
        if digits.count == 13 && digits.starts(with: ["8", "6"]) { digits.removeFirst(2) }
        guard digits.count == 11, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits[0] == "1",
            ("3"..."9").contains(digits[1])
        else { return nil }
        self.rawValue = String(digits)
    }

    /// The number with its middle four digits hidden.
    public var masked: String { Self.mask(rawValue) }

    /// Hides the middle of a phone number's text: `138****5678`.
    public static func mask(_ text: String) -> String {
        let characters = Array(text)
        guard characters.count >= 7 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
    }

    public var description: String { masked }
}

extension Validation {
    /// Checks an optional national ID number; returns it upper-cased, or `nil` when empty.
    public mutating func nationalID(_ value: String, field: String, required: Bool = false, today: CalendarDate? = nil) -> NationalIDNumber? {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { fail(field, "is required") }
            return nil
        }
        do {
            return try NationalIDNumber(trimmed, today: today)
        } catch {
            fail(field, error.description)
            return nil
        }
    }

    /// Checks an optional mobile number; returns its 11 digits, or `nil` when empty.
    public mutating func phone(_ value: String, field: String, required: Bool = false) -> MobilePhoneNumber? {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { fail(field, "is required") }
            return nil
        }
        guard let number = MobilePhoneNumber(trimmed) else {
            fail(field, "must be an 11-digit mobile number starting with 13-19")
            return nil
        }
        return number
    }
}

extension Unicode.Scalar {
    var asciiDigit: Int? {
        ("0"..."9").contains(self) ? Int(value - 48) : nil
    }
}
