internal import CProtobufC

/// Memory for libprotobuf-c while it unpacks one message: handed out one piece after another from
/// a buffer the caller provides (on its stack), and given back all at once when the buffer goes.
///
/// Unpacking asks for a block per struct, string and repeated field, and a decoded message is
/// copied into Swift values at once and its unpacked form dropped; so this spares a `malloc` and
/// a `free` for each piece. A piece that does not fit is allocated on the heap and freed when
/// protobuf-c frees the message, which it does with the same allocator.
struct ProtobufUnpackScratch {
    /// The buffer's size for an encoding of `count` bytes: its strings and bytes fit, with room for
    /// the structs; at most 16 KiB, past which larger messages take the rest from the heap.
    static func byteCount(forEncodingOf count: Int) -> Int {
        min(1024 + 2 * count, 16 * 1024)
    }

    /// Hands `body` an allocator that takes its memory from `buffer` (not empty) first.
    static func withAllocator<Result>(
        in buffer: UnsafeMutableRawBufferPointer,
        _ body: (UnsafeMutablePointer<ProtobufCAllocator>) throws -> Result
    ) rethrows -> Result {
        precondition(!buffer.isEmpty, "the unpack scratch needs a buffer")
        var region = Region(buffer)
        return try withUnsafeMutablePointer(to: &region) { region in
            var allocator = ProtobufCAllocator(alloc: allocate, free: release, allocator_data: UnsafeMutableRawPointer(region))
            return try body(&allocator)
        }
    }

    /// The buffer and its first free byte.
    private struct Region {
        let start: UnsafeMutableRawPointer
        let end: UnsafeMutableRawPointer
        var next: UnsafeMutableRawPointer

        init(_ buffer: UnsafeMutableRawBufferPointer) {
            start = buffer.baseAddress!
            end = start + buffer.count
            next = start
        }
    }

    /// Every piece is aligned as `malloc` aligns, to 16 bytes, in the buffer and off it.
    private static let alignment = 16

    private static let allocate: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = { data, size in
        let region = data!.assumingMemoryBound(to: Region.self)
        let rounded = (max(size, 1) + alignment - 1) & ~(alignment - 1)
        let next = region.pointee.next
        if region.pointee.end - next >= rounded {
            region.pointee.next = next + rounded
            return next
        }
        return UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: alignment)
    }

    private static let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { data, pointer in
        guard let pointer else { return }
        let region = data!.assumingMemoryBound(to: Region.self)
        if pointer >= region.pointee.start && pointer < region.pointee.end { return }
        pointer.deallocate()
    }
}
