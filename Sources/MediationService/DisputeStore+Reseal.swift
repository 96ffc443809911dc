import FengqiaoPostgres
import FengqiaoSecurity
import Logging

extension DisputeStore {
    /// The sealed columns of `mediation.party`; each value is sealed for `mediation.party.<column>`.
    static let sealedPartyColumns = ["name", "phone", "national_id"]

    /// Reseals every party value that a key other than the current one sealed, 500 rows per
    /// transaction, so that a key rotation finishes by itself, as the registry's start-up does for
    /// its own columns. Lookup hashes and masked forms do not change. Run at start-up, before
    /// serving.
    ///
    /// - Returns: how many values were resealed.
    /// - Throws: `PersonalDataError.unknownKey` when a stored value's key is not in the key ring: the
    ///   service must not start without every key its data needs.
    public func resealParties(logger: Logger) async throws -> Int {
        var resealed = 0
        let current = "v1:\(cipher.keys.currentKeyID):%"
        while true {
            let done = try await pool.transaction { tx -> Bool in
                let rows = try await tx.query(
                    """
                    SELECT id, name, phone, national_id FROM mediation.party
                    WHERE name NOT LIKE \(current) OR phone NOT LIKE \(current) OR national_id NOT LIKE \(current)
                    ORDER BY id LIMIT 500 FOR UPDATE
                    """)
                if rows.isEmpty { return true }
                for row in rows {
                    let id = try row.decode(Int64.self, column: "id")
                    var values: [String?] = []
                    for column in Self.sealedPartyColumns {
                        guard let stored = try row.decode(String?.self, column: column) else {
                            values.append(nil)
                            continue
                        }
                        let field = "mediation.party.\(column)"
                        let sealed: SealedValue
                        do throws(PersonalDataError) {
                            sealed = try SealedValue(stored)
                        } catch {
                            var error = error
                            error.field = field
                            throw error
                        }
                        if cipher.needsReseal(sealed) { resealed += 1 }
                        values.append(try cipher.reseal(sealed, field: field).rawValue)
                    }
                    try await tx.execute(
                        "UPDATE mediation.party SET name = \(values[0]), phone = \(values[1]), national_id = \(values[2]) WHERE id = \(id)")
                }
                return false
            }
            if done { break }
        }
        if resealed > 0 {
            logger.notice("party personal data resealed under the current key", metadata: [
                "pii.resealed": "\(resealed)", "pii.key": "\(cipher.keys.currentKeyID)",
            ])
        }
        return resealed
    }
}
