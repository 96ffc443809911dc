import ArgumentParser
import FengqiaoMessages
import FengqiaoRPC

/// `fengqiao dispute …`: disputes (矛盾纠纷) on the mediation service, from filing to follow-up.
struct DisputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "File disputes (矛盾纠纷), grade them, assign mediators and carry them through to follow-up visits.",
        discussion: """
            Dispute commands call the mediation service at --mediation-addr (or $FENGQIAO_MEDIATION_ADDR, \
            default 127.0.0.1:7102). Codes such as --community QS-CG-P03 or --station QS-CG are turned into \
            ids by the registry at --addr (or $FENGQIAO_REGISTRY_ADDR); the credential and the TLS flags \
            serve both.

            A dispute moves screening → intervention → joint mediation → agreed or failed → review → \
            follow-up → closed (docs/MEDIATION.md, "Stages"). Every change takes --expected-version, the \
            version you last read: when someone else changed the dispute since, the call fails with ABORTED \
            and changes nothing; read it again with `dispute show` and decide anew. Without \
            --expected-version the command reads the dispute first and uses its current version, which is \
            convenient by hand but gives up that check; scripts should pass it.

            Times are given as YYYY-MM-DD HH:MM in China Standard Time, or ISO 8601 with a zone, and are \
            printed in China Standard Time. Phone and national ID numbers print masked, as the service \
            answers them. With --json, a command that files or changes a dispute prints it as one object, \
            show prints {dispute, history}, and lists print arrays.

            A dispute's life, by hand:
              fengqiao dispute file --source walk-in --category neighbours \\
                --community QS-CG-P03 --description "两户因排水沟争执" \\
                --party "name=刘某,role=applicant" --party "name=王某,role=respondent"
              fengqiao dispute candidates 1
              fengqiao dispute assign 1 --expected-version 1 --lead 12
              fengqiao dispute advance 1 --expected-version 2 --to intervention \\
                --note "民警与调解员上门"
              fengqiao dispute agree 1 --expected-version 3 --all-parties \\
                --terms "重新疏通排水沟，费用均摊"
              fengqiao dispute followup 1 --expected-version 4 --result stable \\
                --note "双方相处融洽"
            """,
        subcommands: [
            File.self, Show.self, List.self, Grade.self, Candidates.self, Assign.self, Advance.self, Escalate.self, Agree.self,
            Fail.self, ScheduleFollowUp.self, FollowUp.self, Overdue.self, Export.self,
        ])
}

/// What every command that changes a dispute takes: the dispute and the version last read.
struct DisputeChangeOptions: ParsableArguments {
    @Argument(help: "The dispute's id.")
    var id: Int64

    @Option(
        help: ArgumentHelp(
            "The dispute's version you last read (dispute show); when it changed since, the call fails with ABORTED. "
                + "Omitted, the dispute is read first and its current version used, giving up that check.",
            valueName: "version"))
    var expectedVersion: Int64?

    func validate() throws {
        try checkID(id, option: "ID")
        if let expectedVersion, expectedVersion <= 0 {
            throw ValidationError("--expected-version must be a positive version, not \(expectedVersion)")
        }
    }

    /// Runs a change on the mediation service with the version to expect.
    func change(
        _ client: MediationClientOptions, _ body: (MediationV1.Mediation.Client, _ version: Int64) async throws -> MediationV1.Dispute
    ) async throws -> MediationV1.Dispute {
        try await client.withMediation { mediation in
            let version = try await mediation.expectedVersion(expectedVersion, of: id, client.callOptions)
            return try await body(mediation, version)
        }
    }
}

/// Where the disputes of a list are: a station, a unit's subtree, by code.
struct DisputePlaceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only the disputes of this station (its code).", valueName: "code"))
    var station: String?

    @Option(help: ArgumentHelp("Only disputes arising in this unit's subtree (its code), e.g. a police room.", valueName: "code"))
    var unit: String?

    /// The ids of the station and the unit, 0 for those not given, looked up in the registry.
    func ids(_ registry: RegistryV1.Registry.Client, _ options: CallOptions) async throws -> (station: Int64, unit: Int64) {
        (try await registry.unitID(station, options), try await registry.unitID(unit, options))
    }
}

/// Which disputes `dispute list` and `dispute export` take.
struct DisputeFilterOptions: ParsableArguments {
    @OptionGroup var place: DisputePlaceOptions

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Only these stages: screening, intervention, joint-mediation, agreed, failed, review, follow-up, closed.", valueName: "stage"))
    var stage: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Only these levels, 1 (simplest) to 5 (gravest).", valueName: "level"))
    var level: [Int32] = []

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Only these categories: neighbours, family-and-marriage, land-and-homestead, labour-and-work-injury, medical, "
                + "consumer-and-commercial, traffic, property-management, debts, other.",
            valueName: "category"))
    var category: [String] = []

    @Option(help: ArgumentHelp("Only disputes this person leads or co-mediates now.", valueName: "person-id"))
    var mediator: Int64?

    @Option(help: ArgumentHelp("Only disputes reported on or after this day (YYYY-MM-DD) or time.", valueName: "day"))
    var since: String?

    @Option(help: ArgumentHelp("Only disputes reported before this day (YYYY-MM-DD, not included) or time.", valueName: "day"))
    var until: String?

    @Flag(help: "Only disputes overdue now.")
    var overdue = false

    @Flag(help: "Only disputes ever escalated beyond the station.")
    var escalated = false

    func validate() throws {
        for level in level { try checkLevel(level, option: "--level") }
        try checkID(mediator, option: "--mediator")
        _ = try localFilter()
    }

    /// The filter without the codes, which only the registry can turn into ids.
    func localFilter() throws -> MediationV1.DisputeFilter {
        MediationV1.DisputeFilter(
            stages: try stage.map { try parseEnum($0, as: MediationV1.DisputeStage.self, option: "--stage") },
            levels: level,
            categories: try category.map { try parseEnum($0, as: CommonV1.DisputeCategory.self, option: "--category") },
            mediatorPersonID: mediator ?? 0,
            reportedSinceMs: try since.map { try parseInstant($0, option: "--since", dayAllowed: true) } ?? 0,
            reportedUntilMs: try until.map { try parseInstant($0, option: "--until", dayAllowed: true) } ?? 0,
            overdueOnly: overdue,
            escalatedBeyondStationOnly: escalated)
    }

    /// The whole filter, the codes looked up in the registry.
    func filter(_ registry: RegistryV1.Registry.Client, _ options: CallOptions) async throws -> MediationV1.DisputeFilter {
        var filter = try localFilter()
        (filter.stationID, filter.unitID) = try await place.ids(registry, options)
        return filter
    }
}
