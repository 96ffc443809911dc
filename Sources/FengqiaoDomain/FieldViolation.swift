/// One request field that failed validation, and why.
///
/// Services gather violations while checking a request and answer INVALID_ARGUMENT with all of
/// them at once; the RPC layer carries them as field violations. The description never quotes
/// the value, which may be personal data.
public struct FieldViolation: Hashable, Sendable, CustomStringConvertible {
    /// The field's path in the request, e.g. `parties[1].phone`.
    public var field: String
    /// What is wrong with it, e.g. `must be 1 to 100 characters`.
    public var description: String

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }
}

/// Collects violations while a request is checked.
///
/// ```swift
/// var check = Validation()
/// let name = check.text(request.name, field: "name", maxLength: 100)
/// let phone = check.phone(request.phone, field: "phone", required: false)
/// try check.finish()   // throws ValidationFailure if anything was wrong
/// ```
public struct Validation: Sendable {
    /// The violations found so far, in the order found.
    public private(set) var violations: [FieldViolation] = []

    public init() {}

    /// Whether nothing was wrong so far.
    public var isValid: Bool { violations.isEmpty }

    /// Records a violation.
    public mutating func fail(_ field: String, _ description: String) {
        violations.append(FieldViolation(field: field, description: description))
    }

    /// Throws `ValidationFailure` with every violation, if any were found.
    public func finish() throws(ValidationFailure) {
        if !violations.isEmpty { throw ValidationFailure(violations: violations) }
    }
}

/// A request that failed validation: every bad field, each with its reason.
public struct ValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var violations: [FieldViolation]

    public init(violations: [FieldViolation]) {
        self.violations = violations
    }

    /// A single-field failure.
    public init(field: String, _ description: String) {
        self.violations = [FieldViolation(field: field, description: description)]
    }

    public var description: String {
        violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ")
    }
}
