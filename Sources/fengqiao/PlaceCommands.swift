import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao address …`: standard addresses (一标), with their QR door plates.
struct AddressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address", abstract: "Record and list standard addresses with their QR door plates.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a standard address in a community, village, scenic area or compound.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The standard address text, e.g. 青山县城关镇解放路12号.") var text: String
        @Option(help: "The community's (village's, …) code.") var unit: String
        @Option(help: "The grid's code, if the address lies in one.") var grid: String?
        @Option(help: "The QR door-plate code, unique across the county.") var qr = ""
        @Option(help: "Latitude, with --longitude.") var latitude: Double?
        @Option(help: "Longitude, with --latitude.") var longitude: Double?

        func validate() throws {
            if (latitude == nil) != (longitude == nil) { throw ValidationError("give --latitude and --longitude together") }
        }

        func run() async throws {
            let address = try await client.withRegistry { registry in
                let unitID = try await registry.getUnit(.init(code: unit), client.callOptions).id
                let gridID = try await registry.unitID(grid, client.callOptions)
                let location = latitude.map { CommonV1.GeoPoint(latitude: $0, longitude: longitude ?? 0) }
                return try await registry.createAddress(
                    .init(text: text, unitID: unitID, gridID: gridID, qrCode: qr, location: location), client.callOptions)
            }
            try printAddresses([address], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the addresses of a unit's subtree.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none lists the whole county.") var unit: String?
        @Option(help: "Only addresses whose text contains this.") var text: String?
        @Option(help: "At most this many rows (0 for every page).") var limit = 200

        func run() async throws {
            let addresses = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await somePages(limit: limit) { page in
                    let answer = try await registry.listAddresses(.init(unitID: unitID, textContains: text ?? "", page: page), client.callOptions)
                    return (answer.addresses, answer.page?.nextPageToken ?? "")
                }
            }
            try printAddresses(addresses, json: client.json)
        }
    }
}

func printAddresses(_ addresses: [RegistryV1.Address], json: Bool) throws {
    if json { return try printJSON(addresses.map(AddressJSON.init)) }
    var table = TextTable(["ID", "ADDRESS", "UNIT", "GRID", "QR PLATE", "STATION"])
    for address in addresses {
        table.append([
            String(address.id), address.text, String(address.unitID), address.gridID == 0 ? "" : String(address.gridID), address.qrCode,
            String(address.stationID),
        ])
    }
    output(table.render())
}

/// `fengqiao building …`: buildings and their resident floor plans.
struct BuildingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "building", abstract: "Record and list buildings; print a building's resident floor plan.",
        subcommands: [Add.self, List.self, FloorPlan.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a building at an address.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The address's id.") var address: Int64
        @Option(help: "Name, e.g. 3号楼.") var name: String
        @Option(help: "Floors, 1-200.") var floors: Int32

        func run() async throws {
            let building = try await client.withRegistry {
                try await $0.createBuilding(.init(addressID: address, name: name, floors: floors), client.callOptions)
            }
            try printBuildings([building], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the buildings of a unit's subtree or at one address, every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none for the whole county.") var unit: String?
        @Option(help: "Only the buildings at this address id.") var address: Int64?

        func run() async throws {
            let buildings = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await allPages { page in
                    let answer = try await registry.listBuildings(.init(unitID: unitID, addressID: address ?? 0, page: page), client.callOptions)
                    return (answer.buildings, answer.page?.nextPageToken ?? "")
                }
            }
            try printBuildings(buildings, json: client.json)
        }
    }

    struct FloorPlan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "floor-plan", abstract: "Print a building's resident floor plan (居民信息平面图), top floor first.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The building's id.") var id: Int64

        func run() async throws {
            let plan = try await client.withRegistry { try await $0.getFloorPlan(.init(buildingID: id), client.callOptions) }
            if client.json { return try printJSON(FloorPlanJSON(plan)) }
            if let building = plan.building {
                output("\(building.name) (\(building.floors) floors, building \(building.id))")
            }
            var table = TextTable(["FLOOR", "DOOR", "HOUSEHOLD", "RESIDENTS"])
            for floor in plan.floors {
                for entry in floor.households {
                    let household = entry.household ?? RegistryV1.Household()
                    let names = entry.residents.map { "\($0.name)(\($0.kind == .floating ? "流动" : "户籍"))" }
                    table.append([String(floor.floor), household.door, String(household.id), names.joined(separator: " ")])
                }
            }
            output(table.render())
        }
    }
}

/// `fengqiao household add`: households in buildings, or houses on their own.
struct HouseholdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "household", abstract: "Record households: a door in a building, or a house at an address.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a household: --building with --floor and --door, or --address for a house on its own.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The building's id.") var building: Int64?
        @Option(help: "The floor, with --building.") var floor: Int32 = 0
        @Option(help: "The door, e.g. 302.") var door = ""
        @Option(help: "The address's id, for a house not in a building.") var address: Int64?

        func validate() throws {
            if (building == nil) == (address == nil) { throw ValidationError("give either --building (with --floor and --door) or --address") }
        }

        func run() async throws {
            let household = try await client.withRegistry {
                try await $0.createHousehold(
                    .init(buildingID: building ?? 0, floor: floor, door: door, addressID: address ?? 0), client.callOptions)
            }
            if client.json { return try printJSON([HouseholdJSON(household)]) }
            var table = TextTable(["ID", "BUILDING", "FLOOR", "DOOR", "ADDRESS"])
            table.append([
                String(household.id), household.buildingID == 0 ? "" : String(household.buildingID),
                household.floor == 0 ? "" : String(household.floor), household.door, String(household.addressID),
            ])
            output(table.render())
        }
    }
}

struct AddressJSON: Encodable {
    var id: Int64, text: String, unitID: Int64, gridID: Int64, qrCode: String, stationID: Int64
    var latitude: Double?, longitude: Double?

    init(_ address: RegistryV1.Address) {
        id = address.id
        text = address.text
        unitID = address.unitID
        gridID = address.gridID
        qrCode = address.qrCode
        stationID = address.stationID
        latitude = address.location?.latitude
        longitude = address.location?.longitude
    }
}

struct BuildingJSON: Encodable {
    var id: Int64, addressID: Int64, name: String, floors: Int32, unitID: Int64

    init(_ building: RegistryV1.Building) {
        id = building.id
        addressID = building.addressID
        name = building.name
        floors = building.floors
        unitID = building.unitID
    }
}

struct HouseholdJSON: Encodable {
    var id: Int64, buildingID: Int64, floor: Int32, door: String, addressID: Int64

    init(_ household: RegistryV1.Household) {
        id = household.id
        buildingID = household.buildingID
        floor = household.floor
        door = household.door
        addressID = household.addressID
    }
}

struct FloorPlanJSON: Encodable {
    struct Entry: Encodable {
        var household: HouseholdJSON
        var residents: [ResidentJSON]
    }

    struct Floor: Encodable {
        var floor: Int32
        var households: [Entry]
    }

    var building: BuildingJSON?
    var floors: [Floor]

    init(_ plan: RegistryV1.FloorPlan) {
        building = plan.building.map(BuildingJSON.init)
        floors = plan.floors.map { floor in
            Floor(
                floor: floor.floor,
                households: floor.households.map {
                    Entry(household: HouseholdJSON($0.household ?? RegistryV1.Household()), residents: $0.residents.map(ResidentJSON.init))
                })
        }
    }
}

func printBuildings(_ buildings: [RegistryV1.Building], json: Bool) throws {
    if json { return try printJSON(buildings.map(BuildingJSON.init)) }
    var table = TextTable(["ID", "NAME", "FLOORS", "ADDRESS", "UNIT"])
    for building in buildings {
        table.append([String(building.id), building.name, String(building.floors), String(building.addressID), String(building.unitID)])
    }
    output(table.render())
}
