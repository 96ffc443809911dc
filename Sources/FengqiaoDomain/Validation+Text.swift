extension Validation {
    /// Checks a text field and returns it trimmed of surrounding white space.
    ///
    /// Lengths count characters as people see them (a Chinese character is one). Control
    /// characters (newlines and tabs included, unless `multiline`) and U+0000 are refused.
    /// - Returns: the trimmed text; an empty string when it is missing and not required.
    @discardableResult
    public mutating func text(
        _ value: String, field: String, maxLength: Int, required: Bool = true, multiline: Bool = false
    ) -> String {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { fail(field, "is required") }
            return ""
        }
        if trimmed.count > maxLength {
            fail(field, "must be at most \(maxLength) characters")
        }
        let allowedControls: Set<Unicode.Scalar> = multiline ? ["\n", "\t", "\r"] : []
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowedControls.contains($0) }) {
            fail(field, multiline ? "must not contain control characters" : "must not contain control characters or line breaks")
        }
        return trimmed
    }

    /// Checks a code: 1 to `maxLength` ASCII letters, digits, `-` and `_`.
    @discardableResult
    public mutating func code(_ value: String, field: String, maxLength: Int = 32, required: Bool = true) -> String {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { fail(field, "is required") }
            return ""
        }
        let allowed = trimmed.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
        }
        if !allowed || trimmed.count > maxLength {
            fail(field, "must be 1 to \(maxLength) letters, digits, '-' or '_'")
        }
        return trimmed
    }

    /// Checks that an id refers to something (is positive).
    public mutating func id(_ value: Int64, field: String, required: Bool = true) {
        if value < 0 || (required && value == 0) {
            fail(field, required ? "is required (a positive id)" : "must be a positive id")
        }
    }

    /// Checks that a number lies in a range.
    public mutating func range<T: Comparable>(_ value: T, _ bounds: ClosedRange<T>, field: String) {
        if !bounds.contains(value) {
            fail(field, "must be between \(bounds.lowerBound) and \(bounds.upperBound)")
        }
    }

    /// Checks a latitude and longitude pair.
    public mutating func location(latitude: Double, longitude: Double, field: String) {
        if !(latitude.isFinite && (-90.0...90.0).contains(latitude)) {
            fail(field + ".latitude", "must be between -90 and 90")
        }
        if !(longitude.isFinite && (-180.0...180.0).contains(longitude)) {
            fail(field + ".longitude", "must be between -180 and 180")
        }
    }
}

extension String {
    /// The text without white space (including full-width spaces) at either end.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
