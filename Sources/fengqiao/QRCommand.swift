import ArgumentParser
import FengqiaoMessages

/// `fengqiao qr resolve CODE`: where a QR door plate is.
struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr", abstract: "Resolve QR door plates.", subcommands: [Resolve.self])

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the address, unit and grid of a QR door-plate code.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The plate's code.") var code: String

        func run() async throws {
            let answer = try await client.withRegistry { try await $0.resolveQRPlate(.init(code: code), client.callOptions) }
            if client.json { return try printJSON(PlateJSON(answer)) }
            var table = TextTable(["CODE", "ADDRESS", "UNIT", "GRID"])
            let plate = PlateJSON(answer)
            table.append([plate.code, plate.address, plate.unit, plate.grid])
            output(table.render())
        }
    }
}

struct PlateJSON: Encodable {
    var code: String, addressID: Int64, address: String, unit: String, grid: String, stationID: Int64

    init(_ answer: RegistryV1.ResolveQrPlateResponse) {
        code = answer.address?.qrCode ?? ""
        addressID = answer.address?.id ?? 0
        address = answer.address?.text ?? ""
        unit = answer.unit.map { "\($0.name) (\($0.code))" } ?? ""
        grid = answer.grid.map { "\($0.name) (\($0.code))" } ?? ""
        stationID = answer.address?.stationID ?? 0
    }
}
