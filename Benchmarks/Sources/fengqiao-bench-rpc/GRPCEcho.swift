import FengqiaoMessages
import FengqiaoProtobuf
import GRPCCore
import GRPCNIOTransportHTTP2Posix

// The reference: the same Echo method served and called with grpc-swift-2 over its HTTP/2
// transport (grpc-swift-nio-transport, `.http2NIOPosix`, plaintext). Messages are encoded with the
// suite's own codec, so both sides put the very same message bytes on the wire and spend the same
// time encoding and decoding them; only the RPC layer differs.

/// Encodes a message with the suite's codec for grpc-swift-2.
struct FengqiaoMessageSerializer<Message: ProtobufMessage>: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
        try message.withSerializedSize { size, write in
            var bytes = Bytes(repeating: 0, count: size)
            bytes.withUnsafeMutableBytes { write($0) }
            return bytes
        }
    }
}

/// Decodes a message with the suite's codec for grpc-swift-2.
struct FengqiaoMessageDeserializer<Message: ProtobufMessage>: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        try serializedMessageBytes.withUnsafeBytes { try Message(serializedBytes: $0) }
    }
}

enum GRPCEcho {
    /// `/fengqiao.testing.v1.Echo/Echo`, the path the suite's RPC uses too.
    static let method = MethodDescriptor(
        fullyQualifiedService: TestingV1.Echo.serviceName,
        method: "Echo",
        type: .unary
    )

    /// Echo as the suite's benchmark server answers it, written as grpc-swift-protobuf would generate it.
    struct Service: RegistrableRPCService {
        func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
            router.registerHandler(
                forMethod: GRPCEcho.method,
                deserializer: FengqiaoMessageDeserializer<TestingV1.EchoRequest>(),
                serializer: FengqiaoMessageSerializer<TestingV1.EchoResponse>()
            ) { request, context in
                let single = try await ServerRequest(stream: request)
                let response = TestingV1.EchoResponse(text: single.message.text, fields: single.message.fields)
                return StreamingServerResponse(single: ServerResponse(message: response))
            }
        }
    }

    /// Serves Echo on 127.0.0.1:`port`, calling `listening` with the bound port, until cancelled.
    static func serve(port: Int, listening: @Sendable (Int) -> Void) async throws {
        let server = GRPCServer(
            transport: .http2NIOPosix(
                address: .ipv4(host: "127.0.0.1", port: port),
                transportSecurity: .plaintext
            ),
            services: [Service()]
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            guard let bound = try await server.listeningAddress?.ipv4?.port else {
                throw BenchError("grpc-swift-2 server did not report its port")
            }
            listening(bound)
            try await group.waitForAll()
        }
    }

    /// `count` clients, one HTTP/2 connection each, running `body` with them.
    static func withClients<Result: Sendable>(
        count: Int,
        port: Int,
        _ body: @Sendable ([GRPCClient<HTTP2ClientTransport.Posix>]) async throws -> Result
    ) async throws -> Result {
        let clients = try (0..<count).map { _ in
            GRPCClient(
                transport: try .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: port),
                    transportSecurity: .plaintext
                )
            )
        }
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            for client in clients {
                group.addTask { try await client.runConnections() }
            }
            let result: Result
            do {
                result = try await body(clients)
            } catch {
                for client in clients { client.beginGracefulShutdown() }
                throw error
            }
            for client in clients { client.beginGracefulShutdown() }
            try await group.waitForAll()
            return result
        }
    }

    /// One unary Echo call.
    static func echo(
        _ client: GRPCClient<HTTP2ClientTransport.Posix>,
        _ request: TestingV1.EchoRequest
    ) async throws -> TestingV1.EchoResponse {
        try await client.unary(
            request: ClientRequest(message: request),
            descriptor: method,
            serializer: FengqiaoMessageSerializer<TestingV1.EchoRequest>(),
            deserializer: FengqiaoMessageDeserializer<TestingV1.EchoResponse>(),
            options: .defaults
        ) { response in
            try response.message
        }
    }
}

extension GRPCEcho {
    /// Drives Echo calls: `concurrency` tasks calling in a loop, task `n` through client `n % connections`.
    static func load(port: Int, request: TestingV1.EchoRequest, shape: LoadShape, timing: Timing) async throws -> Measurement {
        let expected = request.text.utf8.count
        return try await withClients(count: shape.connections, port: port) { clients in
            try await Load.measure(workers: shape.concurrency, timing: timing) { worker in
                let answer = try await echo(clients[worker % clients.count], request)
                guard answer.text.utf8.count == expected else { throw BenchError("echo answered \(answer.text.utf8.count) bytes of text") }
            }
        }
    }
}
