import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoSecurity

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads one personal-data value in full, for `RevealPersonalData`; every other read masks it.
public struct PersonalDataStore: Sendable {
    let pool: PostgresPool
    let personal: PersonalDataColumns

    public init(pool: PostgresPool, personal: PersonalDataColumns) {
        self.pool = pool
        self.personal = personal
    }

    /// A person's or a resident's record, as `RevealPersonalData` names it.
    public enum Record: Sendable, Hashable {
        case person(Int64)
        case resident(Int64)
    }

    /// The value in full; empty when the record holds none.
    ///
    /// - Throws: `RegistryError.notFound` naming `person_id` or `resident_id`.
    public func reveal(_ kind: PersonalDataKind, of record: Record) async throws -> String {
        let (table, id, field) =
            switch record {
            case .person(let id): ("person", id, "person_id")
            case .resident(let id): ("resident", id, "resident_id")
            }
        let column = kind.rawValue
        guard let row = try await pool.queryFirst(
            "SELECT \(unsafeRaw: column) AS value FROM registry.\(unsafeRaw: table) WHERE id = \(id)")
        else { throw RegistryError.notFound(field, table) }
        return try personal.open(try row.decode(String?.self, column: "value"), column: "registry.\(table).\(column)")
    }
}
