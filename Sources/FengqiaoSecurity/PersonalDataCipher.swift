import Crypto
import Foundation

/// Seals personal data for storage, opens it again, and computes its lookup hashes.
///
/// ```
/// let cipher = PersonalDataCipher(keys: keys)
/// let sealed = try cipher.seal("13812345678", field: "registry.person.phone")
/// let phone = try cipher.open(sealed, field: "registry.person.phone")        // "13812345678"
/// let hash = cipher.lookupHash("13812345678", field: "registry.person.phone") // 32 bytes, for WHERE … =
/// ```
///
/// Values are AES-256-GCM with a random 96-bit nonce under the current key. The authenticated data
/// is `v1:<key id>:<field>`, so a value copied into another field, or relabelled with another key id,
/// fails to open. Name a field by its qualified column, e.g. `registry.person.national_id`, and never
/// change that name once values are stored under it.
public struct PersonalDataCipher: Sendable {
    /// The keys used for sealing, opening and lookup hashes.
    public let keys: PersonalDataKeys

    /// Makes a cipher over a key ring.
    public init(keys: PersonalDataKeys) {
        self.keys = keys
    }

    /// Encrypts a value for one field under the current key, with a fresh random nonce.
    ///
    /// Sealing the same text twice gives different values; search with ``lookupHash(_:field:)`` instead.
    /// - Throws: `PersonalDataError.sealingFailed` only if the system's AES-GCM refuses, which valid keys
    ///   never cause.
    public func seal(_ plaintext: String, field: String) throws(PersonalDataError) -> SealedValue {
        try seal(plaintext, field: field, nonce: AES.GCM.Nonce())
    }

    /// Encrypts with a given nonce; only known-answer tests choose the nonce.
    func seal(_ plaintext: String, field: String, nonce: AES.GCM.Nonce) throws(PersonalDataError) -> SealedValue {
        let keyID = keys.currentKeyID
        guard let key = keys.encryptionKeys[keyID]?.key else { throw PersonalDataError(.sealingFailed, field: field) }
        do {
            let box = try AES.GCM.seal(
                Data(plaintext.utf8), using: key, nonce: nonce,
                authenticating: Self.authenticatedData(keyID: keyID, field: field))
            guard let combined = box.combined else { throw PersonalDataError(.sealingFailed, field: field) }
            return SealedValue(keyID: keyID, combined: combined)
        } catch {
            throw PersonalDataError(.sealingFailed, field: field, keyID: keyID)
        }
    }

    /// Decrypts a value sealed for this field, with whichever key in the ring sealed it.
    ///
    /// - Throws: `PersonalDataError` with `unknownKey` when its key is not in the ring, `authenticationFailed`
    ///   when it was altered or belongs to another field, `notText` when it does not decode as UTF-8.
    public func open(_ sealed: SealedValue, field: String) throws(PersonalDataError) -> String {
        guard let key = keys.encryptionKeys[sealed.keyID]?.key else {
            throw PersonalDataError(.unknownKey, field: field, keyID: sealed.keyID)
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.combined)
            plaintext = try AES.GCM.open(
                box, using: key, authenticating: Self.authenticatedData(keyID: sealed.keyID, field: field))
        } catch {
            throw PersonalDataError(.authenticationFailed, field: field, keyID: sealed.keyID)
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else {
            throw PersonalDataError(.notText, field: field, keyID: sealed.keyID)
        }
        return text
    }

    /// Reads stored text and decrypts it; see ``SealedValue/init(_:)`` and ``open(_:field:)``.
    ///
    /// - Throws: `PersonalDataError`, as those two do.
    public func open(_ stored: String, field: String) throws(PersonalDataError) -> String {
        let sealed: SealedValue
        do {
            sealed = try SealedValue(stored)
        } catch {
            var error = error
            error.field = field
            throw error
        }
        return try open(sealed, field: field)
    }

    /// Whether a value was sealed with a key other than the current one, and so should be resealed.
    public func needsReseal(_ sealed: SealedValue) -> Bool {
        sealed.keyID != keys.currentKeyID
    }

    /// Re-encrypts a value under the current key, for rotation; a value already under it is returned as is.
    ///
    /// - Throws: `PersonalDataError`, as ``open(_:field:)`` and ``seal(_:field:)`` do.
    public func reseal(_ sealed: SealedValue, field: String) throws(PersonalDataError) -> SealedValue {
        guard needsReseal(sealed) else { return sealed }
        return try seal(open(sealed, field: field), field: field)
    }

    /// The keyed hash of a normalised value, stored beside the sealed value for exact-match search.
    ///
    /// ```
    /// fieldKey = HMAC-SHA256(key: lookup key, message: "fengqiao.lookup.v1:" + field)
    /// hash     = HMAC-SHA256(key: fieldKey, message: value)      // UTF-8 throughout; 32 bytes
    /// ```
    ///
    /// Equal values in the same field hash equally; the same value in two fields does not. Only the
    /// lookup key is used, so rotating encryption keys leaves every hash unchanged. Normalise first
    /// (``PersonalDataKind/normalise(_:)``), or `138 1234 5678` and `13812345678` will not match.
    public func lookupHash(_ normalisedValue: String, field: String) -> Data {
        let fieldKey = HMAC<SHA256>.authenticationCode(
            for: Data("fengqiao.lookup.v1:\(field)".utf8), using: keys.lookupKey.key)
        let code = HMAC<SHA256>.authenticationCode(
            for: Data(normalisedValue.utf8), using: SymmetricKey(data: Data(fieldKey)))
        return Data(code)
    }

    /// The AES-GCM authenticated data binding a value to its key id and field.
    static func authenticatedData(keyID: PersonalDataKeyID, field: String) -> Data {
        Data("\(SealedValue.version):\(keyID):\(field)".utf8)
    }
}
