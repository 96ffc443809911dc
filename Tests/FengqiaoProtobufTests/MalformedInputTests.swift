import FengqiaoDomain
import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

@Suite struct MalformedInputTests {
    @Test(arguments: [
        [0x0A, 0x05, 0x61] as [UInt8],  // a string field whose length runs past the end
        [0x08],  // a tag with no value
        [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // an 11-byte varint
        [0x0F, 0x00],  // wire type 7 does not exist
        [0x00, 0x01],  // field number 0 is invalid
        [0x12, 0x01, 0x01],  // call_id (field 2, a varint) sent as LEN: wrong wire type
    ])
    func malformedBytesThrow(bytes: [UInt8]) {
        #expect(throws: ProtobufDecodingError(code: .malformed, messageName: "fengqiao.rpc.v1.Envelope")) {
            try RPCV1.Envelope(serializedBytes: bytes)
        }
    }

    @Test func invalidUTF8IsAnErrorNamingTheField() {
        // Leaf.label (field 1, LEN) holding C3 28: a two-byte lead without its continuation byte.
        #expect(throws: ProtobufDecodingError(code: .invalidUTF8, messageName: "fengqiao.testing.v1.Leaf", field: "label")) {
            try TestingV1.Leaf(serializedBytes: [0x0A, 0x02, 0xC3, 0x28])
        }
        let error = ProtobufDecodingError(code: .invalidUTF8, messageName: "fengqiao.testing.v1.Leaf", field: "label")
        #expect(error.description == "field label of fengqiao.testing.v1.Leaf is not valid UTF-8")
    }

    @Test func everyTruncationThrowsOrDecodes() throws {
        let bytes = try Samples.allFields.serializedBytes()
        var failures = 0
        for length in 0..<bytes.count {
            do {
                _ = try TestingV1.AllFields(serializedBytes: bytes[..<length])
            } catch is ProtobufDecodingError {
                failures += 1
            }
        }
        // Cutting inside a field always fails; cutting between fields leaves a shorter message.
        #expect(failures > bytes.count / 2)
    }

    /// 20,000 random buffers: each must decode or throw `ProtobufDecodingError`, never crash, and
    /// whatever decodes must encode again and decode to an equal message.
    @Test func seededRandomBytesNeverCrash() throws {
        var random = SeededRandom(seed: 0x6665_6E67_7169_616F)  // "fengqiao"
        var decoded = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...48, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            for attempt in 0..<2 {
                do {
                    if attempt == 0 {
                        let envelope = try RPCV1.Envelope(serializedBytes: bytes)
                        #expect(try RPCV1.Envelope(serializedBytes: envelope.serializedBytes()) == envelope)
                    } else {
                        let fields = try TestingV1.AllFields(serializedBytes: bytes)
                        _ = try TestingV1.AllFields(serializedBytes: fields.serializedBytes())
                    }
                    decoded += 1
                } catch is ProtobufDecodingError {
                    // A defined result.
                }
            }
        }
        // Short random buffers often are valid protobuf (unknown fields are skipped).
        #expect(decoded > 0)
    }

    /// Random mutations of a valid encoding reach deeper into nested messages than random bytes.
    @Test func seededMutationsNeverCrash() throws {
        var random = SeededRandom(seed: 42)
        let valid = try Samples.envelope.serializedBytes()
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if let envelope = try? RPCV1.Envelope(serializedBytes: bytes) {
                #expect(try RPCV1.Envelope(serializedBytes: envelope.serializedBytes()) == envelope)
            }
        }
    }
}
