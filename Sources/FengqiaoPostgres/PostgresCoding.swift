#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Swift value that can be bound to a statement parameter, in PostgreSQL's binary format.
///
/// `nil` binds as NULL through `Optional`, so conforming types never see it.
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the parameter is declared as.
    static var postgresType: PostgresDataType { get }
    /// Appends the value's binary representation.
    func encode(into buffer: inout [UInt8])
}

/// A Swift value that can be read from a column in PostgreSQL's binary format.
public protocol PostgresDecodable: Sendable {
    /// Reads a non-NULL value of the given PostgreSQL type.
    ///
    /// - Throws: `PostgresDecodingFailure` when the type does not fit or the bytes are malformed.
    static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self
}

/// A value that can be both bound and read.
public typealias PostgresCodable = PostgresDecodable & PostgresEncodable

/// A value that can also be an element of a one-dimensional PostgreSQL array.
public protocol PostgresArrayElement: PostgresCodable {
    /// The array type whose elements are of `postgresType`.
    static var postgresArrayType: PostgresDataType { get }
}

/// Why one value could not be decoded; the row adds the column and types around it.
public struct PostgresDecodingFailure: Error, Sendable, Hashable {
    /// A short reason without the value itself.
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    /// The column's PostgreSQL type cannot become the Swift type asked for.
    public static let typeMismatch = Self("type mismatch")

    static func wrongLength(_ count: Int, expected: Int) -> Self {
        Self("expected \(expected) bytes, found \(count)")
    }
}

// MARK: - Big-endian helpers

extension UnsafeRawBufferPointer {
    @inline(__always)
    func bigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int = 0) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    @inline(__always)
    func exactly<T: FixedWidthInteger>(_: T.Type) throws -> T {
        guard count == MemoryLayout<T>.size else {
            throw PostgresDecodingFailure.wrongLength(count, expected: MemoryLayout<T>.size)
        }
        return bigEndian(T.self)
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

// MARK: - Integers

extension Int64: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        switch type {
        case .int8: try bytes.exactly(Int64.self)
        case .int4: Int64(try bytes.exactly(Int32.self))
        case .int2: Int64(try bytes.exactly(Int16.self))
        case .oidType: Int64(try bytes.exactly(UInt32.self))
        default: throw PostgresDecodingFailure.typeMismatch
        }
    }
}

extension Int: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(Int64(self)) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        Int(try Int64.decode(from: bytes, type: type))
    }
}

extension Int32: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int4 }
    public static var postgresArrayType: PostgresDataType { .int4Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        switch type {
        case .int4: return try bytes.exactly(Int32.self)
        case .int2: return Int32(try bytes.exactly(Int16.self))
        case .int8:
            let wide = try bytes.exactly(Int64.self)
            guard let value = Int32(exactly: wide) else { throw PostgresDecodingFailure("value out of Int32 range") }
            return value
        default: throw PostgresDecodingFailure.typeMismatch
        }
    }
}

extension Int16: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int2 }
    public static var postgresArrayType: PostgresDataType { .int2Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        guard type == .int2 else { throw PostgresDecodingFailure.typeMismatch }
        return try bytes.exactly(Int16.self)
    }
}

// MARK: - Floating point, booleans

extension Double: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .float8 }
    public static var postgresArrayType: PostgresDataType { .float8Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(bitPattern) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        switch type {
        case .float8: Double(bitPattern: try bytes.exactly(UInt64.self))
        case .float4: Double(Float(bitPattern: try bytes.exactly(UInt32.self)))
        default: throw PostgresDecodingFailure.typeMismatch
        }
    }
}

extension Bool: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .bool }
    public static var postgresArrayType: PostgresDataType { .boolArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        guard type == .bool else { throw PostgresDecodingFailure.typeMismatch }
        return try bytes.exactly(UInt8.self) != 0
    }
}

// MARK: - Text and bytes

extension String: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .text }
    public static var postgresArrayType: PostgresDataType { .textArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        if type.isTextual { return String(decoding: bytes, as: UTF8.self) }
        if type == .jsonb {
            guard bytes.first == 1 else { throw PostgresDecodingFailure("unknown jsonb version") }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
        }
        throw PostgresDecodingFailure.typeMismatch
    }
}

extension Data: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .bytea }
    public static var postgresArrayType: PostgresDataType { .byteaArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        guard type == .bytea else { throw PostgresDecodingFailure.typeMismatch }
        return Data(bytes)
    }
}

// MARK: - UUID

extension UUID: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public func encode(into buffer: inout [UInt8]) { Swift.withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) } }
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        guard type == .uuid else { throw PostgresDecodingFailure.typeMismatch }
        guard bytes.count == 16 else { throw PostgresDecodingFailure.wrongLength(bytes.count, expected: 16) }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
        return UUID(uuid: raw)
    }
}

// MARK: - Time

extension Date: PostgresArrayElement {
    /// Microseconds from 2000-01-01 00:00 UTC (PostgreSQL's epoch) to 2001-01-01 (Foundation's).
    static let postgresEpochOffsetMicroseconds: Int64 = 31_622_400_000_000

    public static var postgresType: PostgresDataType { .timestamptz }
    public static var postgresArrayType: PostgresDataType { .timestamptzArray }

    /// Binds as `timestamptz`, rounded to the microsecond (PostgreSQL's precision).
    public func encode(into buffer: inout [UInt8]) {
        let micros = (timeIntervalSinceReferenceDate * 1_000_000).rounded()
        let clamped = Swift.min(Swift.max(micros, -9.0e18), 9.0e18)
        buffer.appendBigEndian(Int64(clamped) + Self.postgresEpochOffsetMicroseconds)
    }

    /// Reads `timestamptz`, `timestamp` (taken as UTC) and `date` (midnight UTC); the infinities
    /// become `distantPast` and `distantFuture`.
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        switch type {
        case .timestamptz, .timestamp:
            let micros = try bytes.exactly(Int64.self)
            if micros == .max { return .distantFuture }
            if micros == .min { return .distantPast }
            return Date(timeIntervalSinceReferenceDate: Double(micros - postgresEpochOffsetMicroseconds) / 1_000_000)
        case .date:
            let days = try bytes.exactly(Int32.self)
            if days == .max { return .distantFuture }
            if days == .min { return .distantPast }
            return Date(timeIntervalSinceReferenceDate: Double(Int64(days) * 86_400 - 31_622_400))
        default:
            throw PostgresDecodingFailure.typeMismatch
        }
    }
}

// MARK: - JSON

/// A JSON document bound as `jsonb` and read from `json` or `jsonb`.
///
/// ```swift
/// let settings = try PostgresJSON(encoding: ["tiers": ["gold", "silver"]])
/// try await pool.execute("UPDATE registry.unit SET settings = \(settings) WHERE id = \(id)")
/// ```
public struct PostgresJSON: PostgresArrayElement, Hashable {
    /// The document's text.
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes a value with `JSONEncoder` (keys sorted, so equal values give equal text).
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the document with `JSONDecoder`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    public static var postgresType: PostgresDataType { .jsonb }
    public static var postgresArrayType: PostgresDataType { .jsonbArray }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(1)  // jsonb binary format version
        buffer.append(contentsOf: text.utf8)
    }

    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        guard type == .json || type == .jsonb else { throw PostgresDecodingFailure.typeMismatch }
        return PostgresJSON(text: try String.decode(from: bytes, type: type))
    }
}
