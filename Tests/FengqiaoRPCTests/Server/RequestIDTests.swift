@testable import FengqiaoRPC
import Testing

@Suite("Request ids the server makes")
struct RequestIDTests {
    @Test("the prefix, a hyphen and the number in decimal, at every digit length")
    func decimal() {
        var numbers: [UInt64] = [0, 1, 9, 10, 99, 100, 4_095, 4_096, 1_000_000_007, UInt64.max]
        for digits in 1...19 {
            let power = (0..<digits).reduce(UInt64(1)) { value, _ in value * 10 }
            numbers += [power - 1, power, power + 1]
        }
        for number in numbers {
            // Swift's own decimal formatting is the reference.
            #expect(ServerShared.requestID(prefix: Array("k3x9q1".utf8), number: number) == "k3x9q1-" + String(number))
        }
    }

    @Test("a longer prefix, and none")
    func prefixes() {
        #expect(ServerShared.requestID(prefix: Array("a-much-longer-prefix".utf8), number: 42) == "a-much-longer-prefix-42")
        #expect(ServerShared.requestID(prefix: [], number: 7) == "-7")
    }
}
