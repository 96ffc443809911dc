import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoSecurity
import Foundation

/// Credentials: issued to people and services, kept as hashes, revoked but never deleted.
public struct CredentialStore: CredentialSource {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// What a new credential is for.
    public struct Grant: Sendable {
        public var role: Role
        public var stationID: Int64?
        public var personID: Int64?
        public var serviceName: String?
        public var label: String
        public var validDays: Int?

        public init(role: Role, stationID: Int64? = nil, personID: Int64? = nil, serviceName: String? = nil, label: String = "", validDays: Int? = 90) {
            self.role = role
            self.stationID = stationID
            self.personID = personID
            self.serviceName = serviceName
            self.label = label
            self.validDays = validDays
        }
    }

    /// Issues a credential; the token in the answer is the only copy of its secret.
    ///
    /// - Throws: `RegistryError`: `.notFound` for the station or person, `.failedPrecondition` for
    ///   a station that is not one, an inactive person, or a person of another station.
    public func issue(_ grant: Grant, issuedBy: Int64?) async throws -> (credential: RegistryV1.Credential, token: String) {
        try await pool.transaction { tx in
            if let stationID = grant.stationID {
                let station = try await UnitStore.fetch(stationID, on: tx, field: "station_id")
                guard station.kind == .station else {
                    throw RegistryError(.failedPrecondition, field: "station_id", "a station role needs a station")
                }
            }
            if let personID = grant.personID {
                let person = try await PersonStore.standing(personID, on: tx, field: "person_id")
                guard person.active else { throw RegistryError(.failedPrecondition, field: "person_id", "the person is inactive") }
                if let stationID = grant.stationID, person.stationID != stationID {
                    throw RegistryError(.failedPrecondition, field: "person_id", "the person belongs to another station")
                }
            }
            // The id is part of the token, so the row is added first and its hash set once the id is known.
            let placeholder = Data(count: 32)
            let expiry = grant.validDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let id = try await tx.queryValue(
                """
                INSERT INTO registry.credential (secret_hash, role, station_id, person_id, service_name, label, issued_by, expires_at)
                VALUES (\(placeholder), \(grant.role.rawValue), \(grant.stationID), \(grant.personID), \(grant.serviceName),
                        \(grant.label), \(issuedBy), \(expiry))
                RETURNING id
                """, as: Int64.self)
            let secret = CredentialSecret.generate()
            let token = try CredentialToken(id: String(id), secret: secret)
            try await tx.execute("UPDATE registry.credential SET secret_hash = \(secret.hash()) WHERE id = \(id)")
            return (try await Self.fetch(id, on: tx), token.text)
        }
    }

    /// Revokes a credential (again is fine: the first revocation stands).
    public func revoke(id: Int64, by revoker: Int64?, reason: String) async throws -> RegistryV1.Credential {
        try await pool.transaction { tx in
            _ = try await Self.fetch(id, on: tx)
            try await tx.execute(
                """
                UPDATE registry.credential SET revoked_at = now(), revoked_by = \(revoker), revoke_reason = \(reason)
                WHERE id = \(id) AND revoked_at IS NULL
                """)
            return try await Self.fetch(id, on: tx)
        }
    }

    /// A page of credentials, of one station or all.
    public func list(stationID: Int64, includeInactive: Bool, page: PageBounds) async throws -> (credentials: [RegistryV1.Credential], nextPageToken: String) {
        let credentials = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM registry.credential
            WHERE (\(stationID) = 0 OR station_id = \(stationID))
              AND (\(includeInactive) OR (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())))
              AND id > \(page.after)
            ORDER BY id LIMIT \(page.size)
            """
        ).map(Self.decode)
        return (credentials, page.nextToken(after: credentials.map(\.id)))
    }

    public func get(id: Int64) async throws -> RegistryV1.Credential {
        try await Self.fetch(id, on: pool)
    }

    // MARK: CredentialSource

    public func credential(id: Int64) async throws -> StoredCredential? {
        guard let row = try await pool.queryFirst(
            """
            SELECT id, secret_hash, role, station_id, person_id, service_name, expires_at, revoked_at
            FROM registry.credential WHERE id = \(id)
            """)
        else { return nil }
        guard let role = Role(rawValue: try row.decode(String.self, column: "role")) else { return nil }
        return StoredCredential(
            id: id, secretHash: try row.decode(Data.self, column: "secret_hash"),
            caller: Caller(
                credentialID: id, role: role, stationID: try row.decode(Int64?.self, column: "station_id"),
                personID: try row.decode(Int64?.self, column: "person_id"), serviceName: try row.decode(String?.self, column: "service_name")),
            expiresAt: try row.decode(Date?.self, column: "expires_at"), revokedAt: try row.decode(Date?.self, column: "revoked_at"))
    }

    // MARK: Rows

    static let columns = "id, role, station_id, person_id, service_name, label, issued_at, issued_by, expires_at, revoked_at"

    static func fetch(_ id: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.Credential {
        guard id > 0, let row = try await db.queryFirst("SELECT \(unsafeRaw: columns) FROM registry.credential WHERE id = \(id)")
        else { throw RegistryError.notFound("id", "credential") }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.Credential {
        func milliseconds(_ date: Date?) -> Int64 { date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0 }
        return RegistryV1.Credential(
            id: try row.decode(Int64.self, column: "id"),
            role: Role(rawValue: try row.decode(String.self, column: "role")).map(RegistryV1.Role.init) ?? .unspecified,
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
            personID: try row.decode(Int64?.self, column: "person_id") ?? 0,
            serviceName: try row.decode(String?.self, column: "service_name") ?? "",
            label: try row.decode(String.self, column: "label"),
            issuedAtMs: milliseconds(try row.decode(Date.self, column: "issued_at")),
            issuedBy: try row.decode(Int64?.self, column: "issued_by") ?? 0,
            expiresAtMs: milliseconds(try row.decode(Date?.self, column: "expires_at")),
            revokedAtMs: milliseconds(try row.decode(Date?.self, column: "revoked_at")))
    }
}

extension RegistryV1.Role {
    /// The wire role of an access role.
    public init(_ role: Role) {
        self = RegistryV1.Role(shortName: role.rawValue) ?? .unspecified
    }

    /// The access role, or `nil` for `unspecified`.
    public var accessRole: Role? {
        shortName.flatMap(Role.init(rawValue:))
    }
}
