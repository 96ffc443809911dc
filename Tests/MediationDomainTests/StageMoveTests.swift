import MediationDomain
import Testing

@Suite struct StageMoveTests {
    /// The legal moves, written out by hand from the table in docs/MEDIATION.md ("Stages"), for a
    /// dispute whose outcome is `outcome` and with no follow-up visit pending.
    static func legalMoves(outcome: DisputeOutcome) -> Set<String> {
        var moves: Set<String> = [
            "screening>intervention>AdvanceStage",
            "screening>failed>RecordFailure",
            "intervention>joint_mediation>AdvanceStage",
            "intervention>agreed>RecordAgreement",
            "intervention>failed>RecordFailure",
            "joint_mediation>agreed>RecordAgreement",
            "joint_mediation>failed>RecordFailure",
            "agreed>review>AdvanceStage",
            "agreed>intervention>RecordFollowUp",
            "failed>review>AdvanceStage",
            "follow_up>closed>AdvanceStage",
            "follow_up>intervention>RecordFollowUp",
        ]
        switch outcome {
        case .agreement: moves.formUnion(["review>follow_up>AdvanceStage", "review>intervention>RecordFollowUp"])
        case .failure: moves.insert("review>closed>AdvanceStage")
        }
        return moves
    }

    /// Every stage to every stage by every call: 8 × 8 × 4 = 256 moves, for each outcome.
    @Test(arguments: [DisputeOutcome.agreement, .failure])
    func everyMoveIsLegalExactlyWhenTheTableSaysSo(outcome: DisputeOutcome) {
        let legal = Self.legalMoves(outcome: outcome)
        var legalSeen = 0
        for from in DisputeStage.allCases {
            for to in DisputeStage.allCases {
                for call in StageMoveCall.allCases {
                    let key = "\(from.rawValue)>\(to.rawValue)>\(call.rawValue)"
                    let expected = legal.contains(key)
                    #expect(from.canMove(to: to, by: call, outcome: outcome) == expected, "\(key)")
                    if expected { legalSeen += 1 }
                    if !expected {
                        let error = #expect(throws: MediationRuleViolation.self) {
                            try from.checkMove(to: to, by: call, outcome: outcome)
                        }
                        #expect(error?.rule == .stageMove)
                        #expect(error?.field == "stage")
                        #expect(
                            error?.message.hasPrefix("cannot move a dispute from \(from) to \(to)") == true, "\(key)")
                    }
                }
            }
        }
        #expect(legalSeen == (outcome == .agreement ? 14 : 13))
    }

    @Test(arguments: [
        (DisputeStage.screening, [DisputeStage.intervention, .failed]),
        (.intervention, [.jointMediation, .agreed, .failed]),
        (.jointMediation, [.agreed, .failed]),
        (.agreed, [.review, .intervention]),
        (.failed, [.review]),
        (.review, [.followUp, .closed, .intervention]),
        (.followUp, [.closed, .intervention]),
        (.closed, []),
    ])
    func nextStages(stage: DisputeStage, next: [DisputeStage]) {
        #expect(stage.nextStages == next)
    }

    @Test(arguments: [
        (
            DisputeStage.jointMediation, DisputeStage.followUp, StageMoveCall.advanceStage,
            "cannot move a dispute from joint mediation to follow-up; from joint mediation it goes to agreed or failed"
        ),
        (
            .screening, .review, .advanceStage,
            "cannot move a dispute from screening to review; from screening it goes to intervention or failed"
        ),
        (
            .intervention, .screening, .advanceStage,
            "cannot move a dispute from intervention to screening; from intervention it goes to joint mediation, agreed or failed"
        ),
        (
            .agreed, .followUp, .advanceStage,
            "cannot move a dispute from agreed to follow-up; from agreed it goes to review or intervention"
        ),
        (
            .screening, .agreed, .recordAgreement,
            "cannot move a dispute from screening to agreed; from screening it goes to intervention or failed"
        ),
        (
            .intervention, .agreed, .advanceStage,
            "cannot move a dispute from intervention to agreed with AdvanceStage; RecordAgreement makes that move"
        ),
        (
            .jointMediation, .failed, .advanceStage,
            "cannot move a dispute from joint mediation to failed with AdvanceStage; RecordFailure makes that move"
        ),
        (
            .followUp, .intervention, .advanceStage,
            "cannot move a dispute from follow-up to intervention with AdvanceStage; RecordFollowUp makes that move"
        ),
        (
            .screening, .intervention, .recordFollowUp,
            "cannot move a dispute from screening to intervention with RecordFollowUp; AdvanceStage makes that move"
        ),
        (
            .intervention, .intervention, .advanceStage,
            "cannot move a dispute from intervention to intervention: it is already there"
        ),
        (
            .closed, .intervention, .recordFollowUp,
            "cannot move a dispute from closed to intervention: a closed dispute stays closed (file a new dispute and link it)"
        ),
    ])
    func refusalsNameTheCurrentAndRequestedStage(
        from: DisputeStage, to: DisputeStage, call: StageMoveCall, message: String
    ) {
        let error = #expect(throws: MediationRuleViolation.self) {
            try from.checkMove(to: to, by: call, outcome: .agreement)
        }
        #expect(error?.message == message)
    }

    @Test func reviewGoesToFollowUpOnlyAfterAnAgreement() throws {
        try DisputeStage.review.checkMove(to: .followUp, by: .advanceStage, outcome: .agreement)
        let afterFailure = #expect(throws: MediationRuleViolation.self) {
            try DisputeStage.review.checkMove(to: .followUp, by: .advanceStage, outcome: .failure)
        }
        #expect(
            afterFailure?.message
                == "cannot move a dispute from review to follow-up: only a dispute with an agreement is followed up")
        let withoutOutcome = #expect(throws: MediationRuleViolation.self) {
            try DisputeStage.review.checkMove(to: .followUp, by: .advanceStage)
        }
        #expect(
            withoutOutcome?.message
                == "cannot move a dispute from review to follow-up: only a dispute with an agreement is followed up")
    }

    @Test func aRelapseReopensFromAgreedReviewOrFollowUp() throws {
        try DisputeStage.agreed.checkMove(
            to: .intervention, by: .recordFollowUp, outcome: .agreement, pendingFollowUps: 2)
        try DisputeStage.review.checkMove(
            to: .intervention, by: .recordFollowUp, outcome: .agreement, pendingFollowUps: 2)
        try DisputeStage.followUp.checkMove(
            to: .intervention, by: .recordFollowUp, outcome: .agreement, pendingFollowUps: 1)
        let afterFailure = #expect(throws: MediationRuleViolation.self) {
            try DisputeStage.review.checkMove(to: .intervention, by: .recordFollowUp, outcome: .failure)
        }
        #expect(
            afterFailure?.message
                == "cannot move a dispute from review to intervention: only a dispute with an agreement is reopened after a relapse"
        )
    }

    @Test func reviewClosesOnlyAfterAFailure() throws {
        try DisputeStage.review.checkMove(to: .closed, by: .advanceStage, outcome: .failure)
        let afterAgreement = #expect(throws: MediationRuleViolation.self) {
            try DisputeStage.review.checkMove(to: .closed, by: .advanceStage, outcome: .agreement)
        }
        #expect(
            afterAgreement?.message
                == "cannot move a dispute from review to closed: a dispute with an agreement is followed up before it closes"
        )
        let withoutOutcome = #expect(throws: MediationRuleViolation.self) {
            try DisputeStage.review.checkMove(to: .closed, by: .advanceStage)
        }
        #expect(withoutOutcome?.message == "cannot move a dispute from review to closed: it has no outcome recorded")
    }

    @Test(arguments: [
        (0, nil),
        (1, "cannot move a dispute from follow-up to closed: 1 follow-up visit is still pending"),
        (2, "cannot move a dispute from follow-up to closed: 2 follow-up visits are still pending"),
    ])
    func followUpClosesOnlyWithNoVisitPending(pending: Int, message: String?) {
        #expect(
            DisputeStage.followUp.canMove(
                to: .closed, by: .advanceStage, outcome: .agreement, pendingFollowUps: pending) == (message == nil))
        if let message {
            let error = #expect(throws: MediationRuleViolation.self) {
                try DisputeStage.followUp.checkMove(
                    to: .closed, by: .advanceStage, outcome: .agreement, pendingFollowUps: pending)
            }
            #expect(error?.message == message)
        }
    }

    @Test func pendingVisitsDoNotHoldBackOtherMoves() {
        #expect(DisputeStage.followUp.canMove(to: .intervention, by: .recordFollowUp, pendingFollowUps: 2))
        #expect(DisputeStage.screening.canMove(to: .intervention, by: .advanceStage, pendingFollowUps: 3))
    }

    @Test(arguments: [
        (DisputeStage.screening, true, "排查", "screening"),
        (.intervention, true, "介入", "intervention"),
        (.jointMediation, true, "联调", "joint mediation"),
        (.agreed, false, "达成协议", "agreed"),
        (.failed, false, "调解不成", "failed"),
        (.review, false, "评晒", "review"),
        (.followUp, false, "回访", "follow-up"),
        (.closed, false, "结案", "closed"),
    ])
    func namesAndActivity(stage: DisputeStage, active: Bool, chinese: String, english: String) {
        #expect(stage.isActive == active)
        #expect(stage.chineseName == chinese)
        #expect(stage.description == english)
    }

    @Test func rawValuesAreTheWireShortNames() {
        #expect(
            DisputeStage.allCases.map(\.rawValue) == [
                "screening", "intervention", "joint_mediation", "agreed", "failed", "review", "follow_up", "closed",
            ])
    }
}
