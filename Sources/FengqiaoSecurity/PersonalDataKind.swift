import FengqiaoDomain

/// A kind of personal data the suite protects, with its one masking rule for display.
///
/// ```
/// PersonalDataKind.nationalID.mask("11010519491231002X")   // "110105********002X"
/// PersonalDataKind.phone.mask("13812345678")               // "138****5678"
/// PersonalDataKind.phone.normalise("+86 138-1234-5678")    // "13812345678"
/// ```
///
/// Masking forwards to `NationalIDNumber.mask` and `MobilePhoneNumber.mask` in `FengqiaoDomain`, so
/// a value looks the same wherever it is shown. Every role sees the masked form; showing a value in
/// full is a separate, audited request.
public enum PersonalDataKind: String, CaseIterable, Hashable, Sendable {
    /// A citizen identity number (GB 11643-1999).
    case nationalID = "national_id"
    /// A mainland mobile phone number.
    case phone

    /// Hides the middle of a value for display; text of any length is accepted, and short text is all stars.
    public func mask(_ text: String) -> String {
        switch self {
        case .nationalID: NationalIDNumber.mask(text)
        case .phone: MobilePhoneNumber.mask(text)
        }
    }

    /// The canonical form a value is sealed and lookup-hashed in, or `nil` when it is not a valid value.
    ///
    /// An ID number is upper-cased and its check character verified; a phone number loses spaces,
    /// dashes and a leading `+86`.
    public func normalise(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        switch self {
        case .nationalID: return (try? NationalIDNumber(trimmed))?.rawValue
        case .phone: return MobilePhoneNumber(trimmed)?.rawValue
        }
    }
}
