import ArgumentParser
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime
import Foundation

/// Loads the demo county into a running registry through its public RPCs, and writes the CSV
/// files that `fengqiao import` loads in bulk; then files its stations' disputes with the mediation
/// service and reports their figures. `scripts/demo` runs it in steps around the imports. Every
/// step can run again: it looks up what exists (units by code, people by national ID, teams and
/// groups by name, disputes by idempotency key) and adds only what is missing.
@main
struct DemoCounty: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-demo-county",
        abstract: "Load the demo county 青山县公安局 into a running registry, and its stations' disputes into the mediation service.",
        subcommands: [Organisation.self, Places.self, Disputes.self, MediationReport.self])

    struct Options: ParsableArguments {
        @Option(help: "The registry's host:port (default: $FENGQIAO_REGISTRY_ADDR, else 127.0.0.1:7101).") var addr: String?
        @Flag(help: "Connect over TLS (default: $FENGQIAO_TLS; see `fengqiao --help` for the other FENGQIAO_TLS_* variables).")
        var tls = false
        @Option(help: "The CA certificate (PEM) to check the registry's certificate against; implies --tls (default: $FENGQIAO_TLS_CA_FILE).")
        var caFile: String?
        @Option(help: "The mediation service's host:port (default: $FENGQIAO_MEDIATION_ADDR, else 127.0.0.1:7102).")
        var mediationAddr: String?

        func makeClient() throws -> (RPCClient, RegistryV1.Registry.Client) {
            let client = try makeRPCClient(addr, variable: "FENGQIAO_REGISTRY_ADDR", default: "127.0.0.1:7101", option: "--addr")
            return (client, RegistryV1.Registry.Client(client))
        }

        func makeMediationClient() throws -> (RPCClient, MediationV1.Mediation.Client) {
            let client = try makeRPCClient(mediationAddr, variable: "FENGQIAO_MEDIATION_ADDR", default: "127.0.0.1:7102", option: "--mediation-addr")
            return (client, MediationV1.Mediation.Client(client))
        }

        private func makeRPCClient(_ given: String?, variable: String, default fallback: String, option: String) throws -> RPCClient {
            let text = given ?? ProcessInfo.processInfo.environment[variable] ?? fallback
            var configuration = RPCClientConfiguration(addresses: [try ServiceConfiguration.address(text, variable: option)])
            do {
                configuration.tls = try ClientTLS(enabled: tls, caFile: caFile).configuration()
            } catch let invalid as ServiceConfiguration.Invalid {
                throw ValidationError(invalid.description)
            }
            return RPCClient(configuration: configuration)
        }

        /// A loader of the county into the registry, with the county admin's credential.
        func withLoader(_ body: (inout Loader, CountyPlan, PlacesPlan) async throws -> Void) async throws {
            guard let token = try ClientCredential.token() else {
                throw ValidationError("set FENGQIAO_TOKEN or FENGQIAO_TOKEN_FILE to a county admin's credential")
            }
            let (client, registry) = try makeClient()
            defer { client.close() }
            let county = CountyPlan()
            var loader = Loader(registry: registry, token: token)
            try await body(&loader, county, PlacesPlan(county: county))
            loader.report.print()
        }
    }

    struct Organisation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Units, people, teams and memberships, mediators and chat groups; then write addresses.csv and residents.csv.")
        @OptionGroup var options: Options
        @Option(help: "Where to write the CSV files.") var out: String

        func run() async throws {
            try await options.withLoader { loader, county, places in
                try await loader.loadUnits(county)
                try await loader.loadPeople(county)
                try await loader.loadChatGroups(places)
                try writeCSV(places, to: out)
            }
        }
    }

    struct Places: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Buildings with their households and residents, and actual units (after the address import).")
        @OptionGroup var options: Options

        func run() async throws {
            try await options.withLoader { loader, county, places in
                try await loader.loadUnits(county, createMissing: false)
                try await loader.loadBuildings(places)
                try await loader.loadActualUnits(places)
            }
        }
    }
}

extension DemoCounty {
    struct Disputes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File the stations' disputes with the mediation service and move them through their stages (after the resident import).",
            discussion: """
                Each station's disputes are filed as one of its officers, whose credential is kept in the --credentials \
                folder (officer-cg.token, …) and issued with the county admin's when missing. Running again files \
                nothing new and leaves every dispute already past screening as it is.
                """)
        @OptionGroup var options: Options
        @Option(help: "The folder for the stations' officer credentials.") var credentials: String?
        @Flag(help: "Print how the plan spreads over levels, categories, sources and stages, and call no service.") var dryRun = false

        func validate() throws {
            if !dryRun && credentials == nil { throw ValidationError("give --credentials (or --dry-run)") }
        }

        func run() async throws {
            if dryRun {
                let county = CountyPlan()
                let plan = DisputePlan(county: county, places: PlacesPlan(county: county), anchor: DisputePlan.anchor(before: DisputeLoader.now()))
                for line in plan.summary() { print(line) }
                return
            }
            let credentials = credentials ?? ""
            try await options.withLoader { loader, county, places in
                try await loader.loadUnits(county, createMissing: false)
                let (client, mediation) = try options.makeMediationClient()
                defer { client.close() }
                var disputes = DisputeLoader(registry: loader.registry, mediation: mediation, admin: loader.options, units: loader.units)
                let anchor = try await disputes.anchor(county: county, places: places)
                let plan = DisputePlan(county: county, places: places, anchor: anchor)
                let started = DisputeLoader.now()
                for station in county.stations {
                    let context = try await disputes.station(station.code, credentials: credentials)
                    for planned in plan.disputes where planned.stationCode == station.code {
                        try await disputes.load(planned, at: context, runStartedAt: started)
                    }
                }
                disputes.report.print()
                guard disputes.refusals.isEmpty else {
                    FileHandle.standardError.write(Data((disputes.refusals.joined(separator: "\n") + "\n").utf8))
                    throw DemoError("the mediation service refused \(disputes.refusals.count) calls (above); those disputes stopped there")
                }
            }
        }
    }

    struct MediationReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mediation-report",
            abstract: "Print the mediation figures of each station and the county, from the mediation service's answers.")
        @OptionGroup var options: Options
        @Option(help: "Also show this dispute's history in brief (`fengqiao dispute show` has it in full).") var dispute: Int64?

        func run() async throws {
            try await options.withLoader { loader, county, _ in
                try await loader.loadUnits(county, createMissing: false)
                let (client, mediation) = try options.makeMediationClient()
                defer { client.close() }
                let reporter = MediationReporter(mediation: mediation, admin: loader.options, units: loader.units, county: county)
                try await reporter.print(history: dispute)
            }
        }
    }
}

/// Writes the two import files in the CLI's column layout.
func writeCSV(_ places: PlacesPlan, to directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var addresses = "text,unit_code,grid_code,qr_code\n"
    for address in places.addresses {
        addresses += CSVWriter.line([address.text, address.unitCode, address.gridCode, address.qrCode]) + "\n"
    }
    var residents = "name,kind,national_id,phone,unit_code,qr_code,moved_in\n"
    for resident in places.residents {
        residents += CSVWriter.line([
            resident.name, resident.kind.shortName ?? "", resident.nationalID, resident.phone, resident.unitCode, resident.qrCode,
            resident.movedIn.description,
        ]) + "\n"
    }
    try addresses.write(toFile: directory + "/addresses.csv", atomically: true, encoding: .utf8)
    try residents.write(toFile: directory + "/residents.csv", atomically: true, encoding: .utf8)
    print("wrote \(places.addresses.count) addresses and \(places.residents.count) residents to \(directory)")
}
