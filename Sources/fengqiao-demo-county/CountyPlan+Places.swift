import FengqiaoDomain
import FengqiaoMessages

/// 一标三实 for the demo county: standard addresses with QR plates, buildings with their
/// households, residents, actual units and the fingertip police room's chat groups.
struct PlacesPlan {
    struct Address {
        var text: String
        var unitCode: String
        var gridCode: String
        var qrCode: String
    }

    struct Resident {
        var name: String
        var kind: RegistryV1.ResidentKind
        var nationalID: String
        var phone: String
        var unitCode: String
        var qrCode: String
        var movedIn: CalendarDate
    }

    struct Household {
        var floor: Int32
        var door: String
        var residents: [Resident]
    }

    struct Building {
        var addressText: String
        var unitCode: String
        var name: String
        var floors: Int32
        var households: [Household]
    }

    struct ActualUnit {
        var name: String
        var kind: RegistryV1.ActualUnitKind
        var venue: RegistryV1.SmallVenueKind
        var addressText: String
        var unitCode: String
    }

    struct ChatGroup {
        var name: String
        var kind: RegistryV1.ChatGroupKind
        var unitCode: String
        var members: Int64
        var services: Int64
    }

    var addresses: [Address] = []
    /// Residents for the bulk import, ending with three rows that are wrong on purpose.
    var residents: [Resident] = []
    var buildings: [Building] = []
    var actualUnits: [ActualUnit] = []
    var chatGroups: [ChatGroup] = []

    init(county: CountyPlan) {
        var random = SeededRandom(seed: 0x5153_504C_4143_45)  // "QSPLACE"
        var names = NameMaker()
        for person in county.people.values.joined() { names.used.insert(person.name) }
        for station in county.stations {
            var plate = 0
            let short = station.code.split(separator: "-").last.map(String.init) ?? station.code
            for place in station.places {
                var plated: [Address] = []
                let buildingCount = place.kind == .compound ? 4 : 0
                for index in 0..<place.addresses {
                    let text: String
                    if index < buildingCount {
                        text = "\(station.town)\(place.name)\(index + 1)号楼"
                    } else {
                        let street = place.streets[index % place.streets.count]
                        text = "\(station.town)\(place.name)\(street)\(index / place.streets.count + 1)号"
                    }
                    var qrCode = ""
                    if index < buildingCount || Int.random(in: 0..<10, using: &random) < 9 {
                        plate += 1
                        qrCode = "QR-\(short)-" + zeroPadded(plate, width: 6)
                    }
                    let address = Address(text: text, unitCode: place.code, gridCode: place.gridCode, qrCode: qrCode)
                    addresses.append(address)
                    if !qrCode.isEmpty && index >= buildingCount { plated.append(address) }
                }
                for _ in 0..<place.residents {
                    var resident = makeResident(in: place, names: &names, random: &random)
                    // Most residents live at a plated house; the rest are recorded in the community only.
                    if !plated.isEmpty && Int.random(in: 0..<10, using: &random) < 8 {
                        resident.qrCode = plated.randomElement(using: &random)!.qrCode
                    }
                    residents.append(resident)
                }
                for number in 0..<buildingCount {
                    var households: [Household] = []
                    for floor in 1...6 {
                        for door in 1...2 where Int.random(in: 0..<10, using: &random) < 9 {
                            let members = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                                makeResident(in: place, names: &names, random: &random)
                            }
                            households.append(Household(floor: Int32(floor), door: "\(floor)0\(door)", residents: members))
                        }
                    }
                    buildings.append(Building(
                        addressText: "\(station.town)\(place.name)\(number + 1)号楼", unitCode: place.code, name: "\(number + 1)号楼",
                        floors: 6, households: households))
                }
                addActualUnits(for: place, station: station, plated: plated, random: &random)
                let groupKind: RegistryV1.ChatGroupKind =
                    switch place.kind {
                    case .village: .villagers
                    case .scenicArea: .tourGuides
                    default: .residents
                    }
                let suffix = groupKind == .villagers ? "村民群" : groupKind == .tourGuides ? "导游群" : "居民群"
                chatGroups.append(ChatGroup(
                    name: place.name + suffix, kind: groupKind, unitCode: place.code,
                    members: Int64(Int.random(in: 80...480, using: &random)), services: Int64(Int.random(in: 20...400, using: &random))))
            }
            let stationShort = String(station.name.prefix(station.name.count - 3))
            chatGroups.append(ChatGroup(
                name: "\(stationShort)商铺群", kind: .shops, unitCode: station.code,
                members: Int64(Int.random(in: 60...200, using: &random)), services: Int64(Int.random(in: 50...300, using: &random))))
            chatGroups.append(ChatGroup(
                name: "\(stationShort)学校群", kind: .schools, unitCode: station.code,
                members: Int64(Int.random(in: 30...120, using: &random)), services: Int64(Int.random(in: 20...150, using: &random))))
        }
        guard let first = residents.first else { return }
        var badCheck = first
        badCheck.name = "错号样例"
        badCheck.nationalID = String(first.nationalID.dropLast()) + (first.nationalID.last == "1" ? "2" : "1")
        var badUnit = first
        badUnit.name = "错码样例"
        badUnit.unitCode = "QS-XX-P99"
        badUnit.nationalID = ""
        badUnit.qrCode = ""
        var noName = first
        noName.name = ""
        noName.nationalID = ""
        residents += [badCheck, badUnit, noName]
    }

    private func makeResident(in place: CountyPlan.Place, names: inout NameMaker, random: inout SeededRandom) -> Resident {
        let floating = Double.random(in: 0..<1, using: &random) < place.floating
        let born = floating ? Int.random(in: 1962...2004, using: &random) : Int.random(in: 1938...2020, using: &random)
        let movedInYear = floating ? Int.random(in: 2018...2026, using: &random) : max(born, Int.random(in: 1985...2025, using: &random))
        return Resident(
            name: names.unique(using: &random), kind: floating ? .floating : .registered,
            nationalID: CountyPlan.nationalID(born: born, using: &random),
            phone: born <= 2010 && Int.random(in: 0..<10, using: &random) < 8 ? CountyPlan.phone(using: &random) : "",
            unitCode: place.code, qrCode: "",
            movedIn: CalendarDate(year: movedInYear, month: Int.random(in: 1...(movedInYear == 2026 ? 10 : 12), using: &random), day: Int.random(in: 1...28, using: &random))!)
    }

    private mutating func addActualUnits(for place: CountyPlan.Place, station: CountyPlan.Station, plated: [Address], random: inout SeededRandom) {
        guard !plated.isEmpty else { return }
        let shops = ["惠民超市", "便民小卖部", "兴旺五金店", "鑫鑫副食店", "阳光水果店", "平安药店", "福满多粮油店", "新华书店"]
        let venues: [(String, RegistryV1.SmallVenueKind)] = [
            ("老街小吃店", .restaurant), ("客来旅馆", .hotel), ("星辰网吧", .internetCafe), ("丽人美容院", .beautyAndBath),
            ("仁和诊所", .clinic), ("欢乐歌厅", .entertainment), ("宏达木器加工厂", .workshop), ("贝贝托管班", .schoolOrKindergarten),
            ("乡味饭馆", .restaurant), ("百货小商店", .shop),
        ]
        var made: [ActualUnit] = []
        func add(_ name: String, _ kind: RegistryV1.ActualUnitKind, _ venue: RegistryV1.SmallVenueKind = .unspecified) {
            made.append(ActualUnit(
                name: "\(place.name)\(name)", kind: kind, venue: venue, addressText: plated.randomElement(using: &random)!.text, unitCode: place.code))
        }
        let (shopCount, venueCount) =
            switch place.kind {
            case .community: (4, 3)
            case .scenicArea: (1, 3)
            case .compound: (1, 1)
            default: (1, 1)
            }
        for name in shops.shuffled(using: &random).prefix(shopCount) { add(name, .shop) }
        for venue in venues.shuffled(using: &random).prefix(venueCount) { add(venue.0, .smallVenue, venue.1) }
        if place.code == station.places.first?.code {
            add("中心小学", .school)
            add("幼儿园", .kindergarten)
        }
        if place.kind == .community && place.code.hasSuffix("P01") { add("青山机械有限公司", .enterprise) }
        actualUnits += made
    }
}
