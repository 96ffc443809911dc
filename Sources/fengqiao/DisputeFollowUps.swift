import ArgumentParser
import FengqiaoMessages

extension DisputeCommand {
    /// `fengqiao dispute schedule-followup`: one more visit.
    struct ScheduleFollowUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule-followup",
            abstract: "Schedule one more follow-up visit (回访) of a dispute with an agreement.",
            discussion: """
                The dispute is in agreed, review or follow-up; the day is from the agreement's day to 365 days \
                after it. The visits the schedule made, and this one, are listed by dispute show.

                Example:
                  fengqiao dispute schedule-followup 1 --expected-version 8 \\
                    --due 2026-10-26 --note "秋收后再访"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: ArgumentHelp("The day the visit is due, YYYY-MM-DD (China Standard Time).", valueName: "day"))
        var due: String

        @Option(help: "A note, up to 500 characters.")
        var note: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            _ = try parseDate(due, option: "--due")
        }

        func run() async throws {
            let day = try parseDate(due, option: "--due")
            let dispute = try await change.change(client) { mediation, version in
                try await mediation.scheduleFollowUp(
                    .init(disputeID: change.id, expectedVersion: version, dueDate: day, note: note ?? ""), client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }

    /// `fengqiao dispute followup`: a visit made.
    struct FollowUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "followup",
            abstract: "Record a follow-up visit: the agreement holds (stable), or the dispute flared up again (relapsed).",
            discussion: """
                --visit names a pending visit (dispute show lists them); without it the earliest pending visit \
                is taken, which reads the dispute first. A relapse needs --note and --relapse: reopen sends the \
                dispute back to intervention, its agreement superseded and its pending visits cancelled; \
                link-new-dispute links a dispute already filed for the relapse (--new-dispute) and leaves this \
                one where it is.

                Examples:
                  fengqiao dispute followup 1 --expected-version 9 --visit 1 \\
                    --result stable --note "双方相处融洽"
                  fengqiao dispute followup 1 --expected-version 10 --visit 2 \\
                    --result relapsed --relapse reopen --note "界桩被挪动，再起争执"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: ArgumentHelp("The visit's id (default: the earliest pending visit).", valueName: "follow-up-id"))
        var visit: Int64?

        @Option(help: "stable or relapsed.")
        var result: String

        @Option(help: ArgumentHelp("Who visited, a registry person (default: you).", valueName: "person-id"))
        var visitedBy: Int64?

        @Option(help: ArgumentHelp("When (default: now).", valueName: "time"))
        var at: String?

        @Option(help: "What was found, up to 500 characters; required for a relapse.")
        var note: String?

        @Option(help: "For a relapse: reopen or link-new-dispute.")
        var relapse: String?

        @Option(help: ArgumentHelp("For link-new-dispute: the dispute filed for the relapse.", valueName: "dispute-id"))
        var newDispute: Int64?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            try checkID(visit, option: "--visit")
            try checkID(visitedBy, option: "--visited-by")
            try checkID(newDispute, option: "--new-dispute")
            _ = try at.map { try parseInstant($0, option: "--at") }
            let (result, action) = try outcome()
            if result == .relapsed {
                guard action != nil else { throw ValidationError("a relapse needs --relapse reopen or --relapse link-new-dispute") }
                if (note ?? "").isEmpty { throw ValidationError("a relapse needs --note") }
            } else if relapse != nil {
                throw ValidationError("--relapse is only for --result relapsed")
            }
            if (action == .linkNewDispute) != (newDispute != nil) {
                throw ValidationError("give --new-dispute exactly with --relapse link-new-dispute")
            }
        }

        /// The result and, for a relapse, the action.
        func outcome() throws -> (MediationV1.FollowUpResult, MediationV1.RelapseAction?) {
            (
                try parseEnum(result, as: MediationV1.FollowUpResult.self, option: "--result"),
                try relapse.map { try parseEnum($0, as: MediationV1.RelapseAction.self, option: "--relapse") }
            )
        }

        func run() async throws {
            let (result, action) = try outcome()
            let visitedAt = try at.map { try parseInstant($0, option: "--at") } ?? 0
            let dispute = try await client.withMediation { mediation in
                var version = change.expectedVersion
                var visit = self.visit
                if visit == nil {
                    let answer = try await mediation.getDispute(.init(id: change.id), client.callOptions)
                    let pending = (answer.history?.followUps ?? []).filter { $0.result == .unspecified && !$0.cancelled }
                    guard let earliest = pending.min(by: { ($0.dueDate?.text ?? "", $0.id) < ($1.dueDate?.text ?? "", $1.id) }) else {
                        throw DisputeCommandFailure("dispute \(change.id) has no pending follow-up visit")
                    }
                    visit = earliest.id
                    version = version ?? answer.dispute?.version
                }
                return try await mediation.recordFollowUp(
                    .init(
                        disputeID: change.id,
                        expectedVersion: try await mediation.expectedVersion(version, of: change.id, client.callOptions),
                        followUpID: visit ?? 0, result: result, visitedByPersonID: visitedBy ?? 0, visitedAtMs: visitedAt,
                        note: note ?? "", relapseAction: action ?? .unspecified, newDisputeID: newDispute ?? 0),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }
}
