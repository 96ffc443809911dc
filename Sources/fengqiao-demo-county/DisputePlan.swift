import FengqiaoDomain
import FengqiaoMessages
import MediationDomain

/// The disputes (矛盾纠纷) the demo county's stations handled over the past six months, and what
/// happened to each, after the field reports: most are quarrels between neighbours or in families
/// settled on the spot or at a workstation; land and homestead disputes come up in the villages;
/// a few go to the mediation centre or to several departments; about 97-98% of those finished end
/// in an agreement (平川 reports 300+ at 97%, 丁卯's centre 256 at 98.5%); and 平川 and 燕竹 escalate
/// none beyond the station (矛盾零上交).
///
/// The plan is generated from a fixed seed. Its times are offsets from an anchor instant (the
/// first run's "now"), so running again plans exactly the same filings and the service answers the
/// disputes it already has.
struct DisputePlan {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    struct Party: Hashable {
        var name: String
        var role: MediationV1.PartyRole
        var phone: String
        var nationalID: String
        /// Whether the party is a resident of the community, to be linked to the registry's record.
        var isResident: Bool
    }

    enum Reporter: Hashable {
        /// The filing officer.
        case caller
        /// A reporter outside the registry (a department that referred it).
        case name(String)
        /// One of the station's informants (信息员), the n-th of them modulo their number.
        case informant(Int)
    }

    /// One change the demo makes to a dispute after filing it.
    enum Step {
        /// `GradeDispute` with a level set by hand.
        case regrade(level: Int32, reason: String)
        /// `AssignMediator`: the best fitting candidate, or with a reason one whose tier does not fit.
        case assign(overrideReason: String?)
        /// `AssignMediator` again for joint mediation: the lead kept, co-mediators added.
        case assignJoint(coMediators: Int)
        case advance(MediationV1.DisputeStage, note: String)
        case escalate(MediationV1.HandlingLevel, departments: [MediationV1.Department], otherDepartment: String, reason: String)
        case agree(terms: String)
        case fail(MediationV1.FailureReason, detail: String)
        /// `RecordFollowUp` of the earliest pending visit; a relapse reopens the dispute.
        case visit(relapsed: Bool, note: String)
    }

    struct Timed {
        var step: Step
        /// Unix milliseconds.
        var at: Int64
    }

    struct Dispute {
        /// `demo-<station>-<n>`, the filing's idempotency key.
        var key: String
        var stationCode: String
        /// The community or village it is filed under, and that one's grid.
        var placeCode: String
        var gridCode: String
        /// Where it arose: the same, or a compound or scenic area near it.
        var placeName: String
        var category: CommonV1.DisputeCategory
        var source: MediationV1.DisputeSource
        var handlingLevel: MediationV1.HandlingLevel
        var parties: [Party]
        var description: String
        var peopleInvolved: Int32
        var riskFlags: [MediationV1.RiskFlag]
        var reporter: Reporter
        /// Unix milliseconds.
        var reportedAt: Int64
        /// The level the grading table gives (and a regrade sets), for the plan's timing only.
        var level: Int
        /// In time order, each after the one before; only those already past at the anchor.
        var steps: [Timed]
    }

    /// How many disputes a station files, and how many of them take the rarer paths.
    struct Quota {
        var count: Int
        var failures: Int
        /// Of the failures, how many go on to litigation (beyond the station).
        var litigation: Int
        /// Settled by multi-department joint mediation (beyond the station).
        var multiDepartment: Int
        var relapses: Int
        /// Disputes left stuck past a time limit: overdue now.
        var stalls: [Stall]
        var tierOverrides: Int
        var regrades: Int
        var repeats: Int
    }

    enum Stall {
        case screening, intervention, jointMediation, followUpVisit
    }

    static let quotas: [String: Quota] = [
        "QS-CG": Quota(count: 80, failures: 2, litigation: 1, multiDepartment: 1, relapses: 1, stalls: [.intervention, .followUpVisit], tierOverrides: 1, regrades: 1, repeats: 1),
        "QS-DM": Quota(count: 56, failures: 1, litigation: 0, multiDepartment: 1, relapses: 0, stalls: [.jointMediation], tierOverrides: 1, regrades: 1, repeats: 1),
        "QS-QH": Quota(count: 48, failures: 1, litigation: 0, multiDepartment: 1, relapses: 0, stalls: [.screening], tierOverrides: 1, regrades: 0, repeats: 0),
        "QS-PC": Quota(count: 72, failures: 2, litigation: 0, multiDepartment: 0, relapses: 1, stalls: [.followUpVisit], tierOverrides: 1, regrades: 1, repeats: 1),
        "QS-FX": Quota(count: 60, failures: 2, litigation: 1, multiDepartment: 0, relapses: 0, stalls: [.intervention, .jointMediation], tierOverrides: 1, regrades: 0, repeats: 1),
        "QS-YZ": Quota(count: 50, failures: 1, litigation: 0, multiDepartment: 0, relapses: 0, stalls: [], tierOverrides: 1, regrades: 0, repeats: 1),
    ]

    /// Every dispute, station by station, each station's in the order they were reported.
    let disputes: [Dispute]
    /// The instant the plan's "now" stands for (Unix milliseconds).
    let anchor: Int64

    /// The anchor a first run takes: the last midnight (China Standard Time) before `now`, so that
    /// the plan's times of day are the same whichever anchor it gets.
    static func anchor(before now: Int64) -> Int64 {
        now - ((now + 8 * hour) % day + day) % day
    }

    /// Plans the county's disputes; `anchor` (Unix milliseconds, a midnight China Standard Time) is
    /// the instant the plan's "now" stands for. How long before it each dispute was reported is the
    /// same whatever the anchor.
    init(county: CountyPlan, places: PlacesPlan, anchor: Int64) {
        var random = SeededRandom(seed: 0x5153_4449_5350)  // "QSDISP"
        var names = NameMaker()
        for person in county.people.values.joined() { names.used.insert(person.name) }
        let residents = ResidentPool(places: places)
        names.used.formUnion(residents.names)
        var disputes: [Dispute] = []
        for station in county.stations {
            guard let quota = Self.quotas[station.code] else { continue }
            var builder = StationBuilder(station: station, quota: quota, anchor: anchor, residents: residents)
            disputes += builder.make(names: &names, random: &random)
        }
        self.disputes = disputes
        self.anchor = anchor
    }
}

/// The residents of each community who can be parties, from the plan of places: those imported
/// from residents.csv and those registered in the compounds' buildings.
struct ResidentPool {
    struct Resident {
        var name: String
        var phone: String
        var nationalID: String
        /// Who lives together: the QR plate of the house, or the building and door.
        var home: String
    }

    private(set) var byPlace: [String: [Resident]] = [:]
    private(set) var byHome: [String: [Resident]] = [:]

    init(places: PlacesPlan) {
        // The last three rows of residents.csv are wrong on purpose and never imported.
        for resident in places.residents.dropLast(3) {
            add(Resident(name: resident.name, phone: resident.phone, nationalID: resident.nationalID, home: resident.qrCode), to: resident.unitCode)
        }
        for building in places.buildings {
            for household in building.households {
                for resident in household.residents {
                    add(Resident(name: resident.name, phone: resident.phone, nationalID: resident.nationalID,
                                 home: building.addressText + "/" + household.door), to: building.unitCode)
                }
            }
        }
    }

    private mutating func add(_ resident: Resident, to place: String) {
        byPlace[place, default: []].append(resident)
        if !resident.home.isEmpty { byHome[resident.home, default: []].append(resident) }
    }

    var names: Set<String> { Set(byPlace.values.joined().map(\.name)) }
}

/// Picks one of `choices` with probability proportional to its weight.
func weighted<Choice>(_ choices: [(Choice, Int)], using random: inout SeededRandom) -> Choice {
    let total = choices.reduce(0) { $0 + $1.1 }
    var roll = Int.random(in: 0..<max(total, 1), using: &random)
    for (choice, weight) in choices {
        if roll < weight { return choice }
        roll -= weight
    }
    return choices[choices.count - 1].0
}

/// A random duration in milliseconds between two durations.
func duration(_ range: ClosedRange<Int64>, using random: inout SeededRandom) -> Int64 {
    Int64.random(in: range.lowerBound...max(range.lowerBound, range.upperBound), using: &random)
}

extension MediationDomain.DisputeStage {
    /// The limit in milliseconds for `level`, or a day for stages without one.
    func limit(level: Int) -> Int64 {
        let hours = StageTimeLimits.limitHours(stage: self, level: DisputeLevel(rawValue: level) ?? .one) ?? 24
        return Int64(hours) * DisputePlan.hour
    }
}

extension DisputePlan {
    /// How the plan spreads over levels, categories, sources, outcomes and the stages its disputes
    /// reach by the anchor, one line each: what `disputes --dry-run` prints.
    func summary() -> [String] {
        [
            "\(disputes.count) disputes, " + quotasLine(),
            spreadLine("levels", disputes, keys: Array(1...5), \.level) { "\($0):" },
            spreadLine("categories", disputes, keys: CommonV1.DisputeCategory.allCases, \.category, ChineseNames.category),
            spreadLine("sources", disputes, keys: MediationV1.DisputeSource.allCases, \.source, ChineseNames.source),
            spreadLine("handled at", disputes, keys: MediationV1.HandlingLevel.allCases, \.finalHandlingLevel, ChineseNames.level),
            spreadLine("stages", disputes, keys: MediationV1.DisputeStage.allCases, \.finalStage, ChineseNames.stage),
            "overdue     \(disputes.filter { $0.isOverdue(at: anchor) }.count) at the anchor, of \(Self.quotas.values.map(\.stalls.count).reduce(0, +)) planned to stall",
        ]
    }

    private func quotasLine() -> String {
        Self.quotas.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")
    }
}

extension DisputePlan.Dispute {
    /// The stage the dispute reaches after its steps.
    var finalStage: MediationV1.DisputeStage {
        var stage = MediationV1.DisputeStage.screening
        for timed in steps {
            switch timed.step {
            case .advance(let next, _): stage = next
            case .agree: stage = .agreed
            case .fail: stage = .failed
            case .visit(let relapsed, _) where relapsed: stage = .intervention
            default: break
            }
        }
        return stage
    }

    /// Whether the dispute is past its stage's time limit or a follow-up visit's day at `instant`,
    /// by the rules of docs/MEDIATION.md, after its steps.
    func isOverdue(at instant: Int64) -> Bool {
        var enteredAt = reportedAt
        var agreedAt: Int64?
        var visits = 0
        for timed in steps {
            switch timed.step {
            case .advance: enteredAt = timed.at
            case .fail: enteredAt = timed.at
            case .agree:
                enteredAt = timed.at
                agreedAt = timed.at
                visits = 0
            case .visit(let relapsed, _):
                visits += 1
                if relapsed {
                    enteredAt = timed.at
                    agreedAt = nil
                }
            default: break
            }
        }
        let pending = agreedAt.map { at in
            FollowUpSchedule.standard.visitDays(agreedOn: FollowUpSchedule.chinaDay(ofUnixMilliseconds: at)).dropFirst(visits)
        } ?? []
        guard let stage = MediationDomain.DisputeStage(rawValue: finalStage.shortName ?? ""), let level = DisputeLevel(rawValue: level) else {
            return false
        }
        return StageTimeLimits.isOverdue(stage: stage, level: level, enteredAt: enteredAt, pendingVisitDays: Array(pending), now: instant)
    }

    /// The handling level the dispute reaches after its steps.
    var finalHandlingLevel: MediationV1.HandlingLevel {
        var level = handlingLevel
        for timed in steps {
            if case .escalate(let next, _, _, _) = timed.step { level = next }
        }
        return level
    }
}
