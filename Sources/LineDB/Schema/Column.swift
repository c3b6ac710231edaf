/// One column of a table: its name, type and constraints, as in `schema/<table>.schema.json`.
public struct Column: Sendable, Hashable {
    /// The column name (the key in each record).
    public var name: String
    /// The value type.
    public var type: ColumnType
    /// `true` for the primary-key column. A primary key is never null and unique.
    public var primaryKey: Bool
    /// Whether `null` is allowed. Ignored (treated as `false`) for the primary key.
    public var nullable: Bool
    /// Whether two records may not share a non-null value.
    public var unique: Bool
    /// The value used when an insert gives none; `nil` means no default (then `null`).
    public var defaultValue: JSONValue?
    /// The type name as the schema file spells it (`"string"`, `"Optional[int]"`, ...).
    package var typeName: String
    /// Keys of the column object that LineDB does not know; written back as they were.
    package var extra: JSONObject

    /// Creates a column.
    ///
    /// - Parameters:
    ///   - name: the column name.
    ///   - type: the value type.
    ///   - primaryKey: whether this is the primary key (at most one per table).
    ///   - nullable: whether `null` is allowed (the seed's default is `true`).
    ///   - unique: whether values must be distinct.
    ///   - defaultValue: the value an insert gets when it gives none (argument label `default:`).
    public init(
        _ name: String, _ type: ColumnType, primaryKey: Bool = false, nullable: Bool = true, unique: Bool = false,
        default defaultValue: JSONValue? = nil
    ) {
        self.name = name
        self.type = type
        self.primaryKey = primaryKey
        self.nullable = primaryKey ? false : nullable
        self.unique = unique
        self.defaultValue = defaultValue
        self.typeName = type.rawValue
        self.extra = [:]
    }

    /// Whether `null` is refused in this column.
    public var isRequired: Bool { primaryKey || !nullable }

    /// Whether the engine keeps a hash index on this column (primary key or UNIQUE).
    var isIndexed: Bool { primaryKey || unique }
}
