import ArgumentParser
import FengqiaoMessages
import Foundation

extension DisputeCommand {
    /// `fengqiao dispute file`: a new dispute, graded with the suggested level.
    struct File: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File a dispute; the service grades it with the level the rule table suggests.",
            discussion: """
                Each --party describes one party as key=value parts separated by commas (a value cannot \
                hold a comma):
                  name=刘某          required, 1-50 characters
                  role=applicant     required: applicant (申请人) or respondent (被申请人)
                  phone=13812345678  optional mobile number
                  national-id=…      optional citizen ID number (GB 11643)
                  resident=301       optional registry resident id
                  person=12          optional registry person id
                Give 1-20 parties, at least one an applicant.

                Filing is idempotent: the call carries --idempotency-key, a fresh UUID unless you give one, \
                printed on standard error before the call. If the answer is lost (a timeout, a dropped \
                connection), file again with the same key and the same flags: you get the dispute filed the \
                first time, not a second one.

                Example:
                  fengqiao dispute file --source chat-group \\
                    --category land-and-homestead --community QS-CG-P03 \\
                    --grid QS-CG-G07 --people 32 --risk mass-incident violence \\
                    --description "两户因宅基地界线争执，双方喊来30余人" \\
                    --party "name=刘某,role=applicant,phone=13812345678,resident=301" \\
                    --party "name=王某,role=respondent,resident=302" \\
                    --reported-at "2026-07-26 14:05"
                """)

        @Option(help: "How it came in: on-site-call, walk-in, patrol-report, chat-group, informant or referral.")
        var source: String

        @Option(
            help: ArgumentHelp(
                "neighbours, family-and-marriage, land-and-homestead, labour-and-work-injury, medical, consumer-and-commercial, "
                    + "traffic, property-management, debts or other."))
        var category: String

        @Option(help: ArgumentHelp("The community or village where it arose (its code).", valueName: "code"))
        var community: String

        @Option(help: ArgumentHelp("The grid (its code), if known.", valueName: "code"))
        var grid: String?

        @Option(help: "What happened, 1-2,000 characters.")
        var description: String

        @Option(
            help: ArgumentHelp(
                "A party, as name=…,role=… and optionally phone=, national-id=, resident=, person= (see above); repeat for each.",
                valueName: "party"))
        var party: [String] = []

        @Option(help: ArgumentHelp("How many people are involved, 1-100,000 (default: the number of parties).", valueName: "n"))
        var people: Int32?

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Risks seen: mass-incident, violence, vulnerable-party.", valueName: "risk"))
        var risk: [String] = []

        @Option(help: ArgumentHelp("When it was reported (default: now).", valueName: "time"))
        var reportedAt: String?

        @Option(
            help: ArgumentHelp(
                "Who reported it, a registry person (default: you; a credential without a person must name the reporter).",
                valueName: "person-id"))
        var reportedByPerson: Int64?

        @Option(help: ArgumentHelp("Who reported it, when not a registry person (a resident who walked in).", valueName: "name"))
        var reportedByName: String?

        @Option(help: "Where handling starts: on-site (default), workstation or mediation-centre.")
        var handlingLevel: String?

        @Option(help: ArgumentHelp("An earlier dispute this one is related to.", valueName: "dispute-id"))
        var related: Int64?

        @Option(help: ArgumentHelp("1-64 characters that make a retry safe (default: a fresh UUID).", valueName: "key"))
        var idempotencyKey: String?

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            _ = try request()
            if let people, !(1...100_000).contains(people) { throw ValidationError("--people must be 1-100,000, not \(people)") }
            if reportedByPerson != nil && reportedByName != nil {
                throw ValidationError("give --reported-by-person or --reported-by-name, not both")
            }
            try checkID(reportedByPerson, option: "--reported-by-person")
            try checkID(related, option: "--related")
            if let idempotencyKey, !(1...64).contains(idempotencyKey.count) {
                throw ValidationError("--idempotency-key must be 1-64 characters")
            }
        }

        /// The request without the ids of the codes and without the key.
        func request() throws -> MediationV1.FileDisputeRequest {
            guard !party.isEmpty else { throw ValidationError("give at least one --party (name=…,role=applicant)") }
            let parties = try party.enumerated().map { try parseParty($1, number: $0 + 1) }
            return MediationV1.FileDisputeRequest(
                source: try parseEnum(source, as: MediationV1.DisputeSource.self, option: "--source"),
                category: try parseEnum(category, as: CommonV1.DisputeCategory.self, option: "--category"),
                parties: parties,
                description: description,
                peopleInvolved: people ?? Int32(parties.count),
                riskFlags: try risk.map { try parseEnum($0, as: MediationV1.RiskFlag.self, option: "--risk") },
                reportedAtMs: try reportedAt.map { try parseInstant($0, option: "--reported-at") } ?? 0,
                reportedByPersonID: reportedByPerson ?? 0,
                reportedByName: reportedByName ?? "",
                handlingLevel: try handlingLevel.map { try parseEnum($0, as: MediationV1.HandlingLevel.self, option: "--handling-level") }
                    ?? .unspecified,
                relatedDisputeID: related ?? 0)
        }

        func run() async throws {
            var request = try request()
            let key = idempotencyKey ?? UUID().uuidString.lowercased()
            request.idempotencyKey = key
            if idempotencyKey == nil {
                FileHandle.standardError.write(Data("idempotency key \(key) (to retry this filing: --idempotency-key \(key))\n".utf8))
            }
            let dispute = try await client.withMediationAndRegistry { mediation, registry in
                request.communityID = try await registry.getUnit(.init(code: community), client.callOptions).id
                request.gridID = try await registry.unitID(grid, client.callOptions)
                return try await mediation.fileDispute(request, client.callOptions)
            }
            try printDispute(dispute, json: client.json)
        }
    }
}
