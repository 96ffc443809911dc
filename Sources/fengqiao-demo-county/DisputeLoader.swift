import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime
import Foundation

/// Files the plan's disputes with the mediation service through its public RPCs, each as an
/// officer of its station, and moves each through its steps.
///
/// Running again files nothing new: a filing with a key already used answers the dispute filed
/// the first time, and a dispute already past screening (version above 1) is left as it is.
struct DisputeLoader {
    typealias Plan = DisputePlan

    /// What the loader knows of a station.
    struct Station {
        var unit: RegistryV1.Unit
        /// The station's officer's credential.
        var options: CallOptions
        var informantIDs: [Int64]
        /// The station's residents' ids by name (names are unique in the demo county).
        var residentIDs: [String: Int64]
    }

    let registry: RegistryV1.Registry.Client
    let mediation: MediationV1.Mediation.Client
    /// The county admin's credential.
    let admin: CallOptions
    let units: [String: RegistryV1.Unit]
    var report = Report()
    /// Calls the service refused, one line each.
    var refusals: [String] = []

    static func options(_ token: String) -> CallOptions {
        CallOptions(timeout: .seconds(30), metadata: ["authorization": "Bearer " + token])
    }

    func unit(_ code: String) throws -> RegistryV1.Unit {
        guard let unit = units[code] else { throw DemoError("unit \(code) is missing; run the organisation step first") }
        return unit
    }

    // MARK: The anchor

    /// The instant the plan's "now" stands for: found from the first planned dispute when an
    /// earlier run filed it (its reporting time plus how long before the anchor the plan reports
    /// it), otherwise the last midnight.
    func anchor(county: CountyPlan, places: PlacesPlan) async throws -> Int64 {
        let probeAnchor = Plan.anchor(before: 1_800_000_000_000)
        guard let first = Plan(county: county, places: places, anchor: probeAnchor).disputes.first else {
            return Plan.anchor(before: Self.now())
        }
        let community = try unit(first.placeCode).id
        let page = try await mediation.listDisputes(
            .init(filter: .init(stationID: try unit(first.stationCode).id, unitID: community), page: .init(pageSize: 100)), admin)
        if let filed = page.disputes.first(where: { $0.description == first.description && $0.category == first.category }) {
            return filed.reportedAtMs + (probeAnchor - first.reportedAt)
        }
        return Plan.anchor(before: Self.now())
    }

    static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    // MARK: Stations

    /// The station's officer credential from `directory` (`officer-cg.token` for QS-CG), issued
    /// with the county admin's credential when the file is missing or no longer accepted.
    mutating func station(_ code: String, credentials directory: String) async throws -> Station {
        let unit = try unit(code)
        let short = code.split(separator: "-").last.map { $0.lowercased() } ?? code.lowercased()
        let path = directory + "/officer-\(short).token"
        var options: CallOptions?
        if let data = FileManager.default.contents(atPath: path) {
            let candidate = Self.options(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            do {
                let credential = try await registry.whoAmI(.init(), candidate)
                if credential.role == .officer && credential.stationID == unit.id { options = candidate }
            } catch let error as RPCError where error.code == .unauthenticated || error.code == .permissionDenied {
                options = nil
            }
        }
        if options != nil {
            report.found("officer credentials")
        } else {
            let officers = try await registry.listPeople(.init(unitID: unit.id, kind: .officer, page: .init(pageSize: 1)), admin).people
            guard let officer = officers.first else { throw DemoError("station \(code) has no officer") }
            let issued = try await registry.issueCredential(
                .init(role: .officer, stationID: unit.id, personID: officer.id, label: "demo officer", validDays: 90), admin)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: path)
            guard FileManager.default.createFile(atPath: path, contents: Data((issued.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw DemoError("cannot write \(path)") }
            options = Self.options(issued.token)
            report.created("officer credentials")
        }
        let informants = try await registry.listPeople(.init(unitID: unit.id, kind: .informant, page: .init(pageSize: 100)), admin).people.map(\.id)
        var residentIDs: [String: Int64] = [:]
        for resident in try await allPages({ page in
            let answer = try await registry.listResidents(.init(unitID: unit.id, page: page), admin)
            return (answer.residents, answer.page?.nextPageToken ?? "")
        }) {
            residentIDs[resident.name] = resident.id
        }
        return Station(unit: unit, options: options ?? admin, informantIDs: informants, residentIDs: residentIDs)
    }

    // MARK: Filing

    func request(_ planned: Plan.Dispute, at station: Station) throws -> MediationV1.FileDisputeRequest {
        var request = MediationV1.FileDisputeRequest(
            idempotencyKey: planned.key, source: planned.source, category: planned.category,
            parties: planned.parties.map { party in
                MediationV1.PartyInput(
                    name: party.name, role: party.role, phone: party.phone, nationalID: party.nationalID,
                    residentID: party.isResident ? station.residentIDs[party.name] ?? 0 : 0)
            },
            communityID: try unit(planned.placeCode).id, gridID: try unit(planned.gridCode).id, description: planned.description,
            peopleInvolved: planned.peopleInvolved, riskFlags: planned.riskFlags, reportedAtMs: planned.reportedAt,
            handlingLevel: planned.handlingLevel)
        switch planned.reporter {
        case .caller: break
        case .name(let name): request.reportedByName = name
        case .informant(let number):
            if !station.informantIDs.isEmpty { request.reportedByPersonID = station.informantIDs[number % station.informantIDs.count] }
        }
        return request
    }

    /// Files one dispute and, when it is new (or an earlier run stopped before moving it), takes it
    /// through its steps. A refusal is noted and ends that dispute's steps.
    mutating func load(_ planned: Plan.Dispute, at station: Station, runStartedAt: Int64) async throws {
        var options = station.options
        options.isIdempotent = true
        var dispute: MediationV1.Dispute
        do {
            dispute = try await mediation.fileDispute(try request(planned, at: station), options)
        } catch let error as RPCError where error.code == .alreadyExists {
            report.found("disputes filed differently before (left alone)")
            return
        } catch let error as RPCError {
            refusals.append("\(planned.key) FileDispute: \(Self.describe(error))")
            return
        }
        if dispute.filedAtMs < runStartedAt {
            report.found("disputes")
            if dispute.version > 1 { return }
        } else {
            report.created("disputes")
        }
        for timed in planned.steps {
            do {
                dispute = try await perform(timed, on: dispute, options: station.options)
            } catch let error as RPCError {
                refusals.append("\(planned.key) (dispute \(dispute.id)) \(Self.name(of: timed.step)): \(Self.describe(error))")
                return
            }
        }
    }

    static func describe(_ error: RPCError) -> String {
        let fields = error.fieldViolations.map { "\($0.field): \($0.description)" }
        return error.description + (fields.isEmpty ? "" : " [" + fields.joined(separator: "; ") + "]")
    }

    static func name(of step: Plan.Step) -> String {
        switch step {
        case .regrade: "GradeDispute"
        case .assign, .assignJoint: "AssignMediator"
        case .advance(let stage, _): "AdvanceStage to \(stage.shortName ?? "?")"
        case .escalate(let level, _, _, _): "EscalateDispute to \(level.shortName ?? "?")"
        case .agree: "RecordAgreement"
        case .fail: "RecordFailure"
        case .visit: "RecordFollowUp"
        }
    }
}
