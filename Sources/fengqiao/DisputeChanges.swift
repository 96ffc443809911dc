import ArgumentParser
import FengqiaoMessages
import Foundation

extension DisputeCommand {
    /// `fengqiao dispute grade`: grade again, by the rule table or by hand.
    struct Grade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grade a dispute again: the level the rule table suggests, or a level set by hand with a reason.",
            discussion: """
                New facts (--people, --risk) replace the old ones before grading; --clear-risks removes every \
                risk. Every grade is kept in the history (dispute show).

                Examples:
                  fengqiao dispute grade 1 --expected-version 1 --people 40 \\
                    --risk mass-incident
                  fengqiao dispute grade 1 --expected-version 2 --override-level 4 \\
                    --reason "双方已同意由村委会先行协调"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: ArgumentHelp("How many people are involved now, 1-100,000.", valueName: "n"))
        var people: Int32?

        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp("The risks now, replacing the old ones: mass-incident, violence, vulnerable-party.", valueName: "risk"))
        var risk: [String] = []

        @Flag(help: "Remove every risk.")
        var clearRisks = false

        @Option(help: ArgumentHelp("A level set by hand, 1-5, instead of the suggested one; needs --reason.", valueName: "level"))
        var overrideLevel: Int32?

        @Option(help: "Why the level is set by hand, 4-500 characters.")
        var reason: String?

        @Option(help: ArgumentHelp("When it was graded (default: now); not before the dispute was reported.", valueName: "time"))
        var at: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            if clearRisks && !risk.isEmpty { throw ValidationError("give --risk or --clear-risks, not both") }
            _ = try riskFlags()
            if let people, !(1...100_000).contains(people) { throw ValidationError("--people must be 1-100,000, not \(people)") }
            if let overrideLevel { try checkLevel(overrideLevel, option: "--override-level") }
            if (overrideLevel == nil) != (reason == nil) { throw ValidationError("give --override-level and --reason together") }
            _ = try at.map { try parseInstant($0, option: "--at") }
        }

        /// The risks to send: `nil` to keep the dispute's, an empty list to clear them.
        func riskFlags() throws -> MediationV1.RiskFlagList? {
            if clearRisks { return MediationV1.RiskFlagList(flags: []) }
            if risk.isEmpty { return nil }
            return MediationV1.RiskFlagList(flags: try risk.map { try parseEnum($0, as: MediationV1.RiskFlag.self, option: "--risk") })
        }

        func run() async throws {
            let risks = try riskFlags()
            let occurredAt = try at.map { try parseInstant($0, option: "--at") } ?? 0
            let dispute = try await change.change(client) { mediation, version in
                try await mediation.gradeDispute(
                    .init(
                        disputeID: change.id, expectedVersion: version, peopleInvolved: people, riskFlags: risks, overrideLevel: overrideLevel,
                        overrideReason: reason ?? "", occurredAtMs: occurredAt),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }

    /// `fengqiao dispute assign`: the lead mediator and co-mediators.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign a lead mediator, and co-mediators for joint mediation; ends the previous assignment.",
            discussion: """
                The lead must be one of the registry's candidates for the dispute (dispute candidates). A lead \
                whose tier is below what the dispute's level needs takes --tier-override-reason.

                Each --co describes a co-mediator as key=value parts separated by commas:
                  person=30         required: a registry person
                  role=five-elders  required: police, judicial, peoples-mediator,
                                    lawyer, five-elders or other
                  org=平川法庭       optional, up to 100 characters (or organisation=)

                Example:
                  fengqiao dispute assign 1 --expected-version 2 --lead 12 \\
                    --co "person=30,role=five-elders" \\
                    --co "person=31,role=judicial,org=平川法庭" --note "五老调解队介入"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: ArgumentHelp("The lead mediator.", valueName: "person-id"))
        var lead: Int64

        @Option(
            help: ArgumentHelp(
                "A co-mediator, as person=…,role=… and optionally org= (see above); repeat for each, at most 10.",
                valueName: "co-mediator"))
        var co: [String] = []

        @Option(help: "Why a lead whose tier does not fit the level is assigned, 4-500 characters.")
        var tierOverrideReason: String?

        @Option(help: "A note, up to 500 characters.")
        var note: String?

        @Option(help: ArgumentHelp("When they were assigned (default: now); not before the dispute was reported.", valueName: "time"))
        var at: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            try checkID(lead, option: "--lead")
            _ = try coMediators()
            _ = try at.map { try parseInstant($0, option: "--at") }
        }

        func coMediators() throws -> [MediationV1.CoMediatorInput] {
            try co.enumerated().map { try parseCoMediator($1, number: $0 + 1) }
        }

        func run() async throws {
            let coMediators = try coMediators()
            let occurredAt = try at.map { try parseInstant($0, option: "--at") } ?? 0
            let dispute = try await change.change(client) { mediation, version in
                try await mediation.assignMediator(
                    .init(
                        disputeID: change.id, expectedVersion: version, leadPersonID: lead, coMediators: coMediators,
                        tierOverrideReason: tierOverrideReason ?? "", note: note ?? "", occurredAtMs: occurredAt),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }

    /// `fengqiao dispute advance`: a stage move.
    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a dispute to another stage, with a note of what was done.",
            discussion: """
                The moves allowed are in docs/MEDIATION.md ("Stages"): screening → intervention → \
                joint-mediation; agreed or failed → review; review → follow-up (after an agreement) or closed \
                (after a failure); follow-up → closed once no visit is pending. Agreed and failed are reached \
                with dispute agree and dispute fail, the return to intervention after a relapse with dispute \
                followup.

                Example:
                  fengqiao dispute advance 1 --expected-version 3 --to intervention \\
                    --note "所领导带民警赶赴现场，稳定事态"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: "The stage: intervention, joint-mediation, review, follow-up or closed.")
        var to: String

        @Option(help: "What was done, 1-500 characters.")
        var note: String

        @Option(help: ArgumentHelp("When it happened (default: now); not before the dispute's last move.", valueName: "time"))
        var at: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            _ = try parseEnum(to, as: MediationV1.DisputeStage.self, option: "--to")
            _ = try at.map { try parseInstant($0, option: "--at") }
        }

        func run() async throws {
            let stage = try parseEnum(to, as: MediationV1.DisputeStage.self, option: "--to")
            let occurredAt = try at.map { try parseInstant($0, option: "--at") } ?? 0
            let dispute = try await change.change(client) { mediation, version in
                try await mediation.advanceStage(
                    .init(disputeID: change.id, expectedVersion: version, stage: stage, note: note, occurredAtMs: occurredAt),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }

    /// `fengqiao dispute escalate`: a higher handling level.
    struct Escalate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escalate a dispute to a higher handling level, with a reason.",
            discussion: """
                The levels, from the scene upward: on-site, workstation, mediation-centre, multi-department, \
                then litigation or other-channel. A workstation, the mediation centre or multi-department \
                joint mediation take a dispute in screening, intervention or joint mediation; litigation and \
                another channel only a failed one. Multi-department joint mediation names 1-5 departments \
                (court, market-supervision, urban-management, labour, other); other needs --other-department. \
                Multi-department, litigation and other-channel are beyond the station (矛盾上交).

                Example:
                  fengqiao dispute escalate 1 --expected-version 5 \\
                    --to multi-department --department court other \\
                    --other-department 镇政府 --reason "宅基地界线需镇政府与法庭共同确认"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: "The level: workstation, mediation-centre, multi-department, litigation or other-channel.")
        var to: String

        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "For multi-department: the departments, court, market-supervision, urban-management, labour or other.",
                valueName: "department"))
        var department: [String] = []

        @Option(help: ArgumentHelp("The department meant by other, 1-50 characters.", valueName: "name"))
        var otherDepartment: String?

        @Option(help: "Why, 4-500 characters.")
        var reason: String

        @Option(help: ArgumentHelp("When it happened (default: now).", valueName: "time"))
        var at: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            _ = try parseEnum(to, as: MediationV1.HandlingLevel.self, option: "--to")
            _ = try departments()
            _ = try at.map { try parseInstant($0, option: "--at") }
        }

        func departments() throws -> [MediationV1.Department] {
            try department.map { try parseEnum($0, as: MediationV1.Department.self, option: "--department") }
        }

        func run() async throws {
            let level = try parseEnum(to, as: MediationV1.HandlingLevel.self, option: "--to")
            let departments = try departments()
            let occurredAt = try at.map { try parseInstant($0, option: "--at") } ?? 0
            let dispute = try await change.change(client) { mediation, version in
                try await mediation.escalateDispute(
                    .init(
                        disputeID: change.id, expectedVersion: version, toLevel: level, departments: departments,
                        otherDepartment: otherDepartment ?? "", reason: reason, occurredAtMs: occurredAt),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }

    /// `fengqiao dispute agree`: the agreement the parties signed.
    struct Agree: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the agreement the parties signed (调解协议); schedules the follow-up visits.",
            discussion: """
                Every party of the dispute consents to an agreement: list their party ids (dispute show) with \
                --consent, or give --all-parties to read the dispute and name them all. The dispute moves to \
                agreed; follow-up visits are scheduled from the day it was signed (by default 7 and 30 days \
                after).

                Example:
                  fengqiao dispute agree 1 --expected-version 6 \\
                    --terms "重新明确宅基地界线，双方各退让半米" \\
                    --consent 1 2 --signed-at "2026-07-26 10:30"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: "The terms, 1-5,000 characters.")
        var terms: String?

        @Option(help: ArgumentHelp("Read the terms from this file (- for standard input), instead of --terms.", valueName: "path"))
        var termsFile: String?

        @Option(parsing: .upToNextOption, help: ArgumentHelp("The ids of the consenting parties: every party.", valueName: "party-id"))
        var consent: [Int64] = []

        @Flag(help: "Every party of the dispute consents (reads the dispute first).")
        var allParties = false

        @Option(help: ArgumentHelp("When it was signed (default: now).", valueName: "time"))
        var signedAt: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            if (terms == nil) == (termsFile == nil) { throw ValidationError("give --terms or --terms-file") }
            if consent.isEmpty == !allParties { throw ValidationError("give --consent with the party ids, or --all-parties") }
            for id in consent { try checkID(id, option: "--consent") }
            _ = try signedAt.map { try parseInstant($0, option: "--signed-at") }
        }

        /// The terms from `--terms` or the file.
        func readTerms() throws -> String {
            if let terms { return terms }
            let path = termsFile ?? "-"
            let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
            guard let data, let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("--terms-file: cannot read \(path) as UTF-8 text")
            }
            return text
        }

        func run() async throws {
            let terms = try readTerms()
            let signedAt = try signedAt.map { try parseInstant($0, option: "--signed-at") } ?? 0
            let dispute = try await client.withMediation { mediation in
                var version = change.expectedVersion
                var parties = consent
                if allParties {
                    guard let current = try await mediation.getDispute(.init(id: change.id), client.callOptions).dispute else {
                        throw DisputeCommandFailure("the service answered no dispute \(change.id)")
                    }
                    version = version ?? current.version
                    parties = current.parties.map(\.id)
                }
                return try await mediation.recordAgreement(
                    .init(
                        disputeID: change.id,
                        expectedVersion: try await mediation.expectedVersion(version, of: change.id, client.callOptions),
                        terms: terms, consentingPartyIDs: parties, signedAtMs: signedAt),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }

    /// `fengqiao dispute fail`: mediation failed.
    struct Fail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that mediation failed, and why; the dispute moves to failed.",
            discussion: """
                A failed dispute is reviewed and closed (dispute advance), or escalated to litigation or \
                another channel (dispute escalate).

                Example:
                  fengqiao dispute fail 9 --expected-version 5 --reason no-common-ground \\
                    --detail "赔偿金额分歧过大，引导诉讼"
                """)

        @OptionGroup var change: DisputeChangeOptions

        @Option(help: "party-refused, no-common-ground, party-unreachable, outside-mediation or other.")
        var reason: String

        @Option(help: "What happened, 4-500 characters.")
        var detail: String

        @Option(help: ArgumentHelp("When it failed (default: now).", valueName: "time"))
        var at: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            _ = try parseEnum(reason, as: MediationV1.FailureReason.self, option: "--reason")
            _ = try at.map { try parseInstant($0, option: "--at") }
        }

        func run() async throws {
            let reason = try parseEnum(reason, as: MediationV1.FailureReason.self, option: "--reason")
            let occurredAt = try at.map { try parseInstant($0, option: "--at") } ?? 0
            let dispute = try await change.change(client) { mediation, version in
                try await mediation.recordFailure(
                    .init(disputeID: change.id, expectedVersion: version, reason: reason, detail: detail, occurredAtMs: occurredAt),
                    client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }
}
