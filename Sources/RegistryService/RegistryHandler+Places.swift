import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime

extension RegistryHandler {
    public func createAddress(_ request: RegistryV1.CreateAddressRequest, context: ServerContext) async throws -> RegistryV1.Address {
        var check = Validation()
        let text = check.text(request.text, field: "text", maxLength: 200)
        check.id(request.unitID, field: "unit_id")
        check.id(request.gridID, field: "grid_id", required: false)
        let qrCode = check.code(request.qrCode, field: "qr_code", maxLength: 64, required: false)
        check.location(request.location, field: "location")
        try check.finish()
        return try await places.createAddress(
            text: text, unitID: request.unitID, gridID: request.gridID == 0 ? nil : request.gridID, qrCode: qrCode.isEmpty ? nil : qrCode,
            location: request.location)
    }

    public func resolveQRPlate(_ request: RegistryV1.ResolveQrPlateRequest, context: ServerContext) async throws -> RegistryV1.ResolveQrPlateResponse {
        var check = Validation()
        let code = check.code(request.code, field: "code", maxLength: 64)
        try check.finish()
        return try await places.resolve(qrCode: code)
    }

    public func listAddresses(_ request: RegistryV1.ListAddressesRequest, context: ServerContext) async throws -> RegistryV1.ListAddressesResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        let text = check.text(request.textContains, field: "text_contains", maxLength: 200, required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await places.listAddresses(unitID: request.unitID, textContains: text, page: page)
        return RegistryV1.ListAddressesResponse(addresses: result.addresses, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func createBuilding(_ request: RegistryV1.CreateBuildingRequest, context: ServerContext) async throws -> RegistryV1.Building {
        var check = Validation()
        check.id(request.addressID, field: "address_id")
        let name = check.text(request.name, field: "name", maxLength: 50)
        check.range(request.floors, 1...200, field: "floors")
        try check.finish()
        return try await places.createBuilding(addressID: request.addressID, name: name, floors: request.floors)
    }

    public func listBuildings(_ request: RegistryV1.ListBuildingsRequest, context: ServerContext) async throws -> RegistryV1.ListBuildingsResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        check.id(request.addressID, field: "address_id", required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await places.listBuildings(unitID: request.unitID, addressID: request.addressID, page: page)
        return RegistryV1.ListBuildingsResponse(buildings: result.buildings, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func createHousehold(_ request: RegistryV1.CreateHouseholdRequest, context: ServerContext) async throws -> RegistryV1.Household {
        var check = Validation()
        if request.buildingID != 0 {
            check.id(request.buildingID, field: "building_id")
            check.range(request.floor, 1...200, field: "floor")
            check.text(request.door, field: "door", maxLength: 20)
        } else if request.addressID <= 0 {
            check.fail("building_id", "a building (with floor and door) or an address is required")
        }
        let door = request.door.trimmingWhitespace()
        try check.finish()
        return try await places.createHousehold(
            buildingID: request.buildingID == 0 ? nil : request.buildingID, floor: request.floor, door: door,
            addressID: request.addressID == 0 ? nil : request.addressID)
    }

    public func getFloorPlan(_ request: RegistryV1.GetFloorPlanRequest, context: ServerContext) async throws -> RegistryV1.FloorPlan {
        try await places.floorPlan(buildingID: request.buildingID)
    }

    public func registerResident(_ request: RegistryV1.RegisterResidentRequest, context: ServerContext) async throws -> RegistryV1.Resident {
        var check = Validation()
        let name = check.text(request.name, field: "name", maxLength: 50)
        check.known(request.kind, field: "kind")
        let nationalID = check.nationalID(request.nationalID, field: "national_id", today: today())
        let phone = check.phone(request.phone, field: "phone")
        if request.householdID == 0 { check.id(request.unitID, field: "unit_id") } else { check.id(request.householdID, field: "household_id") }
        let movedIn = check.date(request.movedIn, field: "moved_in")
        try check.finish()
        return try await residents.register(.init(
            name: name, kind: request.kind, nationalID: nationalID, phone: phone,
            householdID: request.householdID == 0 ? nil : request.householdID, unitID: request.unitID == 0 ? nil : request.unitID,
            movedIn: movedIn))
    }

    public func moveOutResident(_ request: RegistryV1.MoveOutResidentRequest, context: ServerContext) async throws -> RegistryV1.Resident {
        var check = Validation()
        check.id(request.id, field: "id")
        let day = check.date(request.movedOut, field: "moved_out") ?? today()
        try check.finish()
        return try await residents.moveOut(id: request.id, on: day)
    }

    public func listResidents(_ request: RegistryV1.ListResidentsRequest, context: ServerContext) async throws -> RegistryV1.ListResidentsResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        let name = check.text(request.nameContains, field: "name_contains", maxLength: 50, required: false)
        let nationalID = check.nationalID(request.nationalID, field: "national_id")
        let phone = check.phone(request.phone, field: "phone")
        let page = check.page(request.page)
        try check.finish()
        let result = try await residents.list(
            unitID: request.unitID, kind: request.kind == .unspecified ? nil : request.kind, includeMovedOut: request.includeMovedOut,
            nameContains: name, nationalID: nationalID, phone: phone, page: page)
        return RegistryV1.ListResidentsResponse(residents: result.residents, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func createActualUnit(_ request: RegistryV1.CreateActualUnitRequest, context: ServerContext) async throws -> RegistryV1.ActualUnit {
        var check = Validation()
        let name = check.text(request.name, field: "name", maxLength: 100)
        check.known(request.kind, field: "kind")
        if request.kind == .smallVenue {
            check.known(request.smallVenueKind, field: "small_venue_kind")
        } else if request.smallVenueKind != .unspecified {
            check.fail("small_venue_kind", "is only for small venues")
        }
        check.id(request.addressID, field: "address_id")
        try check.finish()
        return try await actualUnits.create(
            name: name, kind: request.kind, smallVenueKind: request.kind == .smallVenue ? request.smallVenueKind : nil, addressID: request.addressID)
    }

    public func listActualUnits(_ request: RegistryV1.ListActualUnitsRequest, context: ServerContext) async throws -> RegistryV1.ListActualUnitsResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await actualUnits.list(unitID: request.unitID, kind: request.kind == .unspecified ? nil : request.kind, page: page)
        return RegistryV1.ListActualUnitsResponse(actualUnits: result.actualUnits, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    // MARK: Chat groups

    public func createChatGroup(_ request: RegistryV1.CreateChatGroupRequest, context: ServerContext) async throws -> RegistryV1.ChatGroup {
        var check = Validation()
        let name = check.text(request.name, field: "name", maxLength: 100)
        check.known(request.kind, field: "kind")
        check.id(request.unitID, field: "unit_id")
        check.range(request.memberCount, 0...1_000_000, field: "member_count")
        try check.finish()
        return try await chatGroups.create(name: name, kind: request.kind, unitID: request.unitID, memberCount: request.memberCount)
    }

    public func recordChatGroupActivity(_ request: RegistryV1.RecordChatGroupActivityRequest, context: ServerContext) async throws -> RegistryV1.ChatGroup {
        var check = Validation()
        check.id(request.id, field: "id")
        if let count = request.memberCount { check.range(count, 0...1_000_000, field: "member_count") }
        check.range(request.servicesAdded, 0...1_000_000, field: "services_added")
        try check.finish()
        return try await chatGroups.recordActivity(id: request.id, memberCount: request.memberCount, servicesAdded: request.servicesAdded)
    }

    public func listChatGroups(_ request: RegistryV1.ListChatGroupsRequest, context: ServerContext) async throws -> RegistryV1.ListChatGroupsResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await chatGroups.list(unitID: request.unitID, kind: request.kind == .unspecified ? nil : request.kind, page: page)
        return RegistryV1.ListChatGroupsResponse(chatGroups: result.chatGroups, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    // MARK: Import

    public func importResidents(_ request: RegistryV1.ImportResidentsRequest, context: ServerContext) async throws -> RegistryV1.ImportResponse {
        guard request.rows.count <= ImportStore.maximumChunk else {
            throw ValidationFailure(field: "rows", "at most \(ImportStore.maximumChunk) rows a chunk")
        }
        return try await imports.importResidents(request.rows, today: today(), station: context.caller?.confinedStation)
    }

    public func importAddresses(_ request: RegistryV1.ImportAddressesRequest, context: ServerContext) async throws -> RegistryV1.ImportResponse {
        guard request.rows.count <= ImportStore.maximumChunk else {
            throw ValidationFailure(field: "rows", "at most \(ImportStore.maximumChunk) rows a chunk")
        }
        return try await imports.importAddresses(request.rows, station: context.caller?.confinedStation)
    }
}
