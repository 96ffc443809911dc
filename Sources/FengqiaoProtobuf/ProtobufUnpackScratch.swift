internal import CProtobufC

/// Memory for libprotobuf-c while it unpacks one message: handed out one piece after another from
/// a buffer the caller provides (on its stack), and given back all at once when the buffer goes.
///
/// Unpacking asks for a block per struct, string and repeated field, and a decoded message is
/// copied into Swift values at once and its unpacked form dropped; so this spares a `malloc` and
/// a `free` for each piece. A piece that does not fit is allocated on the heap and freed when
/// protobuf-c frees the message, which it does with the same allocator.
struct ProtobufUnpackScratch {
    /// The buffer's size for an encoding of `count` bytes: the allocator itself, then room for the
    /// encoding's strings and bytes and for the structs; at most 16 KiB of room, past which larger
    /// messages take the rest from the heap.
    ///
    /// Encodings of up to 256 bytes (envelopes, most requests) get 1 KiB in all: Swift puts a
    /// temporary allocation of that size on the stack without first asking whether the stack
    /// has room, a question that costs about as much as the unpack.
    static func byteCount(forEncodingOf count: Int) -> Int {
        count <= 256 ? 1024 : headerSize + min(1024 + 2 * count, 16 * 1024)
    }

    /// Sets up, at the head of `buffer`, an allocator that hands out the rest of `buffer` first,
    /// and returns it. It lives as long as the buffer, which must be at least
    /// ``byteCount(forEncodingOf:)`` bytes and 16-byte aligned.
    static func allocator(in buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<ProtobufCAllocator> {
        precondition(buffer.count > headerSize, "the unpack scratch is too small")
        let header = buffer.baseAddress!.bindMemory(to: Header.self, capacity: 1)
        let start = buffer.baseAddress! + headerSize
        header.initialize(to: Header(
            allocator: ProtobufCAllocator(alloc: allocate, free: release, allocator_data: nil),
            region: Region(start: start, end: buffer.baseAddress! + buffer.count, next: start)
        ))
        let region = UnsafeMutableRawPointer(header) + MemoryLayout<Header>.offset(of: \Header.region)!
        header.pointee.allocator.allocator_data = region
        return allocator(setUpIn: buffer)
    }

    /// The allocator ``allocator(in:)`` set up at the head of `buffer`.
    static func allocator(setUpIn buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<ProtobufCAllocator> {
        (buffer.baseAddress! + MemoryLayout<Header>.offset(of: \Header.allocator)!).assumingMemoryBound(to: ProtobufCAllocator.self)
    }

    /// What the head of the buffer holds.
    private struct Header {
        var allocator: ProtobufCAllocator
        var region: Region
    }

    /// The header's size, rounded up so that the pieces after it stay aligned.
    private static let headerSize = (MemoryLayout<Header>.stride + alignment - 1) & ~(alignment - 1)

    /// The buffer's free part and its first free byte.
    private struct Region {
        let start: UnsafeMutableRawPointer
        let end: UnsafeMutableRawPointer
        var next: UnsafeMutableRawPointer
    }

    /// Every piece is aligned as `malloc` aligns, to 16 bytes, in the buffer and off it; so is the
    /// buffer.
    static let alignment = 16

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
