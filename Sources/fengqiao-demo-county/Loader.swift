import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime

/// Puts a plan into the registry through its RPCs, adding only what is not there yet.
struct Loader {
    let registry: RegistryV1.Registry.Client
    let options: CallOptions
    var units: [String: RegistryV1.Unit] = [:]
    var report = Report()

    init(registry: RegistryV1.Registry.Client, token: String) {
        self.registry = registry
        self.options = CallOptions(timeout: .seconds(30), metadata: ["authorization": "Bearer " + token])
    }

    func unit(_ code: String) throws -> RegistryV1.Unit {
        guard let unit = units[code] else { throw DemoError("unit \(code) is missing; run the organisation step first") }
        return unit
    }

    // MARK: Units

    mutating func loadUnits(_ county: CountyPlan, createMissing: Bool = true) async throws {
        let bureau: RegistryV1.Unit
        do {
            bureau = try await registry.getUnit(.init(code: CountyPlan.bureauCode), options)
            if createMissing { report.found("units") }
        } catch let error as RPCError where error.code == .notFound && createMissing {
            bureau = try await registry.createUnit(
                .init(code: CountyPlan.bureauCode, name: CountyPlan.bureauName, kind: .bureau, location: .init(latitude: 26.5650, longitude: 114.1700)),
                options)
            report.created("units")
        }
        units[bureau.code] = bureau
        for unit in try await allPages({ page in
            let answer = try await registry.listUnits(.init(parentID: bureau.id, subtree: true, page: page), options)
            return (answer.units, answer.page?.nextPageToken ?? "")
        }) {
            units[unit.code] = unit
        }
        guard createMissing else { return }
        for station in county.stations {
            try await ensureUnit(station.code, station.name, .station, parent: bureau.code, location: (station.latitude, station.longitude))
            for room in station.rooms {
                try await ensureUnit(room.code, room.name, room.kind, parent: station.code)
                for grid in room.grids {
                    try await ensureUnit(grid.code, grid.name, .grid, parent: room.code)
                    for place in grid.places { try await ensureUnit(place.code, place.name, place.kind, parent: grid.code) }
                }
            }
        }
    }

    private mutating func ensureUnit(
        _ code: String, _ name: String, _ kind: RegistryV1.UnitKind, parent: String, location: (Double, Double)? = nil
    ) async throws {
        if units[code] != nil { return report.found("units") }
        let unit = try await registry.createUnit(
            .init(code: code, name: name, kind: kind, parentID: try unit(parent).id, location: location.map { .init(latitude: $0.0, longitude: $0.1) }),
            options)
        units[code] = unit
        report.created("units")
    }

    // MARK: People, teams, mediators

    mutating func loadPeople(_ county: CountyPlan) async throws {
        let bureau = try unit(CountyPlan.bureauCode)
        // Answers mask ID numbers, so a person already loaded is found by an exact-match lookup.
        let anyone = try await registry.listPeople(.init(unitID: bureau.id, includeInactive: true, page: .init(pageSize: 1)), options)
        let loadedBefore = !anyone.people.isEmpty
        var known: [String: Int64] = [:]

        for station in county.stations {
            var teams: [String: RegistryV1.Team] = [:]
            let stationID = try unit(station.code).id
            for team in try await registry.listTeams(.init(unitID: stationID, page: .init(pageSize: 500)), options).teams {
                teams[team.name] = team
            }
            for team in station.teams {
                if teams[team.name] != nil {
                    report.found("teams")
                } else {
                    teams[team.name] = try await registry.createTeam(.init(name: team.name, kind: team.kind, unitID: stationID), options)
                    report.created("teams")
                }
            }
            var members: [Int64: Set<Int64>] = [:]
            for team in teams.values {
                members[team.id] = Set(try await allPages { page in
                    let answer = try await registry.listTeamMembers(.init(teamID: team.id, page: page), options)
                    return (answer.members.map(\.personID), answer.page?.nextPageToken ?? "")
                })
            }
            for person in county.people[station.code] ?? [] {
                let id: Int64
                if loadedBefore, known[person.nationalID] == nil, let found = try await registry.listPeople(
                    .init(unitID: bureau.id, includeInactive: true, nationalID: person.nationalID), options
                ).people.first {
                    known[person.nationalID] = found.id
                }
                if let existing = known[person.nationalID] {
                    id = existing
                    report.found("people")
                } else {
                    id = try await registry.registerPerson(
                        .init(name: person.name, kinds: person.kinds, homeUnitID: try unit(person.homeUnitCode).id, phone: person.phone,
                              nationalID: person.nationalID),
                        options
                    ).id
                    known[person.nationalID] = id
                    report.created("people")
                }
                guard let team = teams[person.team] else { throw DemoError("team \(person.team) is missing") }
                if members[team.id]?.contains(id) == true {
                    report.found("team members")
                } else {
                    _ = try await registry.addTeamMember(
                        .init(teamID: team.id, personID: id, role: person.role, startDate: CommonV1.Date(person.since)), options)
                    report.created("team members")
                }
                if let mediator = person.mediator {
                    // Setting a profile replaces it, so running again changes nothing.
                    _ = try await registry.setMediatorProfile(
                        .init(personID: id, tier: mediator.tier, force: mediator.force, categories: mediator.categories,
                              communityIDs: try mediator.communityCodes.map { try unit($0).id }, maxOpenCases: mediator.maxOpenCases),
                        options)
                    report.set("mediators")
                }
            }
        }
    }

    // MARK: Chat groups

    mutating func loadChatGroups(_ places: PlacesPlan) async throws {
        let bureau = try unit(CountyPlan.bureauCode)
        let existing = Set(try await allPages { page in
            let answer = try await registry.listChatGroups(.init(unitID: bureau.id, page: page), options)
            return (answer.chatGroups.map { "\($0.unitID)/\($0.name)" }, answer.page?.nextPageToken ?? "")
        })
        for group in places.chatGroups {
            let unitID = try unit(group.unitCode).id
            if existing.contains("\(unitID)/\(group.name)") {
                report.found("chat groups")
                continue
            }
            let created = try await registry.createChatGroup(.init(name: group.name, kind: group.kind, unitID: unitID, memberCount: group.members), options)
            _ = try await registry.recordChatGroupActivity(.init(id: created.id, servicesAdded: group.services), options)
            report.created("chat groups")
        }
    }

    // MARK: Buildings, households, residents in them

    /// The addresses of a unit by text (after the address import).
    func addresses(of unitCode: String) async throws -> [String: RegistryV1.Address] {
        let unitID = try unit(unitCode).id
        let addresses = try await allPages { page in
            let answer = try await registry.listAddresses(.init(unitID: unitID, page: page), options)
            return (answer.addresses, answer.page?.nextPageToken ?? "")
        }
        return Dictionary(addresses.map { ($0.text, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func loadBuildings(_ places: PlacesPlan) async throws {
        var addressCache: [String: [String: RegistryV1.Address]] = [:]
        for plan in places.buildings {
            if addressCache[plan.unitCode] == nil { addressCache[plan.unitCode] = try await addresses(of: plan.unitCode) }
            guard let address = addressCache[plan.unitCode]?[plan.addressText] else {
                throw DemoError("address \(plan.addressText) is missing; import addresses.csv first")
            }
            let building: RegistryV1.Building
            if let existing = try await registry.listBuildings(.init(addressID: address.id), options).buildings.first(where: { $0.name == plan.name }) {
                building = existing
                report.found("buildings")
            } else {
                building = try await registry.createBuilding(.init(addressID: address.id, name: plan.name, floors: plan.floors), options)
                report.created("buildings")
            }
            let floorPlan = try await registry.getFloorPlan(.init(buildingID: building.id), options)
            var doors: [String: RegistryV1.FloorPlanHousehold] = [:]
            for floor in floorPlan.floors {
                for entry in floor.households { doors[entry.household?.door ?? ""] = entry }
            }
            for household in plan.households {
                let householdID: Int64
                var present: Set<String> = []
                if let entry = doors[household.door], let id = entry.household?.id {
                    householdID = id
                    present = Set(entry.residents.map(\.name))
                    report.found("households")
                } else {
                    householdID = try await registry.createHousehold(
                        .init(buildingID: building.id, floor: household.floor, door: household.door), options
                    ).id
                    report.created("households")
                }
                for resident in household.residents {
                    if present.contains(resident.name) {
                        report.found("residents in buildings")
                        continue
                    }
                    _ = try await registry.registerResident(
                        .init(name: resident.name, kind: resident.kind, nationalID: resident.nationalID, phone: resident.phone,
                              householdID: householdID, movedIn: CommonV1.Date(resident.movedIn)),
                        options)
                    report.created("residents in buildings")
                }
            }
        }
    }

    // MARK: Actual units

    mutating func loadActualUnits(_ places: PlacesPlan) async throws {
        let bureau = try unit(CountyPlan.bureauCode)
        let existing = Set(try await allPages { page in
            let answer = try await registry.listActualUnits(.init(unitID: bureau.id, page: page), options)
            return (answer.actualUnits.map { "\($0.addressID)/\($0.name)" }, answer.page?.nextPageToken ?? "")
        })
        var addressCache: [String: [String: RegistryV1.Address]] = [:]
        for plan in places.actualUnits {
            if addressCache[plan.unitCode] == nil { addressCache[plan.unitCode] = try await addresses(of: plan.unitCode) }
            guard let address = addressCache[plan.unitCode]?[plan.addressText] else {
                throw DemoError("address \(plan.addressText) is missing; import addresses.csv first")
            }
            if existing.contains("\(address.id)/\(plan.name)") {
                report.found("actual units")
                continue
            }
            _ = try await registry.createActualUnit(
                .init(name: plan.name, kind: plan.kind, smallVenueKind: plan.venue, addressID: address.id), options)
            report.created("actual units")
        }
    }
}

/// What a step added and what it found already there.
struct Report {
    private(set) var order: [String] = []
    private var createdCounts: [String: Int] = [:]
    private var foundCounts: [String: Int] = [:]
    private var setCounts: [String: Int] = [:]

    private mutating func note(_ kind: String) {
        if !order.contains(kind) { order.append(kind) }
    }

    mutating func created(_ kind: String) {
        note(kind)
        createdCounts[kind, default: 0] += 1
    }

    mutating func found(_ kind: String) {
        note(kind)
        foundCounts[kind, default: 0] += 1
    }

    mutating func set(_ kind: String) {
        note(kind)
        setCounts[kind, default: 0] += 1
    }

    func print() {
        for kind in order {
            var parts: [String] = []
            if let count = createdCounts[kind] { parts.append("\(count) added") }
            if let count = foundCounts[kind] { parts.append("\(count) already there") }
            if let count = setCounts[kind] { parts.append("\(count) set") }
            Swift.print("  \(kind): " + parts.joined(separator: ", "))
        }
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
