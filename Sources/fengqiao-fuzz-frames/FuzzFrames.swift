// The fuzz target of the frame and envelope decoder. See scripts/fuzz-frames.
//
// Built normally, this is a runner: `fengqiao-fuzz-frames FILE...` feeds each file through the
// decoder, to replay a crash libFuzzer found. Built by scripts/fuzz-frames with `-DFUZZING` and
// `-sanitize=fuzzer`, it exports `LLVMFuzzerTestOneInput` and hands `main` to libFuzzer's driver.
import FengqiaoRPC
import Foundation
import NIOCore

/// Feeds `bytes` to a decoder in chunks whose sizes come from the first byte, so splits across
/// reads are fuzzed too, and decodes every payload a decoded envelope carries as a status.
func decodeAll(_ bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return }
    let chunk = Int(first % 16) + 1
    var decoder = EnvelopeFrameDecoder(maximumFrameLength: 64 * 1024)
    var buffer = ByteBuffer()
    var offset = 1
    while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
        do {
            while let envelope = try decoder.decodeEnvelope(from: &buffer) {
                _ = try? envelope.payload.withUnsafeReadableBytes { try RPCV1.Status(serializedBytes: $0) }
                // Whatever decodes encodes again: a decoded string never holds U+0000.
                var reencoded = ByteBuffer()
                do {
                    try reencoded.writeEnvelopeFrame(envelope.wholeEnvelope)
                } catch {
                    preconditionFailure("a decoded envelope does not encode: \(error)")
                }
            }
        } catch {
            return
        }
    }
}

#if FUZZING
/// libFuzzer's entry point when the program has its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    decodeAll(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@main
enum FuzzFramesDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = runFuzzerDriver(&argc, &argv) { data, size in fuzzFrames(data, size) }
        exit(status)
    }
}
#else
@main
enum FuzzFramesRunner {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                continue
            }
            data.withUnsafeBytes { decodeAll($0) }
            print("ok \(path)")
        }
    }
}
#endif
