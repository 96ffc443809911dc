import FengqiaoAccess
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRPC

extension RecordKind {
    public static let unit = RecordKind("unit")
    public static let dispute = RecordKind("dispute")
}

/// Finds the station of what mediation's requests name: a dispute in its own table, a unit by
/// asking the registry (as the service itself).
public struct MediationStationResolver: StationResolver {
    let pool: PostgresPool
    let registry: RegistryGateway

    public init(pool: PostgresPool, registry: RegistryGateway) {
        self.pool = pool
        self.registry = registry
    }

    public func owner(of kind: RecordKind, _ key: RecordKey) async throws -> Ownership {
        guard case .id(let id) = key else { return .missing }
        switch kind {
        case .dispute:
            guard let row = try await pool.queryFirst("SELECT station_id FROM mediation.dispute WHERE id = \(id)") else { return .missing }
            return .station(try row.decode(Int64.self, column: "station_id"))
        case .unit:
            do {
                let unit = try await registry.unit(id, context: nil)
                return unit.stationID == 0 ? .county : .station(unit.stationID)
            } catch let error as RPCError where error.code == .notFound {
                return .missing
            }
        default:
            return .missing
        }
    }
}

extension MediationV1.ListDisputesRequest {
    /// The filter's unit, for the access rule (0 when there is no filter).
    var filterUnitID: Int64 {
        get { filter?.unitID ?? 0 }
        set { filter = (filter ?? .init()).with { $0.unitID = newValue } }
    }

    var filterStationID: Int64 { filter?.stationID ?? 0 }
}

extension MediationV1.ExportDisputesRequest {
    var filterUnitID: Int64 {
        get { filter?.unitID ?? 0 }
        set { filter = (filter ?? .init()).with { $0.unitID = newValue } }
    }

    var filterStationID: Int64 { filter?.stationID ?? 0 }
}

extension MediationV1.DisputeFilter {
    func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}

extension MediationHandler {
    /// Who may call what, and how each call finds its station. Documented in docs/SECURITY.md and
    /// docs/MEDIATION.md. Besides the station: a mediator sees and moves only the disputes whose
    /// current assignment names them (the handler checks), and analysts get nothing here.
    public static let accessPolicy = AccessPolicy { policy in
        typealias M = MediationV1.Mediation
        let recorders: Set<Role> = [.countyAdmin, .stationAdmin, .officer]
        let handlers: Set<Role> = recorders.union([.mediator])

        // Patrol members file what they find on patrol through the patrol service, which relays them.
        policy.allow(M.fileDispute, recorders.union([.patrolMember, .service]), .references(
            .id(.unit, \.communityID, field: "community_id", .write), .id(.unit, \.gridID, field: "grid_id", .write),
            .id(.dispute, \.relatedDisputeID, field: "related_dispute_id", .write)))
        policy.allow(M.getDispute, handlers.union([.service]), .references(.id(.dispute, \.id, field: "id", .read)))
        policy.allow(M.listDisputes, handlers, .references(
            .filter(.unit, \.filterUnitID, field: "filter.unit_id"), .id(.unit, \.filterStationID, field: "filter.station_id", .read)))
        policy.allow(M.exportDisputes, handlers, .references(
            .filter(.unit, \.filterUnitID, field: "filter.unit_id"), .id(.unit, \.filterStationID, field: "filter.station_id", .read)))
        policy.allow(M.gradeDispute, recorders, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.listMediatorCandidates, recorders, .references(.id(.dispute, \.disputeID, field: "dispute_id", .read)))
        policy.allow(M.assignMediator, recorders, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.advanceStage, handlers, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.escalateDispute, handlers, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.recordAgreement, handlers, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.recordFailure, handlers, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.scheduleFollowUp, handlers, .references(.id(.dispute, \.disputeID, field: "dispute_id", .write)))
        policy.allow(M.recordFollowUp, handlers, .references(
            .id(.dispute, \.disputeID, field: "dispute_id", .write), .id(.dispute, \.newDisputeID, field: "new_dispute_id", .write)))
        policy.allow(M.listOverdueDisputes, handlers, .references(
            .filter(.unit, \.unitID, field: "unit_id"), .id(.unit, \.stationID, field: "station_id", .read)))
    }
}
