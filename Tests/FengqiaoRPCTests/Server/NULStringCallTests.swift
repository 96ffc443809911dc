import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

/// Replaces every request's payload with the given bytes, as a peer not written in Swift may send.
struct ReplacePayload: ClientInterceptor {
    let payload: [UInt8]

    func intercept(request: ClientRequest, next: Next) async throws -> [UInt8] {
        var request = request
        request.payload = payload
        return try await next(request)
    }
}

/// 空 U+0000 字 in UTF-8.
private let nul: [UInt8] = [0xE7, 0xA9, 0xBA, 0x00, 0xE5, 0xAD, 0x97]

/// Request payloads the server refuses, by hand: a tag is `(field << 3) | wire type`, LEN is 2.
private let refusedPayloads: [(payload: [UInt8], path: String, description: String)] = [
    // EchoRequest.text, field 1 LEN (0A), length 7.
    ([0x0A, 0x07] + nul, "text", "must not contain U+0000"),
    // EchoRequest.fields (12, 15 bytes) → AllFields.nested_values (EA 01): an empty one (00), then
    // one of 9 bytes whose name (0A 07) holds it.
    ([0x12, 0x0F, 0xEA, 0x01, 0x00, 0xEA, 0x01, 0x09, 0x0A, 0x07] + nul, "fields.nested_values[1].name", "must not contain U+0000"),
    // Not U+0000 but named the same way: text holding C3 28, a lead byte without its continuation.
    ([0x0A, 0x02, 0xC3, 0x28], "text", "must be valid UTF-8"),
]

/// U+0000 in a string is refused at every boundary, naming the field, and never cut short.
@Suite("strings holding U+0000")
struct NULStringCallTests {
    @Test(
        "a request string holding U+0000 is INVALID_ARGUMENT naming its path; the handler never runs",
        arguments: refusedPayloads
    )
    func serverRefusesRequest(payload: [UInt8], path: String, description: String) async throws {
        try await withEchoServer(clientInterceptors: [ReplacePayload(payload: payload)]) { echo, _, probe in
            let error = await expectRPCError(.invalidArgument) {
                _ = try await echo.echo(.init(text: "x"))
            }
            #expect(error?.fieldViolations == [RPCV1.FieldViolation(field: path, description: description)])
            #expect(probe.snapshot.requestIDs.isEmpty)
        }
    }

    @Test("a client refuses to send a request string holding U+0000, failing as the server would")
    func clientRefusesRequest() async throws {
        try await withEchoServer { echo, _, probe in
            let unary = await expectRPCError(.invalidArgument) {
                _ = try await echo.echo(.init(text: "空\u{0}字"))
            }
            #expect(unary?.fieldViolations == [RPCV1.FieldViolation(field: "text", description: "must not contain U+0000")])
            let nested = await expectRPCError(.invalidArgument) {
                _ = try await echo.echo(.init(fields: .init(nestedValues: [.init(), .init(name: "\u{0}")])))
            }
            #expect(nested?.fieldViolations.map(\.field) == ["fields.nested_values[1].name"])
            let streaming = await expectRPCError(.invalidArgument) {
                _ = try await echo.expand(.init(count: 1, text: "\u{0}"))
            }
            #expect(streaming?.fieldViolations.map(\.field) == ["text"])
            #expect(probe.snapshot.requestIDs.isEmpty)
        }
    }

    @Test("a response or an error holding U+0000 is answered INTERNAL, not cut short")
    func serverRefusesAnswer() async throws {
        try await withEchoServer { echo, _, _ in
            for text in ["answer with NUL", "fail with NUL"] {
                let error = await expectRPCError(.internal) {
                    _ = try await echo.echo(.init(text: text), CallOptions(metadata: ["request-id": "r-nul"]))
                }
                #expect(error?.message == "internal error")
                #expect(error?.fieldViolations == [])
                #expect(error?.metadata["request-id"] == "r-nul")
            }
            // The connection still carries calls.
            let after = try await echo.echo(.init(text: "after"))
            #expect(after.text == "after")
        }
    }

    @Test("call metadata holding U+0000 is refused before sending; the connection keeps working")
    func clientRefusesMetadata() async throws {
        try await withEchoServer { echo, _, probe in
            for metadata in [["note": "a\u{0}b"], ["no\u{0}te": "ab"]] {
                let error = await expectRPCError(.invalidArgument) {
                    _ = try await echo.echo(.init(text: "x"), CallOptions(metadata: metadata))
                }
                #expect(error?.message == "call not sent: its metadata contains U+0000")
            }
            #expect(probe.snapshot.requestIDs.isEmpty)
            let after = try await echo.echo(.init(text: "after"))
            #expect(after.text == "after")
        }
    }
}
