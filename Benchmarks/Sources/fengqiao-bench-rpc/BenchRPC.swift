import ArgumentParser
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures unary echo over loopback: the suite's RPC against grpc-swift-2 over HTTP/2 and a bare
/// length-prefixed TCP ping-pong.
///
/// `run` starts each system's server as a separate process (this executable's `serve`), drives it
/// from this process, and prints a markdown table; `scripts/bench-rpc` builds and runs it.
///
/// ```
/// fengqiao-bench-rpc run --rounds 3 --seconds 5
/// fengqiao-bench-rpc serve fengqiao          # prints "port N", serves until stdin closes
/// ```
@main
struct BenchRPC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-bench-rpc",
        abstract: "Measures unary echo over loopback: fengqiao RPC, grpc-swift-2 (HTTP/2) and a bare TCP ping-pong.",
        subcommands: [Run.self, Serve.self],
        defaultSubcommand: Run.self
    )
}

/// The systems measured.
enum System: String, CaseIterable, ExpressibleByArgument, Sendable {
    case fengqiao
    case grpc
    case pingPong = "ping-pong"
}

// MARK: - serve

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serves echo for one system on 127.0.0.1; prints \"port N\" once listening, exits when stdin closes."
    )

    @Argument(help: "fengqiao, grpc or ping-pong.")
    var system: System

    @Option(help: "The port; 0 picks a free one.")
    var port = 0

    func run() async throws {
        // The driver holds our stdin open; when it closes (or the driver dies), stop.
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            Foundation.exit(0)
        }
        switch system {
        case .fengqiao:
            try await FengqiaoEcho.serve(port: port, listening: announce)
        case .grpc:
            try await GRPCEcho.serve(port: port, listening: announce)
        case .pingPong:
            let channel = try await PingPongServer.start(port: port)
            announce(channel.localAddress?.port ?? port)
            try await channel.closeFuture.get()
        }
    }
}

private func announce(_ port: Int) {
    print("port \(port)")
    fflush(nil)
}

// MARK: - run

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measures every case for every system, round by round, and prints the comparison."
    )

    @Option(help: "Rounds; each runs every case once per system, in an order that rotates per round.")
    var rounds = 3

    @Option(help: "Seconds measured per case and system, after the warm-up.")
    var seconds: Double = 5

    @Option(help: "Seconds of warm-up before each measured window.")
    var warmup: Double = 1

    @Option(help: "Encoded request sizes in bytes, comma-separated.")
    var payloads = "100,10240"

    @Option(help: "Calls outstanding at once, comma-separated.")
    var concurrency = "1,16,64"

    @Option(help: "Connections the calls are spread over, comma-separated.")
    var connections = "1,4"

    @Option(help: "Systems, comma-separated (fengqiao, grpc, ping-pong).")
    var systems = "fengqiao,grpc,ping-pong"

    func run() async throws {
        let payloadSizes = try Self.integers(payloads, "--payloads")
        let shapes = try Self.integers(concurrency, "--concurrency").flatMap { c in
            try Self.integers(connections, "--connections").map { LoadShape(concurrency: c, connections: $0) }
        }
        let systems = try systems.split(separator: ",").map { name in
            guard let system = System(rawValue: String(name)) else { throw ValidationError("unknown system \(name)") }
            return system
        }
        let timing = Timing(
            warmupNanoseconds: UInt64(warmup * 1e9),
            durationNanoseconds: UInt64(seconds * 1e9)
        )
        let executable = Self.executablePath()
        var results = Results()

        print("started \(Self.timestamp()), load average \(Self.loadAverage()), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for round in 1...rounds {
            let order = (0..<systems.count).map { systems[($0 + round - 1) % systems.count] }
            print("round \(round) of \(rounds): order \(order.map(\.rawValue).joined(separator: ", ")); load average \(Self.loadAverage())")
            for size in payloadSizes {
                let request = Payload.request(encodedSize: size)
                for shape in shapes {
                    for system in order {
                        let server = try ServerProcess(executable: executable, system: system)
                        let measurement: Measurement
                        do {
                            switch system {
                            case .fengqiao:
                                measurement = try await FengqiaoEcho.load(port: server.port, request: request, shape: shape, timing: timing)
                            case .grpc:
                                measurement = try await GRPCEcho.load(port: server.port, request: request, shape: shape, timing: timing)
                            case .pingPong where CodecPingPong.isOn:
                                measurement = try await CodecPingPong.load(port: server.port, request: request, shape: shape, timing: timing)
                            case .pingPong:
                                measurement = try await PingPongConnection<ByteBuffer>.load(port: server.port, payloadSize: size, shape: shape, timing: timing)
                            }
                        } catch {
                            server.stop()
                            throw error
                        }
                        server.stop()
                        let key = Case(payload: size, shape: shape)
                        results.add(key, system, measurement)
                        print(
                            "  \(system.rawValue) payload=\(size) concurrency=\(shape.concurrency) connections=\(shape.connections)"
                                + " calls_per_second=\(Int(measurement.callsPerSecond)) p50_us=\(Self.fixed(measurement.p50))"
                                + " p99_us=\(Self.fixed(measurement.p99)) calls=\(measurement.calls)"
                        )
                        fflush(nil)
                    }
                }
            }
        }
        print("finished \(Self.timestamp()), load average \(Self.loadAverage())")
        print()
        print(results.markdown(systems: systems, rounds: rounds, seconds: seconds))
    }

    private static func integers(_ list: String, _ option: String) throws -> [Int] {
        try list.split(separator: ",").map { item in
            guard let value = Int(item.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("\(option): \(item) is not a positive integer")
            }
            return value
        }
    }

    private static func executablePath() -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: Date())
    }

    static func fixed(_ value: Double) -> String {
        String(format: "%.0f", value)
    }
}

/// One system's echo server, a child process of the driver.
final class ServerProcess {
    let port: Int
    private let process: Process
    private let input: Pipe

    init(executable: String, system: System) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", system.rawValue]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw BenchError("\(system.rawValue) server did not start: \(text)")
        }
        self.port = port
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

// MARK: - results

struct Case: Hashable, Comparable {
    var payload: Int
    var shape: LoadShape

    static func < (a: Case, b: Case) -> Bool {
        (a.payload, a.shape.concurrency, a.shape.connections) < (b.payload, b.shape.concurrency, b.shape.connections)
    }
}

struct Results {
    private var runs: [Case: [System: [Measurement]]] = [:]

    mutating func add(_ key: Case, _ system: System, _ measurement: Measurement) {
        runs[key, default: [:]][system, default: []].append(measurement)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private static func payloadName(_ size: Int) -> String {
        size >= 1024 && size % 1024 == 0 ? "\(size / 1024) KiB" : "\(size) B"
    }

    private static func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(Int(value))"
    }

    private static func ratio(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f", value) : "–"
    }

    func markdown(systems: [System], rounds: Int, seconds: Double) -> String {
        var lines: [String] = []
        let has = { (system: System) in systems.contains(system) }
        lines.append(
            "| payload | calls | conns | fengqiao calls/s | p50 / p99 µs | grpc-swift-2 calls/s | p50 / p99 µs "
                + "| ping-pong calls/s | p50 / p99 µs | fengqiao / grpc | fengqiao / ping-pong |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for key in runs.keys.sorted() {
            let bySystem = runs[key] ?? [:]
            func medians(_ system: System) -> (rate: Double, p50: Double, p99: Double) {
                let list = bySystem[system] ?? []
                return (Self.median(list.map(\.callsPerSecond)), Self.median(list.map(\.p50)), Self.median(list.map(\.p99)))
            }
            let f = medians(.fengqiao), g = medians(.grpc), p = medians(.pingPong)
            func cells(_ m: (rate: Double, p50: Double, p99: Double), _ present: Bool) -> String {
                present ? "\(Self.number(m.rate)) | \(Self.number(m.p50)) / \(Self.number(m.p99))" : "– | –"
            }
            lines.append(
                "| \(Self.payloadName(key.payload)) | \(key.shape.concurrency) | \(key.shape.connections) "
                    + "| \(cells(f, has(.fengqiao))) | \(cells(g, has(.grpc))) | \(cells(p, has(.pingPong))) "
                    + "| \(Self.ratio(f.rate / g.rate)) | \(Self.ratio(f.rate / p.rate)) |"
            )
        }
        lines.append("")
        lines.append("Medians of \(rounds) round(s) of \(Self.number(seconds)) s each. Round by round (calls/s, and the ratios of each round's pair):")
        lines.append("")
        lines.append("| case | fengqiao | grpc-swift-2 | ping-pong | fengqiao / grpc | fengqiao / ping-pong | p99 fengqiao / grpc |")
        lines.append("|---|---|---|---|---|---|---|")
        for key in runs.keys.sorted() {
            let bySystem = runs[key] ?? [:]
            let f = bySystem[.fengqiao] ?? [], g = bySystem[.grpc] ?? [], p = bySystem[.pingPong] ?? []
            func series(_ list: [Measurement]) -> String {
                list.isEmpty ? "–" : list.map { Self.number($0.callsPerSecond) }.joined(separator: " · ")
            }
            func ratios(_ a: [Measurement], _ b: [Measurement], _ value: (Measurement) -> Double) -> String {
                guard !a.isEmpty, a.count == b.count else { return "–" }
                return zip(a, b).map { Self.ratio(value($0) / value($1)) }.joined(separator: " · ")
            }
            lines.append(
                "| \(Self.payloadName(key.payload)), \(key.shape.concurrency) × \(key.shape.connections) "
                    + "| \(series(f)) | \(series(g)) | \(series(p)) "
                    + "| \(ratios(f, g, \.callsPerSecond)) | \(ratios(f, p, \.callsPerSecond)) | \(ratios(f, g, \.p99)) |"
            )
        }
        return lines.joined(separator: "\n")
    }
}
