import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

/// "一标三实": standard addresses with QR door plates, buildings and households (actual
/// housing), residents (actual population) and actual units.
public struct PlaceStore: Sendable {
    let pool: PostgresPool
    let residentRows: ResidentRows

    public init(pool: PostgresPool, personal: PersonalDataColumns) {
        self.pool = pool
        self.residentRows = ResidentRows(personal: personal)
    }

    // MARK: Addresses

    /// Creates an address in a place-kind unit, optionally in a grid and with a QR plate.
    ///
    /// - Throws: `RegistryError` `.notFound` (`unit_id`, `grid_id`), `.failedPrecondition` for a
    ///   unit that is not a place or a grid outside the unit's station, `.alreadyExists` for a
    ///   taken `qr_code` or the same text in the same unit (`text`).
    public func createAddress(text: String, unitID: Int64, gridID: Int64?, qrCode: String?, location: CommonV1.GeoPoint?) async throws -> RegistryV1.Address {
        try await pool.transaction { tx in
            try await Self.insertAddress(text: text, unitID: unitID, gridID: gridID, qrCode: qrCode, location: location, on: tx)
        }
    }

    static func insertAddress(
        text: String, unitID: Int64, gridID: Int64?, qrCode: String?, location: CommonV1.GeoPoint?, on tx: PostgresTransaction
    ) async throws -> RegistryV1.Address {
        let unit = try await UnitStore.fetch(unitID, on: tx, field: "unit_id")
        guard UnitRules.isPlace(unit.kind) else {
            throw RegistryError(.failedPrecondition, field: "unit_id", "an address lies in a community, village, scenic area, compound or grid")
        }
        if let gridID {
            let grid = try await UnitStore.fetch(gridID, on: tx, field: "grid_id")
            guard grid.kind == .grid, grid.stationID == unit.stationID else {
                throw RegistryError(.failedPrecondition, field: "grid_id", "the grid must be a grid of the same station")
            }
        }
        do {
            let id = try await tx.queryValue(
                """
                INSERT INTO registry.address (text, unit_id, grid_id, qr_code, latitude, longitude)
                VALUES (\(text), \(unitID), \(gridID), \(qrCode), \(location?.latitude), \(location?.longitude)) RETURNING id
                """, as: Int64.self)
            return try await fetchAddress(id, on: tx, field: "id")
        } catch let error as PostgresError where error.serverInfo?.constraintName == "address_qr_code_key" {
            throw RegistryError.alreadyExists("qr_code", "an address with this QR plate")
        } catch let error as PostgresError where error.serverInfo?.constraintName == "address_unit_text_key" {
            throw RegistryError.alreadyExists("text", "this address in the unit")
        }
    }

    /// The address, unit and grid of a QR plate.
    public func resolve(qrCode: String) async throws -> RegistryV1.ResolveQrPlateResponse {
        guard let row = try await pool.queryFirst(
            "SELECT \(unsafeRaw: Self.addressColumns) FROM registry.address a JOIN registry.unit u ON u.id = a.unit_id WHERE a.qr_code = \(qrCode)")
        else { throw RegistryError.notFound("code", "QR plate") }
        let address = try Self.decodeAddress(row)
        return RegistryV1.ResolveQrPlateResponse(
            address: address,
            unit: try await UnitStore.fetch(address.unitID, on: pool, field: "unit_id"),
            grid: address.gridID == 0 ? nil : try await UnitStore.fetch(address.gridID, on: pool, field: "grid_id"))
    }

    /// A page of the addresses of a unit's subtree (all addresses for 0), by id.
    public func listAddresses(unitID: Int64, textContains: String, page: PageBounds) async throws -> (addresses: [RegistryV1.Address], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let pattern = textContains.isEmpty ? nil : "%" + UnitStore.escapeLike(textContains) + "%"
        let addresses = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.addressColumns) FROM registry.address a JOIN registry.unit u ON u.id = a.unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(pattern)::text IS NULL OR a.text LIKE \(pattern)) AND a.id > \(page.after)
            ORDER BY a.id LIMIT \(page.size)
            """
        ).map(Self.decodeAddress)
        return (addresses, page.nextToken(after: addresses.map(\.id)))
    }

    // MARK: Buildings and households

    /// A page of buildings, of a unit's subtree and/or at one address, by id.
    public func listBuildings(unitID: Int64, addressID: Int64, page: PageBounds) async throws -> (buildings: [RegistryV1.Building], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        if addressID != 0 { _ = try await Self.fetchAddress(addressID, on: pool, field: "address_id") }
        let buildings = try await pool.query(
            """
            SELECT b.id, b.address_id, b.name, b.floors, b.unit_id FROM registry.building b JOIN registry.unit u ON u.id = b.unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(addressID) = 0 OR b.address_id = \(addressID)) AND b.id > \(page.after)
            ORDER BY b.id LIMIT \(page.size)
            """
        ).map(Self.decodeBuilding)
        return (buildings, page.nextToken(after: buildings.map(\.id)))
    }

    /// Creates a building at an address.
    public func createBuilding(addressID: Int64, name: String, floors: Int32) async throws -> RegistryV1.Building {
        try await pool.transaction { tx in
            let address = try await Self.fetchAddress(addressID, on: tx, field: "address_id")
            do {
                let id = try await tx.queryValue(
                    """
                    INSERT INTO registry.building (address_id, name, floors, unit_id)
                    VALUES (\(addressID), \(name), \(floors), \(address.unitID)) RETURNING id
                    """, as: Int64.self)
                return try await Self.fetchBuilding(id, on: tx, field: "id")
            } catch let error as PostgresError where error.serverInfo?.constraintName == "building_address_name_key" {
                throw RegistryError.alreadyExists("name", "a building with this name at the address")
            }
        }
    }

    /// Creates a household: a door on a floor of a building, or a house at an address.
    public func createHousehold(buildingID: Int64?, floor: Int32, door: String, addressID: Int64?) async throws -> RegistryV1.Household {
        try await pool.transaction { tx in
            var address: Int64
            var unit: Int64
            if let buildingID {
                let building = try await Self.fetchBuilding(buildingID, on: tx, field: "building_id")
                guard (1...building.floors).contains(floor) else {
                    throw RegistryError(.failedPrecondition, field: "floor", "the building has floors 1 to \(building.floors)")
                }
                address = building.addressID
                unit = building.unitID
            } else {
                let found = try await Self.fetchAddress(addressID ?? 0, on: tx, field: "address_id")
                address = found.id
                unit = found.unitID
            }
            do {
                let id = try await tx.queryValue(
                    """
                    INSERT INTO registry.household (building_id, floor, door, address_id, unit_id)
                    VALUES (\(buildingID), \(buildingID == nil ? 0 : floor), \(door), \(address), \(unit)) RETURNING id
                    """, as: Int64.self)
                return try await Self.fetchHousehold(id, on: tx)
            } catch let error as PostgresError where error.isUniqueViolation {
                throw RegistryError.alreadyExists(buildingID == nil ? "address_id" : "door", "this household")
            }
        }
    }

    /// A building's floor plan: households by floor (top first), each with its current residents.
    public func floorPlan(buildingID: Int64) async throws -> RegistryV1.FloorPlan {
        let building = try await Self.fetchBuilding(buildingID, on: pool, field: "building_id")
        let households = try await pool.query(
            "SELECT id, building_id, floor, door, address_id FROM registry.household WHERE building_id = \(buildingID) ORDER BY floor DESC, door"
        ).map(Self.decodeHousehold)
        let residents = try await pool.query(
            """
            SELECT \(unsafeRaw: ResidentRows.columns) FROM registry.resident r JOIN registry.unit u ON u.id = r.unit_id
            JOIN registry.household h ON h.id = r.household_id
            WHERE h.building_id = \(buildingID) AND r.moved_out IS NULL ORDER BY r.id
            """
        ).map(residentRows.decode)
        let byHousehold = Dictionary(grouping: residents, by: \.householdID)
        var floors: [RegistryV1.FloorPlanFloor] = []
        for household in households {
            let entry = RegistryV1.FloorPlanHousehold(household: household, residents: byHousehold[household.id] ?? [])
            if floors.last?.floor == household.floor {
                floors[floors.count - 1].households.append(entry)
            } else {
                floors.append(RegistryV1.FloorPlanFloor(floor: household.floor, households: [entry]))
            }
        }
        return RegistryV1.FloorPlan(building: building, floors: floors)
    }

    // MARK: Rows

    static let addressColumns = "a.id, a.text, a.unit_id, a.grid_id, a.qr_code, a.latitude, a.longitude, u.station_id"

    static func fetchAddress(_ id: Int64, on db: some PostgresQueryable, field: String) async throws -> RegistryV1.Address {
        guard id > 0, let row = try await db.queryFirst(
            "SELECT \(unsafeRaw: addressColumns) FROM registry.address a JOIN registry.unit u ON u.id = a.unit_id WHERE a.id = \(id)")
        else { throw RegistryError.notFound(field, "address") }
        return try decodeAddress(row)
    }

    static func decodeAddress(_ row: PostgresRow) throws -> RegistryV1.Address {
        var address = RegistryV1.Address(
            id: try row.decode(Int64.self, column: "id"),
            text: try row.decode(String.self, column: "text"),
            unitID: try row.decode(Int64.self, column: "unit_id"),
            gridID: try row.decode(Int64?.self, column: "grid_id") ?? 0,
            qrCode: try row.decode(String?.self, column: "qr_code") ?? "",
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0)
        if let latitude = try row.decode(Double?.self, column: "latitude"), let longitude = try row.decode(Double?.self, column: "longitude") {
            address.location = CommonV1.GeoPoint(latitude: latitude, longitude: longitude)
        }
        return address
    }

    static func fetchBuilding(_ id: Int64, on db: some PostgresQueryable, field: String) async throws -> RegistryV1.Building {
        guard id > 0, let row = try await db.queryFirst(
            "SELECT id, address_id, name, floors, unit_id FROM registry.building WHERE id = \(id)")
        else { throw RegistryError.notFound(field, "building") }
        return try decodeBuilding(row)
    }

    static func decodeBuilding(_ row: PostgresRow) throws -> RegistryV1.Building {
        RegistryV1.Building(
            id: try row.decode(Int64.self, column: "id"), addressID: try row.decode(Int64.self, column: "address_id"),
            name: try row.decode(String.self, column: "name"), floors: try row.decode(Int32.self, column: "floors"),
            unitID: try row.decode(Int64.self, column: "unit_id"))
    }

    static func fetchHousehold(_ id: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.Household {
        guard id > 0, let row = try await db.queryFirst(
            "SELECT id, building_id, floor, door, address_id FROM registry.household WHERE id = \(id)")
        else { throw RegistryError.notFound("household_id", "household") }
        return try decodeHousehold(row)
    }

    static func decodeHousehold(_ row: PostgresRow) throws -> RegistryV1.Household {
        RegistryV1.Household(
            id: try row.decode(Int64.self, column: "id"), buildingID: try row.decode(Int64?.self, column: "building_id") ?? 0,
            floor: try row.decode(Int32.self, column: "floor"), door: try row.decode(String.self, column: "door"),
            addressID: try row.decode(Int64.self, column: "address_id"))
    }
}
