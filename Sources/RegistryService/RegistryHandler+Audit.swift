import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime
import FengqiaoSecurity

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RegistryHandler {
    public func revealPersonalData(
        _ request: RegistryV1.RevealPersonalDataRequest, context: ServerContext
    ) async throws -> RegistryV1.RevealPersonalDataResponse {
        var check = Validation()
        if (request.personID == 0) == (request.residentID == 0) {
            check.fail(request.personID == 0 ? "person_id" : "resident_id", "give exactly one of person_id and resident_id")
        } else {
            check.id(request.personID, field: "person_id", required: false)
            check.id(request.residentID, field: "resident_id", required: false)
        }
        check.known(request.field, field: "field")
        let reason = check.text(request.reason, field: "reason", maxLength: 500)
        if !reason.isEmpty && reason.count < 4 { check.fail("reason", "must say why, in at least 4 characters") }
        try check.finish()
        let kind: PersonalDataKind = request.field == .phone ? .phone : .nationalID
        // The reason goes into the audit event whatever the outcome.
        context.noteForAudit("\(kind.rawValue): \(reason)")
        let record: PersonalDataStore.Record = request.personID != 0 ? .person(request.personID) : .resident(request.residentID)
        return RegistryV1.RevealPersonalDataResponse(value: try await personalData.reveal(kind, of: record))
    }

    public func listAuditEvents(
        _ request: RegistryV1.ListAuditEventsRequest, context: ServerContext
    ) async throws -> RegistryV1.ListAuditEventsResponse {
        var check = Validation()
        check.id(request.credentialID, field: "credential_id", required: false)
        check.id(request.personID, field: "person_id", required: false)
        check.id(request.stationID, field: "station_id", required: false)
        let method = check.text(request.method, field: "method", maxLength: 200, required: false)
        let target = check.text(request.target, field: "target", maxLength: 200, required: false)
        let outcome = check.text(request.outcome, field: "outcome", maxLength: 40, required: false)
        if !outcome.isEmpty && !Self.statusNames.contains(outcome) {
            check.fail("outcome", "must be a status code name such as OK, NOT_FOUND or PERMISSION_DENIED")
        }
        if request.sinceMs < 0 { check.fail("since_ms", "must not be negative") }
        if request.untilMs < 0 { check.fail("until_ms", "must not be negative") }
        if request.sinceMs > 0 && request.untilMs > 0 && request.untilMs <= request.sinceMs {
            check.fail("until_ms", "must be after since_ms")
        }
        let page = check.page(request.page)
        try check.finish()
        var filter = AuditTrailStore.Filter()
        filter.credentialID = request.credentialID == 0 ? nil : request.credentialID
        filter.personID = request.personID == 0 ? nil : request.personID
        filter.stationID = request.stationID == 0 ? nil : request.stationID
        filter.methodSuffix = method.isEmpty ? nil : method
        filter.target = target.isEmpty ? nil : target
        filter.outcome = outcome.isEmpty ? nil : outcome
        filter.since = request.sinceMs == 0 ? nil : Date(timeIntervalSince1970: Double(request.sinceMs) / 1000)
        filter.until = request.untilMs == 0 ? nil : Date(timeIntervalSince1970: Double(request.untilMs) / 1000)
        let result = try await audit.list(filter, page: page)
        return RegistryV1.ListAuditEventsResponse(events: result.events, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    /// The status names an audit event's outcome may hold.
    static let statusNames = Set(RPCV1.Code.allCases.map(\.name))
}
