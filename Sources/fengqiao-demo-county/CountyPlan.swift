import FengqiaoDomain
import FengqiaoMessages

/// The demo county, 青山县公安局: six stations modelled on the field reports — an old town centre
/// with an urban village, a newer district of compounds, a scenic area, a farming plain, a market
/// town with its villages, and a string of villages policed from five police rooms.
///
/// Everything is generated from a fixed seed, so every run plans exactly the same county: the
/// loader can be run again and finds what it made before.
struct CountyPlan {
    struct Place {
        var code: String
        var name: String
        var kind: RegistryV1.UnitKind
        var gridCode: String
        var addresses: Int
        var residents: Int
        /// Share of floating (流动) residents.
        var floating: Double
        var streets: [String]
    }

    struct Grid {
        var code: String
        var name: String
        var places: [Place]
    }

    struct Room {
        var code: String
        var name: String
        var kind: RegistryV1.UnitKind
        var grids: [Grid]
    }

    struct Team {
        var name: String
        var kind: RegistryV1.TeamKind
        var memberKinds: [RegistryV1.PersonKind]
        var size: Int
    }

    struct Station {
        var code: String
        var name: String
        /// The town or subdistrict (镇, 街道) that addresses start with.
        var town: String
        var latitude: Double
        var longitude: Double
        var rooms: [Room]
        var teams: [Team]

        var places: [Place] { rooms.flatMap { $0.grids.flatMap(\.places) } }
    }

    struct Person {
        var name: String
        var kinds: [RegistryV1.PersonKind]
        var homeUnitCode: String
        var phone: String
        var nationalID: String
        var team: String
        var role: String
        var since: CalendarDate
        var mediator: Mediator?
    }

    struct Mediator {
        var tier: RegistryV1.MediatorTier
        var force: RegistryV1.MediationForce
        var categories: [CommonV1.DisputeCategory]
        var communityCodes: [String]
        var maxOpenCases: Int32
    }

    static let bureauCode = "QS"
    static let bureauName = "青山县公安局"

    let stations: [Station]
    let people: [String: [Person]]

    init() {
        var random = SeededRandom(seed: 0x5153_4445_4D4F)  // "QSDEMO"
        var names = NameMaker()
        stations = Self.makeStations()
        var people: [String: [Person]] = [:]
        for station in stations {
            people[station.code] = Self.makePeople(for: station, random: &random, names: &names)
        }
        self.people = people
    }

    // MARK: Stations, rooms, grids and places

    static func makeStations() -> [Station] {
        func place(_ station: String, _ number: Int, _ name: String, _ kind: RegistryV1.UnitKind, addresses: Int, residents: Int, floating: Double, streets: [String]) -> Place {
            Place(code: "\(station)-P\(zeroPadded(number, width: 2))", name: name, kind: kind, gridCode: "", addresses: addresses, residents: residents, floating: floating, streets: streets)
        }
        func room(_ station: String, _ number: Int, _ name: String, _ kind: RegistryV1.UnitKind = .policeRoom, grids: [(String, [Place])]) -> Room {
            let code = "\(station)-R\(number)"
            return Room(code: code, name: name, kind: kind, grids: grids.enumerated().map { index, grid in
                let gridCode = "\(code)-G\(index + 1)"
                return Grid(code: gridCode, name: grid.0, places: grid.1.map { var p = $0; p.gridCode = gridCode; return p })
            })
        }
        let standardTeams: (Int, Int, Int, Int, Int, Int) -> [Team] = { police, elders, armband, volunteers, fingertip, informantTeams in
            [
                Team(name: "公安队伍", kind: .police, memberKinds: [.officer], size: police),
                Team(name: "五老调解队", kind: .fiveEldersMediation, memberKinds: [.mediator, .volunteer], size: elders),
                Team(name: "红袖章义警队", kind: .redArmband, memberKinds: [.volunteer], size: armband),
                Team(name: "志愿服务队", kind: .volunteerService, memberKinds: [.volunteer], size: volunteers),
                Team(name: "指尖警务室", kind: .fingertipRoom, memberKinds: [.gridWorker], size: fingertip),
            ] + (1...informantTeams).map { Team(name: "信息员队伍\($0)", kind: .informants, memberKinds: [.informant], size: 6 + $0 * 2) }
        }

        let cg = "QS-CG"
        let chengguan = Station(
            code: cg, name: "城关派出所", town: "青山县城关街道", latitude: 26.5712, longitude: 114.1601,
            rooms: [
                room(cg, 1, "解放路警务室", grids: [
                    ("解放路第一网格", [place(cg, 1, "解放路社区", .community, addresses: 150, residents: 520, floating: 0.25, streets: ["解放路", "人民巷", "胜利街"])]),
                    ("解放路第二网格", [place(cg, 2, "府前社区", .community, addresses: 120, residents: 430, floating: 0.2, streets: ["府前路", "文昌街"])]),
                ]),
                room(cg, 2, "江东警务室", grids: [
                    ("江东第一网格", [place(cg, 3, "江东社区", .community, addresses: 180, residents: 640, floating: 0.55, streets: ["江东路", "沿江巷", "渡口街"])]),
                    ("江东第二网格", [place(cg, 4, "锦绣花园小区", .compound, addresses: 20, residents: 0, floating: 0.3, streets: ["锦绣路"])]),
                ]),
                room(cg, 3, "南门警务室", grids: [
                    ("南门网格", [
                        place(cg, 5, "南门社区", .community, addresses: 110, residents: 380, floating: 0.3, streets: ["南门街", "城南路"]),
                        place(cg, 6, "翠湖小区", .compound, addresses: 20, residents: 0, floating: 0.2, streets: ["翠湖路"]),
                    ]),
                ]),
            ],
            teams: standardTeams(18, 8, 40, 30, 6, 3) + [
                Team(name: "江东大妈巡逻队", kind: .auntiesPatrol, memberKinds: [.volunteer, .informant], size: 24),
                Team(name: "平安护学岗", kind: .schoolGuard, memberKinds: [.volunteer], size: 10),
            ])

        let dm = "QS-DM"
        let dongmen = Station(
            code: dm, name: "东门派出所", town: "青山县东门街道", latitude: 26.5790, longitude: 114.1795,
            rooms: [
                room(dm, 1, "东门警务室", grids: [
                    ("东门第一网格", [place(dm, 1, "东门社区", .community, addresses: 130, residents: 460, floating: 0.3, streets: ["东门大道", "兴隆街"])]),
                    ("东门第二网格", [place(dm, 2, "阳光小区", .compound, addresses: 20, residents: 0, floating: 0.25, streets: ["阳光路"])]),
                ]),
                room(dm, 2, "新华警务室", grids: [
                    ("新华网格", [
                        place(dm, 3, "新华社区", .community, addresses: 120, residents: 420, floating: 0.35, streets: ["新华路", "建设路"]),
                        place(dm, 4, "东湖花园", .compound, addresses: 20, residents: 0, floating: 0.2, streets: ["东湖路"]),
                    ]),
                ]),
            ],
            teams: standardTeams(14, 6, 30, 20, 4, 2) + [
                Team(name: "青山机械厂护厂队", kind: .enterpriseGuard, memberKinds: [.volunteer], size: 16),
            ])

        let qh = "QS-QH"
        let qinghu = Station(
            code: qh, name: "青山湖派出所", town: "青山县青山湖镇", latitude: 26.6105, longitude: 114.2203,
            rooms: [
                room(qh, 1, "景区警务室", grids: [
                    ("景区网格", [
                        place(qh, 1, "青山湖景区", .scenicArea, addresses: 40, residents: 60, floating: 0.6, streets: ["环湖路"]),
                        place(qh, 2, "黄洋界景区", .scenicArea, addresses: 30, residents: 40, floating: 0.6, streets: ["黄洋界路"]),
                    ]),
                ]),
                room(qh, 2, "湖滨警务室", grids: [
                    ("湖滨网格", [place(qh, 3, "湖滨社区", .community, addresses: 90, residents: 300, floating: 0.4, streets: ["湖滨路", "茨坪街"])]),
                    ("茅坪网格", [
                        place(qh, 4, "茅坪村", .village, addresses: 70, residents: 240, floating: 0.1, streets: ["一组", "二组", "三组"]),
                        place(qh, 5, "大井村", .village, addresses: 60, residents: 200, floating: 0.1, streets: ["一组", "二组"]),
                    ]),
                ]),
            ],
            teams: standardTeams(12, 7, 25, 18, 4, 2))

        let pc = "QS-PC"
        let pingchuan = Station(
            code: pc, name: "平川派出所", town: "青山县平川镇", latitude: 26.5021, longitude: 114.0877,
            rooms: [
                room(pc, 1, "平川警务区", .policeDistrict, grids: [
                    ("平川网格", [
                        place(pc, 1, "平川村", .village, addresses: 90, residents: 300, floating: 0.08, streets: ["一社", "二社", "三社"]),
                        place(pc, 2, "芦湾村", .village, addresses: 70, residents: 230, floating: 0.05, streets: ["一社", "二社"]),
                    ]),
                ]),
                room(pc, 2, "三一警务区", .policeDistrict, grids: [
                    ("三一网格", [
                        place(pc, 3, "三一村", .village, addresses: 80, residents: 260, floating: 0.06, streets: ["一社", "二社", "三社"]),
                        place(pc, 4, "黄家堡村", .village, addresses: 60, residents: 200, floating: 0.05, streets: ["一社", "二社"]),
                    ]),
                ]),
                room(pc, 3, "五里墩警务区", .policeDistrict, grids: [
                    ("五里墩网格", [place(pc, 5, "五里墩村", .village, addresses: 70, residents: 220, floating: 0.07, streets: ["一社", "二社"])]),
                ]),
            ],
            teams: standardTeams(10, 6, 30, 15, 5, 3) + [
                Team(name: "村警队", kind: .villagePolice, memberKinds: [.villagePolice], size: 6),
            ])

        let fx = "QS-FX"
        let fengxi = Station(
            code: fx, name: "枫溪派出所", town: "青山县枫溪镇", latitude: 26.5433, longitude: 114.2512,
            rooms: [
                room(fx, 1, "枫溪警务室", grids: [
                    ("枫溪镇区网格", [place(fx, 1, "枫溪社区", .community, addresses: 110, residents: 380, floating: 0.2, streets: ["枫溪大街", "老街"])]),
                    ("枫溪南网格", [
                        place(fx, 2, "下庄村", .village, addresses: 60, residents: 200, floating: 0.05, streets: ["上组", "下组"]),
                        place(fx, 3, "杨家村", .village, addresses: 55, residents: 180, floating: 0.05, streets: ["前村", "后村"]),
                    ]),
                ]),
                room(fx, 2, "东邵警务室", grids: [
                    ("东邵网格", [
                        place(fx, 4, "东邵村", .village, addresses: 65, residents: 220, floating: 0.06, streets: ["东组", "西组"]),
                        place(fx, 5, "西邵村", .village, addresses: 55, residents: 180, floating: 0.05, streets: ["东组", "西组"]),
                    ]),
                ]),
            ],
            teams: standardTeams(10, 6, 20, 15, 5, 2) + [
                Team(name: "民警村警联防队", kind: .villagePolice, memberKinds: [.villagePolice], size: 10),
                Team(name: "平安护学岗", kind: .schoolGuard, memberKinds: [.volunteer], size: 12),
            ])

        let yz = "QS-YZ"
        let villages = [("南燕竹", 1), ("北燕竹", 2), ("上营", 3), ("下营", 4), ("辛庄", 5)]
        let yanzhu = Station(
            code: yz, name: "燕竹派出所", town: "青山县燕竹镇", latitude: 26.4870, longitude: 114.1902,
            rooms: villages.map { name, number in
                room(yz, number, "\(name)警务室", grids: [
                    ("\(name)网格", [place(yz, number, "\(name)村", .village, addresses: 45 + number * 3, residents: 150 + number * 10, floating: 0.05, streets: ["一组", "二组"])]),
                ])
            },
            teams: standardTeams(8, 5, 20, 12, 5, 2) + [
                Team(name: "燕州花木兰女子巡防队", kind: .womensPatrol, memberKinds: [.volunteer], size: 30),
            ])

        return [chengguan, dongmen, qinghu, pingchuan, fengxi, yanzhu]
    }

    // MARK: People, teams and mediators

    static func makePeople(for station: Station, random: inout SeededRandom, names: inout NameMaker) -> [Person] {
        let places = station.places
        var people: [Person] = []
        let tiers: [RegistryV1.MediatorTier] = [.gold, .silver, .copper, .iron, .tin]
        // 老干部, 老法官, 老检察官, 老律师, 老教师, then people's mediators.
        let elderForces: [RegistryV1.MediationForce] = [.fiveElders, .judicial, .fiveElders, .lawyer, .fiveElders, .peoplesMediator, .peoplesMediator, .fiveElders]
        let categories = CommonV1.DisputeCategory.allCases.filter { $0 != .unspecified }
        for team in station.teams {
            for index in 0..<team.size {
                var kinds = team.memberKinds
                var home = station.code
                switch team.kind {
                case .police:
                    // About a third are officers (民警), the rest auxiliary police (辅警).
                    kinds = index % 3 == 0 ? [.officer] : [.auxiliaryPolice]
                case .fingertipRoom, .villagePolice, .redArmband, .auntiesPatrol, .womensPatrol, .informants:
                    home = places[index % places.count].code
                default:
                    break
                }
                let since = CalendarDate(year: Int.random(in: 2019...2025, using: &random), month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))!
                var person = Person(
                    name: names.unique(using: &random, female: team.kind == .womensPatrol || team.kind == .auntiesPatrol),
                    kinds: kinds, homeUnitCode: home, phone: Self.phone(using: &random),
                    nationalID: Self.nationalID(born: Int.random(in: team.kind == .fiveEldersMediation ? 1948...1962 : 1965...2002, using: &random), using: &random),
                    team: team.name, role: index == 0 ? "队长" : "队员", since: since)
                if team.kind == .fiveEldersMediation {
                    person.mediator = Mediator(
                        tier: tiers[index % tiers.count], force: elderForces[index % elderForces.count],
                        categories: Array(categories.shuffled(using: &random).prefix(Int.random(in: 2...4, using: &random))),
                        communityCodes: Array(places.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)).map(\.code)),
                        maxOpenCases: Int32.random(in: 3...8, using: &random))
                } else if team.kind == .police && index < 2 {
                    // The station head and the community officer also mediate.
                    person.kinds.append(.mediator)
                    person.mediator = Mediator(
                        tier: index == 0 ? .gold : .silver, force: .police, categories: categories,
                        communityCodes: places.map(\.code), maxOpenCases: 10)
                }
                people.append(person)
            }
        }
        return people
    }

    static func phone(using random: inout SeededRandom) -> String {
        let prefixes = ["133", "135", "136", "138", "139", "150", "152", "158", "177", "180", "187", "189", "199"]
        return prefixes.randomElement(using: &random)! + zeroPadded(Int.random(in: 0...99_999_999, using: &random), width: 8)
    }

    /// A valid GB 11643 number for someone born in `year` in one of the county's areas.
    static func nationalID(born year: Int, using random: inout SeededRandom) -> String {
        let area = ["360881", "360802", "360821", "360822"].randomElement(using: &random)!
        let month = Int.random(in: 1...12, using: &random)
        let day = Int.random(in: 1...28, using: &random)
        let sequence = Int.random(in: 1...999, using: &random)
        let body = area + String(year) + zeroPadded(month, width: 2) + zeroPadded(day, width: 2) + zeroPadded(sequence, width: 3)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.unicodeScalars.map { Int($0.value) - 48 }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = (12 - sum % 11) % 11
        return body + (check == 10 ? "X" : String(check))
    }
}

/// Makes Chinese names, unique across the county, from common surnames and given-name characters.
struct NameMaker {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤").map(String.init)
    static let male = Array("伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文海德胜兴利福荣成康振").map(String.init)
    static let female = Array("芳娜敏静丽艳娟霞秀英华慧巧美娅琴云莲梅兰凤洁琳素雪萍红玲燕桂珍春菊月").map(String.init)

    var used: Set<String> = []

    mutating func unique(using random: inout SeededRandom, female: Bool? = nil) -> String {
        while true {
            let isFemale = female ?? Bool.random(using: &random)
            let pool = isFemale ? Self.female : Self.male
            var name = Self.surnames.randomElement(using: &random)! + pool.randomElement(using: &random)!
            if Int.random(in: 0..<10, using: &random) < 7 { name += pool.randomElement(using: &random)! }
            if used.insert(name).inserted { return name }
        }
    }
}

/// `value` in decimal, with leading zeros up to `width` digits.
func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
