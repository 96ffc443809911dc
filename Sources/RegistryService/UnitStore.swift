import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The registry's organisation units: a tree kept with each unit's path of ancestor ids.
///
/// Every method is one transaction. Errors are `RegistryError` (not found, taken, forbidden by
/// the tree's rules) or `PostgresError` for the database itself.
public struct UnitStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let columns = "id, code, name, kind, parent_id, station_id, latitude, longitude, created_at, updated_at"

    /// A validated request to create a unit.
    public struct NewUnit: Sendable {
        public var code: String
        public var name: String
        public var kind: RegistryV1.UnitKind
        public var parentID: Int64?
        public var location: CommonV1.GeoPoint?

        public init(code: String, name: String, kind: RegistryV1.UnitKind, parentID: Int64?, location: CommonV1.GeoPoint?) {
            self.code = code
            self.name = name
            self.kind = kind
            self.parentID = parentID
            self.location = location
        }
    }

    /// Creates a unit under its parent.
    ///
    /// - Throws: `RegistryError` `.notFound` for `parent_id`, `.failedPrecondition` for a parent of
    ///   a kind that may not hold this kind, `.alreadyExists` for a taken `code`.
    public func create(_ unit: NewUnit) async throws -> RegistryV1.Unit {
        try await pool.transaction { tx in
            var path: [Int64] = []
            var stationID: Int64? = nil
            if let parentID = unit.parentID {
                let parent = try await Self.fetch(parentID, on: tx, lock: true, field: "parent_id")
                guard UnitRules.allowedParents(of: unit.kind).contains(parent.kind) else {
                    throw RegistryError(
                        .failedPrecondition, field: "parent_id",
                        "a \(unit.kind.shortName ?? "unit") may not sit under a \(parent.kind.shortName ?? "unit")")
                }
                path = try await tx.queryValue("SELECT path FROM registry.unit WHERE id = \(parentID)", as: [Int64].self)
                stationID = parent.stationID == 0 ? nil : parent.stationID
            }
            let id: Int64
            do {
                id = try await tx.queryValue(
                    """
                    INSERT INTO registry.unit (code, name, kind, parent_id, station_id, path, latitude, longitude)
                    VALUES (\(unit.code), \(unit.name), \(unit.kind.shortName ?? ""), \(unit.parentID), \(stationID), '{}',
                            \(unit.location?.latitude), \(unit.location?.longitude))
                    RETURNING id
                    """, as: Int64.self)
            } catch let error as PostgresError where error.serverInfo?.constraintName == "unit_code_key" {
                throw RegistryError.alreadyExists("code", "a unit with this code")
            }
            let station = unit.kind == .station ? id : stationID
            try await tx.execute(
                "UPDATE registry.unit SET path = \(path + [id]), station_id = \(station) WHERE id = \(id)")
            try await tx.execute(
                "INSERT INTO registry.unit_change (unit_id, change, new_name, new_parent_id) VALUES (\(id), 'created', \(unit.name), \(unit.parentID))")
            return try await Self.fetch(id, on: tx, field: "id")
        }
    }

    /// Returns a unit by id.
    public func get(id: Int64) async throws -> RegistryV1.Unit {
        try await Self.fetch(id, on: pool, field: "id")
    }

    /// Returns a unit by code.
    public func get(code: String) async throws -> RegistryV1.Unit {
        guard let row = try await pool.queryFirst(
            PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM registry.unit WHERE code = $1", bindings: PostgresBindings(code)))
        else { throw RegistryError.notFound("code", "unit") }
        return try Self.decode(row)
    }

    /// Renames, moves or locates a unit, keeping each change in its history.
    ///
    /// A move rewrites the paths of the whole subtree and, unless the unit is a station, the
    /// station of every unit in it.
    /// - Throws: `RegistryError` `.notFound` (`id`, `parent_id`), `.failedPrecondition` for a move
    ///   under itself or a descendant (`parent_id`) or under a parent of the wrong kind.
    public func update(id: Int64, name: String?, parentID: Int64?, location: CommonV1.GeoPoint?, reason: String) async throws -> RegistryV1.Unit {
        try await pool.transaction { tx in
            let unit = try await Self.fetch(id, on: tx, lock: true, field: "id")
            if let name, name != unit.name {
                try await tx.execute("UPDATE registry.unit SET name = \(name), updated_at = now() WHERE id = \(id)")
                try await tx.execute(
                    "INSERT INTO registry.unit_change (unit_id, change, old_name, new_name, reason) VALUES (\(id), 'renamed', \(unit.name), \(name), \(reason))")
            }
            if let parentID, parentID != unit.parentID {
                try await move(unit, under: parentID, reason: reason, on: tx)
            }
            if let location {
                try await tx.execute(
                    "UPDATE registry.unit SET latitude = \(location.latitude), longitude = \(location.longitude), updated_at = now() WHERE id = \(id)")
                try await tx.execute("INSERT INTO registry.unit_change (unit_id, change, reason) VALUES (\(id), 'located', \(reason))")
            }
            return try await Self.fetch(id, on: tx, field: "id")
        }
    }

    private func move(_ unit: RegistryV1.Unit, under parentID: Int64, reason: String, on tx: PostgresTransaction) async throws {
        guard unit.kind != .bureau else {
            throw RegistryError(.failedPrecondition, field: "parent_id", "a bureau has no parent")
        }
        let parent = try await Self.fetch(parentID, on: tx, lock: true, field: "parent_id")
        let parentPath = try await tx.queryValue("SELECT path FROM registry.unit WHERE id = \(parentID)", as: [Int64].self)
        guard !parentPath.contains(unit.id) else {
            throw RegistryError(.failedPrecondition, field: "parent_id", "a unit cannot move under itself or its own descendant")
        }
        guard UnitRules.allowedParents(of: unit.kind).contains(parent.kind) else {
            throw RegistryError(
                .failedPrecondition, field: "parent_id",
                "a \(unit.kind.shortName ?? "unit") may not sit under a \(parent.kind.shortName ?? "unit")")
        }
        // Each path in the subtree keeps its part from the moved unit down, behind the new parent's path.
        try await tx.execute(
            """
            UPDATE registry.unit
            SET path = \(parentPath) || path[array_position(path, \(unit.id)):], updated_at = now()
            WHERE path @> ARRAY[\(unit.id)]::bigint[]
            """)
        if unit.kind != .station {
            let station: Int64? = parent.stationID == 0 ? nil : parent.stationID
            try await tx.execute("UPDATE registry.unit SET station_id = \(station) WHERE path @> ARRAY[\(unit.id)]::bigint[]")
        }
        try await tx.execute("UPDATE registry.unit SET parent_id = \(parentID) WHERE id = \(unit.id)")
        try await tx.execute(
            """
            INSERT INTO registry.unit_change (unit_id, change, old_parent_id, new_parent_id, reason)
            VALUES (\(unit.id), 'moved', \(unit.parentID == 0 ? nil : unit.parentID), \(parentID), \(reason))
            """)
    }

    /// A page of units: the children of `parentID` (or its whole subtree), by id.
    public func list(
        parentID: Int64, subtree: Bool, kinds: [RegistryV1.UnitKind], nameContains: String, page: PageBounds
    ) async throws -> (units: [RegistryV1.Unit], nextPageToken: String) {
        if parentID != 0 { _ = try await Self.fetch(parentID, on: pool, field: "parent_id") }
        let kindNames = kinds.compactMap(\.shortName)
        let pattern = nameContains.isEmpty ? nil : "%" + Self.escapeLike(nameContains) + "%"
        let scope: String
        if parentID == 0 {
            scope = subtree ? "TRUE" : "parent_id IS NULL"
        } else {
            scope = subtree ? "path @> ARRAY[$1]::bigint[] AND id <> $1" : "parent_id = $1"
        }
        var bindings = PostgresBindings()
        bindings.append(parentID)
        bindings.append(kindNames)
        bindings.append(pattern)
        bindings.append(page.after)
        bindings.append(Int64(page.size))
        let rows = try await pool.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.columns) FROM registry.unit
                    WHERE \(scope) AND (cardinality($2::text[]) = 0 OR kind = ANY($2))
                      AND ($3::text IS NULL OR name LIKE $3) AND id > $4
                    ORDER BY id LIMIT $5
                    """, bindings: bindings))
        let units = try rows.map(Self.decode)
        return (units, page.nextToken(after: units.map(\.id)))
    }

    /// The changes made to a unit, oldest first.
    public func history(id: Int64) async throws -> [RegistryV1.UnitChange] {
        _ = try await Self.fetch(id, on: pool, field: "id")
        return try await pool.query(
            """
            SELECT at, change, old_name, new_name, old_parent_id, new_parent_id, reason
            FROM registry.unit_change WHERE unit_id = \(id) ORDER BY id
            """
        ).map { row in
            RegistryV1.UnitChange(
                atMs: try row.decode(Date.self, column: "at").unixMilliseconds,
                change: try row.decode(String.self, column: "change"),
                oldName: try row.decode(String?.self, column: "old_name") ?? "",
                newName: try row.decode(String?.self, column: "new_name") ?? "",
                oldParentID: try row.decode(Int64?.self, column: "old_parent_id") ?? 0,
                newParentID: try row.decode(Int64?.self, column: "new_parent_id") ?? 0,
                reason: try row.decode(String.self, column: "reason"))
        }
    }

    // MARK: Rows

    static func fetch(_ id: Int64, on db: some PostgresQueryable, lock: Bool = false, field: String) async throws -> RegistryV1.Unit {
        let sql = "SELECT \(columns) FROM registry.unit WHERE id = $1" + (lock ? " FOR UPDATE" : "")
        guard id > 0, let row = try await db.queryFirst(PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings(id))) else {
            throw RegistryError.notFound(field, "unit")
        }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.Unit {
        var unit = RegistryV1.Unit(
            id: try row.decode(Int64.self, column: "id"),
            code: try row.decode(String.self, column: "code"),
            name: try row.decode(String.self, column: "name"),
            kind: RegistryV1.UnitKind(shortName: try row.decode(String.self, column: "kind")) ?? .unspecified,
            parentID: try row.decode(Int64?.self, column: "parent_id") ?? 0,
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
            createdAtMs: try row.decode(Date.self, column: "created_at").unixMilliseconds,
            updatedAtMs: try row.decode(Date.self, column: "updated_at").unixMilliseconds)
        if let latitude = try row.decode(Double?.self, column: "latitude"),
            let longitude = try row.decode(Double?.self, column: "longitude")
        {
            unit.location = CommonV1.GeoPoint(latitude: latitude, longitude: longitude)
        }
        return unit
    }

    /// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}


extension Date {
    /// Milliseconds since 1970-01-01 UTC, as the wire carries instants.
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
