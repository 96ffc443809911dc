import ArgumentParser
import FengqiaoMessages

/// `fengqiao mediator …`: mediator profiles and candidate ranking.
struct MediatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediator",
        abstract: "Set a person's mediator profile; rank candidates for a dispute.",
        subcommands: [Set.self, Candidates.self, ReportLoad.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or replace a person's mediator profile.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The person's id.") var person: Int64
        @Option(help: "gold, silver, copper, iron or tin.") var tier: String
        @Option(help: "police, judicial, peoples-mediator, lawyer, five-elders or other.") var force: String
        @Option(parsing: .upToNextOption, help: "Dispute categories handled, e.g. neighbours family-and-marriage debts.")
        var category: [String] = []
        @Option(parsing: .upToNextOption, help: "Codes of the communities or villages known well.") var community: [String] = []
        @Option(help: "Most open cases at once, 1-100.") var maxOpen: Int32 = 5

        func run() async throws {
            let tier = try parseEnum(tier, as: RegistryV1.MediatorTier.self, option: "--tier")
            let force = try parseEnum(force, as: RegistryV1.MediationForce.self, option: "--force")
            let categories = try category.map { try parseEnum($0, as: CommonV1.DisputeCategory.self, option: "--category") }
            let profile = try await client.withRegistry { registry in
                var communityIDs: [Int64] = []
                for code in community { communityIDs.append(try await registry.getUnit(.init(code: code), client.callOptions).id) }
                return try await registry.setMediatorProfile(
                    .init(personID: person, tier: tier, force: force, categories: categories, communityIDs: communityIDs, maxOpenCases: maxOpen),
                    client.callOptions)
            }
            try printMediator(profile, json: client.json)
        }
    }

    struct ReportLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report-load",
            abstract: "Record how many open cases a mediator has (mediation reports this itself; for corrections).")
        @OptionGroup var client: ClientOptions
        @Option(help: "The person's id.") var person: Int64
        @Option(help: "Open cases now, 0 or more.") var open: Int32

        func run() async throws {
            let profile = try await client.withRegistry {
                try await $0.reportMediatorLoad(.init(personID: person, openCases: open), client.callOptions)
            }
            try printMediator(profile, json: client.json)
        }
    }

    struct Candidates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rank mediators for a dispute, with the reasons for each rank.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The dispute's level, 1 (simplest) to 5 (gravest).") var level: Int32
        @Option(help: "The dispute's category, e.g. neighbours.") var category: String
        @Option(help: "The code of the community or village where it arose.") var community: String
        @Option(parsing: .upToNextOption, help: "Ids of people who must not mediate (parties, their households).") var exclude: [Int64] = []
        @Option(help: "How many candidates, 1-50.") var limit: UInt32 = 10

        func run() async throws {
            let category = try parseEnum(category, as: CommonV1.DisputeCategory.self, option: "--category")
            let candidates = try await client.withRegistry { registry in
                let communityID = try await registry.getUnit(.init(code: community), client.callOptions).id
                return try await registry.getMediatorCandidates(
                    .init(level: level, category: category, communityID: communityID, excludedPersonIDs: exclude, limit: limit),
                    client.callOptions
                ).candidates
            }
            if client.json { return try printJSON(candidates.map(CandidateJSON.init)) }
            var table = TextTable(["RANK", "SCORE", "PERSON", "NAME", "TIER", "FITS", "REASONS"])
            for candidate in candidates {
                let mediator = candidate.mediator.map(MediatorJSON.init)
                table.append([
                    String(candidate.rank), String(candidate.score), String(mediator?.personID ?? 0), mediator?.name ?? "",
                    mediator?.tier ?? "", candidate.tierFits ? "yes" : "no", candidate.reasons.joined(separator: "; "),
                ])
            }
            output(table.render())
        }
    }
}

extension RegistryV1.MediatorTier: ShortNamed {}
extension RegistryV1.MediationForce: ShortNamed {}
extension CommonV1.DisputeCategory: ShortNamed {}

struct MediatorJSON: Encodable {
    var personID: Int64, name: String, tier: String, force: String, categories: [String], communityIDs: [Int64]
    var maxOpenCases: Int32, openCases: Int32, stationID: Int64

    init(_ profile: RegistryV1.MediatorProfile) {
        personID = profile.personID
        name = profile.personName
        tier = profile.tier.shortName ?? "?"
        force = profile.force.shortName ?? "?"
        categories = profile.categories.compactMap(\.shortName)
        communityIDs = profile.communityIDs
        maxOpenCases = profile.maxOpenCases
        openCases = profile.openCases
        stationID = profile.stationID
    }

    var row: [String] {
        [String(personID), name, tier, force, categories.joined(separator: ","), "\(openCases)/\(maxOpenCases)"]
    }
}

struct CandidateJSON: Encodable {
    var rank: Int32, score: Int32, tierFits: Bool, reasons: [String], mediator: MediatorJSON?

    init(_ candidate: RegistryV1.MediatorCandidate) {
        rank = candidate.rank
        score = candidate.score
        tierFits = candidate.tierFits
        reasons = candidate.reasons
        mediator = candidate.mediator.map(MediatorJSON.init)
    }
}

func printMediator(_ profile: RegistryV1.MediatorProfile, json: Bool) throws {
    if json { return try printJSON([MediatorJSON(profile)]) }
    var table = TextTable(["PERSON", "NAME", "TIER", "FORCE", "CATEGORIES", "OPEN"])
    table.append(MediatorJSON(profile).row)
    output(table.render())
}
