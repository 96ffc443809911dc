/// A PostgreSQL type, by its object id (OID).
///
/// Only the types the suite binds or decodes have names here; any other OID can still be carried.
public struct PostgresDataType: Hashable, Sendable, CustomStringConvertible {
    /// The type's OID as stored in `pg_type`.
    public var oid: UInt32

    public init(oid: UInt32) { self.oid = oid }

    public static let bool = Self(oid: 16)
    public static let bytea = Self(oid: 17)
    public static let name = Self(oid: 19)
    public static let int8 = Self(oid: 20)
    public static let int2 = Self(oid: 21)
    public static let int4 = Self(oid: 23)
    public static let text = Self(oid: 25)
    public static let oidType = Self(oid: 26)
    public static let json = Self(oid: 114)
    public static let float4 = Self(oid: 700)
    public static let float8 = Self(oid: 701)
    public static let unknown = Self(oid: 705)
    public static let bpchar = Self(oid: 1042)
    public static let varchar = Self(oid: 1043)
    public static let date = Self(oid: 1082)
    public static let timestamp = Self(oid: 1114)
    public static let timestamptz = Self(oid: 1184)
    public static let numeric = Self(oid: 1700)
    public static let uuid = Self(oid: 2950)
    public static let jsonb = Self(oid: 3802)

    public static let boolArray = Self(oid: 1000)
    public static let byteaArray = Self(oid: 1001)
    public static let int2Array = Self(oid: 1005)
    public static let int4Array = Self(oid: 1007)
    public static let textArray = Self(oid: 1009)
    public static let varcharArray = Self(oid: 1015)
    public static let int8Array = Self(oid: 1016)
    public static let float4Array = Self(oid: 1021)
    public static let float8Array = Self(oid: 1022)
    public static let timestamptzArray = Self(oid: 1185)
    public static let uuidArray = Self(oid: 2951)
    public static let jsonbArray = Self(oid: 3807)

    /// Whether values of this type are text on the wire (so `String` can decode them).
    var isTextual: Bool {
        switch oid {
        case Self.text.oid, Self.varchar.oid, Self.bpchar.oid, Self.name.oid, Self.json.oid, Self.unknown.oid: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .bytea: "bytea"
        case .name: "name"
        case .int8: "bigint"
        case .int2: "smallint"
        case .int4: "integer"
        case .text: "text"
        case .oidType: "oid"
        case .json: "json"
        case .float4: "real"
        case .float8: "double precision"
        case .unknown: "unknown"
        case .bpchar: "character"
        case .varchar: "character varying"
        case .date: "date"
        case .timestamp: "timestamp without time zone"
        case .timestamptz: "timestamp with time zone"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        case .boolArray: "boolean[]"
        case .byteaArray: "bytea[]"
        case .int2Array: "smallint[]"
        case .int4Array: "integer[]"
        case .textArray: "text[]"
        case .varcharArray: "character varying[]"
        case .int8Array: "bigint[]"
        case .float4Array: "real[]"
        case .float8Array: "double precision[]"
        case .timestamptzArray: "timestamp with time zone[]"
        case .uuidArray: "uuid[]"
        case .jsonbArray: "jsonb[]"
        default: "oid \(oid)"
        }
    }
}
