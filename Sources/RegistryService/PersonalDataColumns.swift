import FengqiaoDomain
import FengqiaoPostgres
import FengqiaoSecurity
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the registry keeps national ID numbers and phone numbers: sealed in their columns, with a
/// keyed hash beside each (`<column>_hash`) for exact-match lookups and natural keys, and masked
/// in every answer.
///
/// A value is sealed for its qualified column (`registry.resident.phone`), so a sealed value copied
/// into another column does not open. Lookup hashes are keyed by kind only (`national_id`,
/// `phone`), so the same number hashes alike in every table and every service.
public struct PersonalDataColumns: Sendable {
    public let cipher: PersonalDataCipher

    public init(cipher: PersonalDataCipher) {
        self.cipher = cipher
    }

    /// A sealed value and its lookup hash, or two NULLs for no value.
    struct Sealed {
        var value: String?
        var hash: Data?
    }

    /// Seals a validated value (already in normal form) for a column.
    func seal(_ normalised: String?, _ kind: PersonalDataKind, column: String) throws -> Sealed {
        guard let normalised, !normalised.isEmpty else { return Sealed(value: nil, hash: nil) }
        return Sealed(value: try cipher.seal(normalised, field: column).rawValue, hash: lookupHash(normalised, kind))
    }

    /// The lookup hash of a value in normal form.
    func lookupHash(_ normalised: String, _ kind: PersonalDataKind) -> Data {
        cipher.lookupHash(normalised, field: kind.rawValue)
    }

    /// The value of a stored column, opened; empty for NULL.
    func open(_ stored: String?, column: String) throws -> String {
        guard let stored else { return "" }
        return try cipher.open(stored, field: column)
    }

    /// The value of a stored column as every answer shows it: masked; empty for NULL.
    func masked(_ stored: String?, _ kind: PersonalDataKind, column: String) throws -> String {
        guard stored != nil else { return "" }
        return kind.mask(try open(stored, column: column))
    }
}

extension PersonalDataColumns {
    /// The tables whose personal data the registry seals, with their id column.
    static let tables = ["person", "resident"]

    /// Seals what is still stored in clear (rows written before the columns were sealed) and reseals
    /// what a key other than the current one sealed, a few hundred rows per transaction, so that a
    /// rotation finishes by itself. Run at start-up, before serving.
    ///
    /// - Returns: how many values were sealed from clear text and how many were resealed.
    /// - Throws: `PersonalDataError.unknownKey` when a stored value's key is not in the key ring: the
    ///   service must not start without every key its data needs.
    public func sealStoredValues(on pool: PostgresPool, logger: Logger) async throws -> (sealed: Int, resealed: Int) {
        var sealed = 0, resealed = 0
        let current = "v1:\(cipher.keys.currentKeyID):%"
        for table in Self.tables {
            while true {
                let done = try await pool.transaction { tx -> Bool in
                    let rows = try await tx.query(
                        """
                        SELECT id, national_id, phone FROM registry.\(unsafeRaw: table)
                        WHERE national_id NOT LIKE \(current) OR phone NOT LIKE \(current)
                        ORDER BY id LIMIT 500 FOR UPDATE
                        """)
                    if rows.isEmpty { return true }
                    for row in rows {
                        let id = try row.decode(Int64.self, column: "id")
                        var values: [Sealed] = []
                        for kind in [PersonalDataKind.nationalID, .phone] {
                            let column = "registry.\(table).\(kind.rawValue)"
                            let stored = try row.decode(String?.self, column: kind.rawValue)
                            var text = stored
                            if let stored, stored.hasPrefix("v1:") {
                                if !stored.hasPrefix(String(current.dropLast())) { resealed += 1 }
                                text = try cipher.open(stored, field: column)
                            } else if stored != nil {
                                sealed += 1
                            }
                            values.append(try seal(text.flatMap { kind.normalise($0) ?? $0 }, kind, column: column))
                        }
                        try await tx.execute(
                            """
                            UPDATE registry.\(unsafeRaw: table)
                            SET national_id = \(values[0].value), national_id_hash = \(values[0].hash),
                                phone = \(values[1].value), phone_hash = \(values[1].hash)
                            WHERE id = \(id)
                            """)
                    }
                    return false
                }
                if done { break }
            }
        }
        if sealed + resealed > 0 {
            logger.notice("personal data sealed under the current key", metadata: [
                "pii.sealed": "\(sealed)", "pii.resealed": "\(resealed)", "pii.key": "\(cipher.keys.currentKeyID)",
            ])
        }
        return (sealed, resealed)
    }
}
