import FengqiaoMessages

/// An instant for JSON: China Standard Time, `nil` for none (0).
private func instant(_ milliseconds: Int64) -> String? {
    milliseconds == 0 ? nil : formatInstant(milliseconds: milliseconds)
}

/// An enum's short name for JSON, `nil` when unspecified.
private func jsonName<E: ShortNamed>(_ value: E) -> String? {
    let name = value.shortName ?? "?"
    return name == "unspecified" ? nil : name
}

struct DisputeJSON: Encodable {
    var id: Int64, version: Int64, stationID: Int64, communityID: Int64, gridID: Int64, source: String?, category: String?
    var parties: [PartyJSON], description: String, peopleInvolved: Int32, riskFlags: [String]
    var reportedAt: String?, reportedByPersonID: Int64, reportedByName: String, filedAt: String?, filedByPersonID: Int64
    var grade: GradeJSON?, stage: String?, stageEnteredAt: String?, dueAt: String?, overdue: Bool, handlingLevel: String?
    var escalatedBeyondStation: Bool, assignment: AssignmentJSON?, agreement: AgreementJSON?, failure: FailureJSON?
    var nextFollowUpDate: String?, relatedDisputeIDs: [Int64]

    init(_ dispute: MediationV1.Dispute) {
        id = dispute.id
        version = dispute.version
        stationID = dispute.stationID
        communityID = dispute.communityID
        gridID = dispute.gridID
        source = jsonName(dispute.source)
        category = jsonName(dispute.category)
        parties = dispute.parties.map(PartyJSON.init)
        description = dispute.description
        peopleInvolved = dispute.peopleInvolved
        riskFlags = dispute.riskFlags.compactMap(jsonName)
        reportedAt = instant(dispute.reportedAtMs)
        reportedByPersonID = dispute.reportedByPersonID
        reportedByName = dispute.reportedByName
        filedAt = instant(dispute.filedAtMs)
        filedByPersonID = dispute.filedByPersonID
        grade = dispute.grade.map(GradeJSON.init)
        stage = jsonName(dispute.stage)
        stageEnteredAt = instant(dispute.stageEnteredAtMs)
        dueAt = instant(dispute.dueAtMs)
        overdue = dispute.overdue
        handlingLevel = jsonName(dispute.handlingLevel)
        escalatedBeyondStation = dispute.escalatedBeyondStation
        assignment = dispute.assignment.map(AssignmentJSON.init)
        agreement = dispute.agreement.map(AgreementJSON.init)
        failure = dispute.failure.map(FailureJSON.init)
        nextFollowUpDate = dispute.nextFollowUpDate?.text
        relatedDisputeIDs = dispute.relatedDisputeIDs
    }
}

struct PartyJSON: Encodable {
    var id: Int64, name: String, role: String?, phone: String, nationalID: String, residentID: Int64, personID: Int64, householdID: Int64

    init(_ party: MediationV1.Party) {
        id = party.id
        name = party.name
        role = jsonName(party.role)
        phone = party.phone
        nationalID = party.nationalID
        residentID = party.residentID
        personID = party.personID
        householdID = party.householdID
    }
}

struct GradeJSON: Encodable {
    var level: Int32, suggestedLevel: Int32, reasons: [GradeReasonJSON], overridden: Bool, overrideReason: String
    var peopleInvolved: Int32, riskFlags: [String], repeatOfDisputeID: Int64, gradedAt: String?, gradedByPersonID: Int64

    init(_ grade: MediationV1.Grade) {
        level = grade.level
        suggestedLevel = grade.suggestedLevel
        reasons = grade.reasons.map(GradeReasonJSON.init)
        overridden = grade.overridden
        overrideReason = grade.overrideReason
        peopleInvolved = grade.peopleInvolved
        riskFlags = grade.riskFlags.compactMap(jsonName)
        repeatOfDisputeID = grade.repeatOfDisputeID
        gradedAt = instant(grade.gradedAtMs)
        gradedByPersonID = grade.gradedByPersonID
    }
}

struct GradeReasonJSON: Encodable {
    var rule: String, minimumLevel: Int32, textZh: String, textEn: String

    init(_ reason: MediationV1.GradeReason) {
        rule = reason.rule
        minimumLevel = reason.minimumLevel
        textZh = reason.textZh
        textEn = reason.textEn
    }
}

struct AssignmentJSON: Encodable {
    var id: Int64, leadPersonID: Int64, leadName: String, leadTier: String?, level: Int32, tierFits: Bool, tierOverrideReason: String
    var coMediators: [CoMediatorJSON], note: String, assignedAt: String?, assignedByPersonID: Int64, endedAt: String?

    init(_ assignment: MediationV1.Assignment) {
        id = assignment.id
        leadPersonID = assignment.leadPersonID
        leadName = assignment.leadName
        leadTier = jsonName(assignment.leadTier)
        level = assignment.level
        tierFits = assignment.tierFits
        tierOverrideReason = assignment.tierOverrideReason
        coMediators = assignment.coMediators.map(CoMediatorJSON.init)
        note = assignment.note
        assignedAt = instant(assignment.assignedAtMs)
        assignedByPersonID = assignment.assignedByPersonID
        endedAt = instant(assignment.endedAtMs)
    }
}

struct CoMediatorJSON: Encodable {
    var personID: Int64, name: String, role: String?, organisation: String

    init(_ coMediator: MediationV1.CoMediator) {
        personID = coMediator.personID
        name = coMediator.name
        role = jsonName(coMediator.role)
        organisation = coMediator.organisation
    }
}

struct StageMoveJSON: Encodable {
    var fromStage: String?, toStage: String?, movedAt: String?, movedByPersonID: Int64, note: String, version: Int64

    init(_ move: MediationV1.StageMove) {
        fromStage = jsonName(move.fromStage)
        toStage = jsonName(move.toStage)
        movedAt = instant(move.movedAtMs)
        movedByPersonID = move.movedByPersonID
        note = move.note
        version = move.version
    }
}

struct EscalationJSON: Encodable {
    var fromLevel: String?, toLevel: String?, departments: [String], otherDepartment: String, reason: String, beyondStation: Bool
    var escalatedAt: String?, escalatedByPersonID: Int64

    init(_ escalation: MediationV1.Escalation) {
        fromLevel = jsonName(escalation.fromLevel)
        toLevel = jsonName(escalation.toLevel)
        departments = escalation.departments.compactMap(jsonName)
        otherDepartment = escalation.otherDepartment
        reason = escalation.reason
        beyondStation = escalation.beyondStation
        escalatedAt = instant(escalation.escalatedAtMs)
        escalatedByPersonID = escalation.escalatedByPersonID
    }
}

struct AgreementJSON: Encodable {
    var id: Int64, terms: String, consentingPartyIDs: [Int64], signedAt: String?, recordedAt: String?, recordedByPersonID: Int64
    var supersededAt: String?

    init(_ agreement: MediationV1.Agreement) {
        id = agreement.id
        terms = agreement.terms
        consentingPartyIDs = agreement.consentingPartyIDs
        signedAt = instant(agreement.signedAtMs)
        recordedAt = instant(agreement.recordedAtMs)
        recordedByPersonID = agreement.recordedByPersonID
        supersededAt = instant(agreement.supersededAtMs)
    }
}

struct FailureJSON: Encodable {
    var reason: String?, detail: String, failedAt: String?, recordedByPersonID: Int64

    init(_ failure: MediationV1.Failure) {
        reason = jsonName(failure.reason)
        detail = failure.detail
        failedAt = instant(failure.failedAtMs)
        recordedByPersonID = failure.recordedByPersonID
    }
}

struct FollowUpJSON: Encodable {
    var id: Int64, dueDate: String?, scheduledByHand: Bool, scheduledAt: String?, scheduledByPersonID: Int64, result: String?
    var visitedAt: String?, visitedByPersonID: Int64, note: String, relapseAction: String?, newDisputeID: Int64, cancelled: Bool

    init(_ visit: MediationV1.FollowUp) {
        id = visit.id
        dueDate = visit.dueDate?.text
        scheduledByHand = visit.scheduledByHand
        scheduledAt = instant(visit.scheduledAtMs)
        scheduledByPersonID = visit.scheduledByPersonID
        result = jsonName(visit.result)
        visitedAt = instant(visit.visitedAtMs)
        visitedByPersonID = visit.visitedByPersonID
        note = visit.note
        relapseAction = jsonName(visit.relapseAction)
        newDisputeID = visit.newDisputeID
        cancelled = visit.cancelled
    }
}

struct DisputeHistoryJSON: Encodable {
    var grades: [GradeJSON], assignments: [AssignmentJSON], stageMoves: [StageMoveJSON], escalations: [EscalationJSON]
    var agreements: [AgreementJSON], followUps: [FollowUpJSON]

    init(_ history: MediationV1.DisputeHistory) {
        grades = history.grades.map(GradeJSON.init)
        assignments = history.assignments.map(AssignmentJSON.init)
        stageMoves = history.stageMoves.map(StageMoveJSON.init)
        escalations = history.escalations.map(EscalationJSON.init)
        agreements = history.agreements.map(AgreementJSON.init)
        followUps = history.followUps.map(FollowUpJSON.init)
    }
}

struct DisputeWithHistoryJSON: Encodable {
    var dispute: DisputeJSON, history: DisputeHistoryJSON

    init(dispute: MediationV1.Dispute, history: MediationV1.DisputeHistory) {
        self.dispute = DisputeJSON(dispute)
        self.history = DisputeHistoryJSON(history)
    }
}

struct OverdueDisputeJSON: Encodable {
    var dispute: DisputeJSON, limitHours: Int32, dueAt: String?, overdueByMinutes: Int64, overdueBy: String

    init(_ overdue: MediationV1.OverdueDispute) {
        dispute = DisputeJSON(overdue.dispute ?? .init())
        limitHours = overdue.limitHours
        dueAt = instant(overdue.dueAtMs)
        overdueByMinutes = overdue.overdueByMs / 60_000
        overdueBy = formatDuration(milliseconds: overdue.overdueByMs)
    }
}
