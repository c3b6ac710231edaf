/// One fact about a column of a ``TableRecord`` that `Codable` cannot express: the seed's
/// `field(metadata={...})`.
///
/// Name the column with a string or with the type's `CodingKeys`:
///
/// ```swift
/// static let columnOptions: [ColumnOption] = [
///     .primaryKey("id"),
///     .unique(CodingKeys.email),
///     .default("gpa", 0.0),
///     .type("birthday", .date),
/// ]
/// ```
///
/// Mistakes (an unknown column, two primary keys, a default of the wrong type) are reported by
/// ``Database/register(_:)`` as ``TypedRecordError/invalidDefinition(type:reason:)``, never by a trap.
public struct ColumnOption: Sendable, Hashable {
    /// What the option says.
    public enum Kind: Sendable, Hashable {
        /// The column is the primary key (`int` or `str`; an `int` key is assigned on insert when nil).
        case primaryKey
        /// No two records share a non-null value.
        case unique
        /// The value a record gets when it gives none (a nil Optional, or a column missing from a stored line).
        case defaultValue(JSONValue)
        /// The column's type, instead of the one the Swift type implies (e.g. `.date` for a `Date` or a `String`
        /// holding `YYYY-MM-DD`, or `.json`).
        case type(ColumnType)
        /// Whether the column accepts null, instead of what the property's optionality implies.
        case nullable(Bool)
    }

    /// The column (the coding key's string value).
    public let column: String
    /// What the option says about it.
    public let kind: Kind

    /// An option for `column`.
    public init(column: String, kind: Kind) {
        self.column = column
        self.kind = kind
    }

    /// The column is the primary key.
    public static func primaryKey(_ column: String) -> ColumnOption { ColumnOption(column: column, kind: .primaryKey) }
    /// The column is the primary key.
    public static func primaryKey(_ key: some CodingKey) -> ColumnOption { .primaryKey(key.stringValue) }

    /// The column is UNIQUE.
    public static func unique(_ column: String) -> ColumnOption { ColumnOption(column: column, kind: .unique) }
    /// The column is UNIQUE.
    public static func unique(_ key: some CodingKey) -> ColumnOption { .unique(key.stringValue) }

    /// The column's default value (written in the schema file, as the seed's `field(default=...)`).
    public static func `default`(_ column: String, _ value: JSONValue) -> ColumnOption {
        ColumnOption(column: column, kind: .defaultValue(value))
    }
    /// The column's default value.
    public static func `default`(_ key: some CodingKey, _ value: JSONValue) -> ColumnOption {
        .default(key.stringValue, value)
    }

    /// The column's type, overriding the one the property's Swift type implies.
    public static func type(_ column: String, _ type: ColumnType) -> ColumnOption {
        ColumnOption(column: column, kind: .type(type))
    }
    /// The column's type, overriding the one the property's Swift type implies.
    public static func type(_ key: some CodingKey, _ type: ColumnType) -> ColumnOption { .type(key.stringValue, type) }

    /// Whether the column accepts null, overriding the property's optionality (`nullable("id", true)` keeps a
    /// seed schema's `"nullable": true` on a primary key; `nullable("note", false)` for an Optional that the
    /// table must always hold).
    public static func nullable(_ column: String, _ nullable: Bool) -> ColumnOption {
        ColumnOption(column: column, kind: .nullable(nullable))
    }
    /// Whether the column accepts null.
    public static func nullable(_ key: some CodingKey, _ nullable: Bool) -> ColumnOption {
        .nullable(key.stringValue, nullable)
    }
}
