import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRuntime

/// Bulk import of residents and addresses, one chunk per call and per transaction.
///
/// Every row is checked; a bad row comes back with its row number, field and reason and is not
/// stored, while the good rows of the chunk are. A row whose natural key is already stored counts
/// as a duplicate, so importing the same file twice adds nothing the second time.
public struct ImportStore: Sendable {
    let pool: PostgresPool
    let residents: ResidentStore

    /// The most rows a chunk may hold.
    public static let maximumChunk = 5_000

    public init(pool: PostgresPool, personal: PersonalDataColumns) {
        self.pool = pool
        self.residents = ResidentStore(pool: pool, personal: personal)
    }

    /// Imports resident rows; with `station`, a unit code of another station is as unknown.
    public func importResidents(_ rows: [RegistryV1.ResidentRow], today: CalendarDate, station: Int64? = nil) async throws -> RegistryV1.ImportResponse {
        try await pool.transaction { tx in
            let units = try await Self.placeUnits(codes: Set(rows.map { $0.unitCode.trimmingWhitespace() }), station: station, on: tx)
            let plates = try await Self.addresses(qrCodes: Set(rows.map { $0.qrCode.trimmingWhitespace() }.filter { !$0.isEmpty }), on: tx)
            var rejected: [RegistryV1.RejectedRow] = []
            var good: [ResidentStore.NewResident] = []
            for row in rows {
                var check = Validation()
                let name = check.text(row.name, field: "name", maxLength: 50)
                let nationalID = check.nationalID(row.nationalID, field: "national_id", today: today)
                let phone = check.phone(row.phone, field: "phone")
                if row.kind != .registered && row.kind != .floating { check.fail("kind", "must be registered or floating") }
                let unitCode = row.unitCode.trimmingWhitespace()
                let unitID = units[unitCode]
                if unitCode.isEmpty {
                    check.fail("unit_code", "is required")
                } else if unitID == nil {
                    check.fail("unit_code", "no community, village, scenic area, compound or grid has this code")
                }
                var householdAddress: Int64?
                let qrCode = row.qrCode.trimmingWhitespace()
                if !qrCode.isEmpty {
                    if let plate = plates[qrCode], plate.unitID == unitID {
                        householdAddress = plate.addressID
                    } else {
                        check.fail("qr_code", plates[qrCode] == nil ? "no address has this QR plate" : "the plate's address is in another unit")
                    }
                }
                let movedIn = row.movedIn.flatMap(CalendarDate.init)
                if row.movedIn != nil && movedIn == nil { check.fail("moved_in", "is not a valid date") }
                if let violation = check.violations.first {
                    rejected.append(RegistryV1.RejectedRow(rowNumber: row.rowNumber, field: violation.field, reason: violation.description))
                    continue
                }
                var householdID: Int64?
                if let householdAddress {
                    householdID = try await Self.house(at: householdAddress, unitID: unitID ?? 0, on: tx)
                }
                good.append(ResidentStore.NewResident(
                    name: name, kind: row.kind, nationalID: nationalID, phone: phone, householdID: householdID, unitID: unitID, movedIn: movedIn))
            }
            let imported = try await residents.insert(good, on: tx)
            return RegistryV1.ImportResponse(imported: Int64(imported), duplicates: Int64(good.count - imported), rejected: rejected)
        }
    }

    /// Imports address rows; with `station`, a unit or grid code of another station is as unknown.
    public func importAddresses(_ rows: [RegistryV1.AddressRow], station: Int64? = nil) async throws -> RegistryV1.ImportResponse {
        try await pool.transaction { tx in
            let codes = Set(rows.flatMap { [$0.unitCode.trimmingWhitespace(), $0.gridCode.trimmingWhitespace()] }.filter { !$0.isEmpty })
            var known: [String: RegistryV1.Unit] = [:]
            for row in try await tx.query(
                """
                SELECT \(unsafeRaw: UnitStore.columns) FROM registry.unit
                WHERE code = ANY(\(Array(codes))) AND (\(station)::bigint IS NULL OR station_id = \(station))
                """)
            {
                let unit = try UnitStore.decode(row)
                known[unit.code] = unit
            }
            var rejected: [RegistryV1.RejectedRow] = []
            var texts: [String] = [], unitIDs: [Int64] = [], gridIDs: [Int64] = [], qrCodes: [String] = []
            for row in rows {
                var check = Validation()
                let text = check.text(row.text, field: "text", maxLength: 200)
                let unit = known[row.unitCode.trimmingWhitespace()]
                if unit == nil || !UnitRules.isPlace(unit?.kind ?? .unspecified) {
                    check.fail("unit_code", "no community, village, scenic area, compound or grid has this code")
                }
                let gridCode = row.gridCode.trimmingWhitespace()
                let grid = gridCode.isEmpty ? nil : known[gridCode]
                if !gridCode.isEmpty && (grid?.kind != .grid || grid?.stationID != unit?.stationID) {
                    check.fail("grid_code", "no grid of the unit's station has this code")
                }
                let qrCode = check.code(row.qrCode, field: "qr_code", maxLength: 64, required: false)
                if let violation = check.violations.first {
                    rejected.append(RegistryV1.RejectedRow(rowNumber: row.rowNumber, field: violation.field, reason: violation.description))
                    continue
                }
                texts.append(text)
                unitIDs.append(unit?.id ?? 0)
                gridIDs.append(grid?.id ?? 0)
                qrCodes.append(qrCode)
            }
            var bindings = PostgresBindings()
            bindings.append(texts)
            bindings.append(unitIDs)
            bindings.append(gridIDs)
            bindings.append(qrCodes)
            let imported = texts.isEmpty ? 0 : try await tx.execute(PostgresQuery(
                unsafeSQL: """
                    INSERT INTO registry.address (text, unit_id, grid_id, qr_code)
                    SELECT text, unit_id, NULLIF(grid_id, 0), NULLIF(qr_code, '')
                    FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[]) WITH ORDINALITY AS a(text, unit_id, grid_id, qr_code, n)
                    ORDER BY n
                    ON CONFLICT DO NOTHING
                    """, bindings: bindings))
            return RegistryV1.ImportResponse(imported: Int64(imported), duplicates: Int64(texts.count - imported), rejected: rejected)
        }
    }

    // MARK: Look-ups for a chunk

    /// Place-kind units by code.
    static func placeUnits(codes: Set<String>, station: Int64?, on tx: PostgresTransaction) async throws -> [String: Int64] {
        var units: [String: Int64] = [:]
        let kinds = ["community", "village", "scenic_area", "compound", "grid"]
        for row in try await tx.query(
            """
            SELECT code, id FROM registry.unit
            WHERE code = ANY(\(Array(codes))) AND kind = ANY(\(kinds)) AND (\(station)::bigint IS NULL OR station_id = \(station))
            """)
        {
            units[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
        }
        return units
    }

    /// Addresses by QR plate code.
    static func addresses(qrCodes: Set<String>, on tx: PostgresTransaction) async throws -> [String: (addressID: Int64, unitID: Int64)] {
        var plates: [String: (addressID: Int64, unitID: Int64)] = [:]
        for row in try await tx.query("SELECT qr_code, id, unit_id FROM registry.address WHERE qr_code = ANY(\(Array(qrCodes)))") {
            plates[try row.decode(String.self, at: 0)] = (try row.decode(Int64.self, at: 1), try row.decode(Int64.self, at: 2))
        }
        return plates
    }

    /// The household of the house at an address (one not in a building), made if missing.
    static func house(at addressID: Int64, unitID: Int64, on tx: PostgresTransaction) async throws -> Int64 {
        try await tx.execute(
            """
            INSERT INTO registry.household (building_id, floor, door, address_id, unit_id)
            VALUES (NULL, 0, '', \(addressID), \(unitID)) ON CONFLICT DO NOTHING
            """)
        return try await tx.queryValue(
            "SELECT id FROM registry.household WHERE address_id = \(addressID) AND building_id IS NULL", as: Int64.self)
    }
}
