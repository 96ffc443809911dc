import ArgumentParser
import FengqiaoRPC

/// `fengqiao health`: exit 0 only when the service answers SERVING.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Ask a service whether it is serving; exit 0 only when it is.")

    @OptionGroup var client: ClientOptions

    @Option(name: .long, help: "The service to ask about, e.g. fengqiao.registry.v1.Registry; empty for the server as a whole.")
    var service = ""

    func run() async throws {
        var configuration = try client.clientConfiguration()
        configuration.connectTimeout = .milliseconds(Int(client.timeout * 1000))
        let rpc = RPCClient(configuration: configuration)
        defer { rpc.close() }
        let status: HealthV1.CheckResponse.ServingStatus
        do {
            status = try await HealthV1.Health.Client(rpc).check(.init(service: service), client.callOptions).status
        } catch let error as RPCError {
            throw CommandFailure(error)
        }
        output(display(status))
        if status != .serving { throw ExitCode(1) }
    }
}

extension HealthV1.CheckResponse.ServingStatus: ShortNamed {}
