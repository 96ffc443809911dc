import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

extension DisputeCommand {
    /// `fengqiao dispute show`: one dispute and its history.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a dispute and its history: grades, assignments, stage moves, escalations, agreements, failure, visits.",
            discussion: """
                The version shown is the one to pass as --expected-version to the next change.

                Example:
                  fengqiao dispute show 1
                """)

        @Argument(help: "The dispute's id.")
        var id: Int64

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            try checkID(id, option: "ID")
        }

        func run() async throws {
            let answer = try await client.withMediation { try await $0.getDispute(.init(id: id), client.callOptions) }
            let dispute = answer.dispute ?? .init()
            let history = answer.history ?? .init()
            if client.json { return try printJSON(DisputeWithHistoryJSON(dispute: dispute, history: history)) }
            output(DisputeText.card(dispute))
            output(DisputeText.history(history, failure: dispute.failure))
        }
    }

    /// `fengqiao dispute list`: disputes matching a filter.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List disputes matching a filter, by id.",
            discussion: """
                Given filters must all match; repeated values of one filter (--stage intervention \
                joint-mediation) match any of them. DUE is when the dispute falls due (its stage's time limit, \
                or its earliest pending visit's day), marked OVERDUE once passed.

                Examples:
                  fengqiao dispute list --station QS-CG --overdue \\
                    --stage intervention joint-mediation --level 4 5
                  fengqiao dispute list --unit QS-CG-P03 --limit 0 \\
                    --since 2026-01-01 --until 2027-01-01
                """)

        @OptionGroup var filter: DisputeFilterOptions

        @Option(help: "At most this many rows (0 for every page).")
        var limit = 200

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
        }

        func run() async throws {
            let disputes = try await client.withMediationAndRegistry { mediation, registry in
                let filter = try await filter.filter(registry, client.callOptions)
                return try await somePages(limit: limit) { page in
                    let answer = try await mediation.listDisputes(.init(filter: filter, page: page), client.callOptions)
                    return (answer.disputes, answer.page?.nextPageToken ?? "")
                }
            }
            if client.json { return try printJSON(disputes.map(DisputeJSON.init)) }
            output(DisputeText.list(disputes))
        }
    }

    /// `fengqiao dispute candidates`: who may lead the dispute.
    struct Candidates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank the registry's mediator candidates for a dispute, the parties left out.",
            discussion: """
                The ranking is the registry's, for the dispute's level, category and community; FITS says \
                whether the mediator's tier fits the level (a lead who does not fit needs \
                --tier-override-reason in dispute assign).

                Example:
                  fengqiao dispute candidates 1 --limit 5
                """)

        @Argument(help: "The dispute's id.")
        var id: Int64

        @Option(help: "How many candidates, 1-50.")
        var limit: UInt32 = 10

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            try checkID(id, option: "ID")
            guard (1...50).contains(limit) else { throw ValidationError("--limit must be 1-50, not \(limit)") }
        }

        func run() async throws {
            let candidates = try await client.withMediation {
                try await $0.listMediatorCandidates(.init(disputeID: id, limit: limit), client.callOptions).candidates
            }
            if client.json { return try printJSON(candidates.map(CandidateJSON.init)) }
            var table = TextTable(["RANK", "PERSON", "NAME", "TIER", "FORCE", "SCORE", "FITS", "OPEN", "REASONS"])
            for candidate in candidates {
                let mediator = candidate.mediator ?? .init()
                table.append([
                    String(candidate.rank), String(mediator.personID), mediator.personName, display(mediator.tier), display(mediator.force),
                    String(candidate.score), candidate.tierFits ? "yes" : "no", "\(mediator.openCases)/\(mediator.maxOpenCases)",
                    candidate.reasons.joined(separator: "; "),
                ])
            }
            output(table.render())
        }
    }

    /// `fengqiao dispute overdue`: disputes past their time limits.
    struct Overdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List disputes past their stage's time limit or a follow-up visit's day, most overdue first.",
            discussion: """
                LIMIT is the stage's time limit for the dispute's level (docs/MEDIATION.md, "Stage time \
                limits"), or "visit" when a follow-up visit past its day is what fell due.

                Example:
                  fengqiao dispute overdue --station QS-CG --as-of "2026-08-01 08:00"
                """)

        @OptionGroup var place: DisputePlaceOptions

        @Option(help: ArgumentHelp("Judge at this time (default: now).", valueName: "time"))
        var asOf: String?

        @Option(help: "At most this many rows (0 for every page).")
        var limit = 200

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            _ = try asOf.map { try parseInstant($0, option: "--as-of", dayAllowed: true) }
            if limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
        }

        func run() async throws {
            let asOf = try asOf.map { try parseInstant($0, option: "--as-of", dayAllowed: true) } ?? 0
            let overdue = try await client.withMediationAndRegistry { mediation, registry in
                let (stationID, unitID) = try await place.ids(registry, client.callOptions)
                return try await somePages(limit: limit) { page in
                    let answer = try await mediation.listOverdueDisputes(
                        .init(stationID: stationID, unitID: unitID, asOfMs: asOf, page: page), client.callOptions)
                    return (answer.disputes, answer.page?.nextPageToken ?? "")
                }
            }
            if client.json { return try printJSON(overdue.map(OverdueDisputeJSON.init)) }
            output(DisputeText.overdue(overdue))
        }
    }
}
