#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Memory for the protobuf-c structs of one message being encoded, freed all at once.
///
/// Generated code builds a message's C struct tree here (the structs, strings, byte buffers and
/// arrays they point to) and hands it to libprotobuf-c's pack; everything is released when the
/// arena is. Small allocations are carved from blocks: the first, of 1 KiB (enough for most
/// messages), is on the stack of the encoder (``withStackBlock(_:)``), the others of 16 KiB on
/// the heap, so encoding a small message takes no heap memory for its structs, and one with ten
/// thousand strings a handful of allocations, not ten thousand.
///
/// A long string (over 1 KiB of UTF-8) in a singular field is not copied: protobuf-c reads it
/// where Swift keeps it, while ``withStringsInPlace(_:)`` holds it (see ``setString(_:at:)``).
///
/// Used by generated code only; not API.
public final class ProtobufArena {
    @usableFromInline static let firstBlockSize = 1024
    private static let blockSize = 16 * 1024
    @usableFromInline static let alignment = 16
    /// The longest string ``setString(_:at:)`` copies, in bytes of UTF-8.
    static let longestCopiedString = 1024
    /// How many strings one arena leaves in place at most (each is one nested `withCString`); the
    /// others are copied.
    static let mostStringsInPlace = 16

    // An arena is used by one encoding on one thread, and its state is never accessed
    // overlappingly; so the state is exempt from the run-time exclusivity checks, which cost
    // more than the pointer arithmetic they guard.

    /// The blocks taken from the heap.
    @exclusivity(unchecked) private var blocks: [UnsafeMutableRawPointer] = []
    @exclusivity(unchecked) private var next: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var remaining: Int
    /// The copied strings that hold U+0000, which libprotobuf-c's pack would cut at the first NUL.
    @exclusivity(unchecked) private(set) var stringsWithNUL: [UnsafeMutablePointer<CChar>] = []
    /// The long strings protobuf-c reads in place, and the `char *` field each goes into.
    @exclusivity(unchecked) @usableFromInline var inPlace: [(string: String, field: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)] = []
    /// Whether ``withStringsInPlace(_:)`` is running its body.
    @exclusivity(unchecked) private var stringsAreInPlace = false

    /// Creates an arena whose first block is `buffer` (not empty), which the caller owns and keeps
    /// alive while the arena is used; see ``withStackBlock(_:)``. Not API.
    @usableFromInline
    init(_borrowing buffer: UnsafeMutableRawBufferPointer) {
        next = buffer.baseAddress!
        remaining = buffer.count
    }

    /// Hands `body` an arena whose first block is on the stack, so that encoding a small message
    /// takes no heap memory for its structs. The arena must not be used once `body` returns.
    @inlinable
    public static func withStackBlock<Result, Failure: Error>(
        _ body: (ProtobufArena) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withUnsafeTemporaryAllocation(byteCount: firstBlockSize, alignment: alignment) { (block) throws(Failure) -> Result in
            let arena = ProtobufArena(_borrowing: block)
            return try withExtendedLifetime(arena) { () throws(Failure) -> Result in try body(arena) }
        }
    }

    deinit {
        for block in blocks {
            block.deallocate()
        }
    }

    /// Returns uninitialized memory for `byteCount` bytes, aligned for any C type.
    public func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = max(Self.alignment, (byteCount + Self.alignment - 1) & ~(Self.alignment - 1))
        if size > Self.blockSize / 4 {
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
            blocks.append(block)
            return block
        }
        if size > remaining {
            let block = UnsafeMutableRawPointer.allocate(byteCount: Self.blockSize, alignment: Self.alignment)
            blocks.append(block)
            next = block
            remaining = Self.blockSize
        }
        let pointer = next
        next = pointer + size
        remaining -= size
        return pointer
    }

    /// Returns uninitialized storage for one `T`, to be set by the struct's protobuf-c `init`.
    @inlinable
    public func allocate<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
    }

    /// Copies `string` as a NUL-terminated UTF-8 C string.
    ///
    /// protobuf-c represents strings as C strings, which end at their first NUL, so a string
    /// containing U+0000 is noted in ``stringsWithNUL`` and the message that holds it is not
    /// encoded. The empty string is a valid pointer too, as protobuf-c requires in repeated fields.
    public func string(_ string: String) -> UnsafeMutablePointer<CChar>? {
        var string = string
        return string.withUTF8 { copy($0) }
    }

    /// A NUL-terminated copy of `utf8`, noted in ``stringsWithNUL`` when it holds U+0000.
    private func copy(_ utf8: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<CChar> {
        let pointer = allocate(byteCount: utf8.count + 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
        if let base = utf8.baseAddress {
            UnsafeMutableRawPointer(pointer).copyMemory(from: base, byteCount: utf8.count)
            if memchr(base, 0, utf8.count) != nil {
                stringsWithNUL.append(pointer)
            }
        }
        pointer[utf8.count] = 0
        return pointer
    }

    /// Stores `string` into `field`, a `char *` field of a struct made in this arena, for
    /// protobuf-c: as a copy (see ``string(_:)``), or, when it is long and holds no U+0000, as a
    /// pointer to the string's own UTF-8, which is set only while ``withStringsInPlace(_:)`` runs
    /// (`NULL`, an empty string to protobuf-c, before and after). Every measuring and packing of
    /// what is made here goes inside ``withStringsInPlace(_:)``.
    public func setString(_ string: String, at field: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var string = string
        // `withUTF8` leaves `string` native (or a literal), so `withCString` will not copy it.
        let leftInPlace = string.withUTF8 { utf8 -> Bool in
            if utf8.count > Self.longestCopiedString, inPlace.count < Self.mostStringsInPlace,
                memchr(utf8.baseAddress!, 0, utf8.count) == nil
            {
                return true
            }
            field.pointee = copy(utf8)
            return false
        }
        if leftInPlace {
            field.pointee = nil
            inPlace.append((string, field))
        }
    }

    /// Runs `body`, which measures and packs what was made in this arena, with the `char *`
    /// fields of the strings left in place (``setString(_:at:)``) pointing to those strings'
    /// UTF-8, NUL-terminated, kept alive and unchanged by `String.withCString` meanwhile; each
    /// string is read where Swift keeps it. The fields are `NULL` again afterwards.
    @inlinable @inline(__always)
    public func withStringsInPlace<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        // Inlinable, so that the usual case, no string left in place, calls `body` directly.
        if _hasNoStringsInPlace { return try body() }
        return try _placingStrings(body)
    }

    /// Whether no string is left in place here. Not API.
    @inlinable var _hasNoStringsInPlace: Bool { inPlace.isEmpty }

    /// ``withStringsInPlace(_:)`` with strings to place. Not API.
    @usableFromInline func _placingStrings<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        precondition(!stringsAreInPlace, "withStringsInPlace(_:) is running already")
        return try placing(from: 0, body)
    }

    private func placing<Result, Failure: Error>(from index: Int, _ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        guard index < inPlace.count else {
            stringsAreInPlace = true
            defer { stringsAreInPlace = false }
            return try body()
        }
        let (string, field) = inPlace[index]
        let result = string.withCString { pointer -> Swift.Result<Result, Failure> in
            field.pointee = UnsafeMutablePointer(mutating: pointer)
            defer { field.pointee = nil }
            return Swift.Result { () throws(Failure) -> Result in try placing(from: index + 1, body) }
        }
        return try result.get()
    }

    /// Whether what was made here may be measured or packed now: no string is left in place, or
    /// ``withStringsInPlace(_:)`` is running. Not API.
    public var _isReadyToPack: Bool { inPlace.isEmpty || stringsAreInPlace }

    /// Copies `bytes`; `nil` when empty.
    @inlinable
    public func bytes(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8>? {
        array(bytes)
    }

    /// Copies `elements`; `nil` when empty.
    @inlinable
    public func array<T>(_ elements: [T]) -> UnsafeMutablePointer<T>? {
        guard !elements.isEmpty else { return nil }
        let pointer = allocate(byteCount: MemoryLayout<T>.stride * elements.count)
            .bindMemory(to: T.self, capacity: elements.count)
        _ = UnsafeMutableBufferPointer(start: pointer, count: elements.count).initialize(from: elements)
        return pointer
    }

    /// Stores `transform` of each of `map`'s entries, in the order `areInIncreasingOrder` gives so
    /// that a map encodes the same every time; `nil` when empty. One entry needs no sorting.
    @inlinable
    public func map<Key, Value, T>(
        _ map: [Key: Value],
        by areInIncreasingOrder: ((key: Key, value: Value), (key: Key, value: Value)) -> Bool,
        _ transform: ((key: Key, value: Value)) -> T
    ) -> UnsafeMutablePointer<T>? {
        switch map.count {
        case 0:
            return nil
        case 1:
            let pointer = allocate(byteCount: MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
            pointer.initialize(to: transform(map.first!))
            return pointer
        default:
            return array(map.sorted(by: areInIncreasingOrder), transform)
        }
    }

    /// Stores `transform` of each of `elements`; `nil` when empty.
    @inlinable
    public func array<Element, T>(_ elements: [Element], _ transform: (Element) -> T) -> UnsafeMutablePointer<T>? {
        guard !elements.isEmpty else { return nil }
        let pointer = allocate(byteCount: MemoryLayout<T>.stride * elements.count)
            .bindMemory(to: T.self, capacity: elements.count)
        for (index, element) in elements.enumerated() {
            (pointer + index).initialize(to: transform(element))
        }
        return pointer
    }
}
