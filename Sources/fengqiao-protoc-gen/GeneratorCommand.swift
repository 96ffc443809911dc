#if canImport(Glibc)
    import Glibc
#endif

/// `fengqiao-protoc-gen DESCRIPTOR_SET OUTPUT_ROOT`
///
/// Reads a FileDescriptorSet written by `protoc-c --include_imports --include_source_info
/// --descriptor_set_out` and writes the Swift for every `fengqiao.*` package under
/// `OUTPUT_ROOT/Sources/<Module>/Generated/`. scripts/generate runs it; run that instead.
@main
struct GeneratorCommand {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            fail("usage: fengqiao-protoc-gen DESCRIPTOR_SET OUTPUT_ROOT")
        }
        do {
            let files = try DescriptorSetReader.read(try FileSystem.read(arguments[1]))
            let outputs = try FileEmitter(files: files).outputs()
            for module in ModuleTable.modules {
                try FileSystem.makeDirectories("\(arguments[2])/Sources/\(module)/Generated")
            }
            for output in outputs {
                try FileSystem.write(output.content, to: "\(arguments[2])/\(output.path)")
            }
        } catch {
            fail("fengqiao-protoc-gen: \(error)")
        }
    }

    private static func fail(_ message: String) -> Never {
        var line = message + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}

/// The few file operations the generator needs, without Foundation.
enum FileSystem {
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw GeneratorError("cannot open \(path)")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        guard ferror(file) == 0 else {
            throw GeneratorError("cannot read \(path)")
        }
        return bytes
    }

    static func write(_ content: String, to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw GeneratorError("cannot create \(path)")
        }
        defer { fclose(file) }
        var content = content
        let written = content.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == content.utf8.count else {
            throw GeneratorError("cannot write \(path)")
        }
    }

    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw GeneratorError("cannot create the folder \(current)")
            }
        }
    }
}
