/// What the typed API knows about a ``TableRecord`` type: its columns (probed, then shaped by its
/// ``TableRecord/columnOptions``) and the schema it implies. Computed once per type and cached.
final class RecordLayout: Sendable {
    /// The Swift type's name, for messages.
    let typeName: String
    /// The schema the type implies (what ``Database/register(_:)`` writes for a new table).
    let schema: TableSchema
    /// The Swift type of each column (same order as `schema.columns`), for messages.
    let swiftTypes: [String]
    /// Whether each column was declared Optional in Swift.
    let optional: [Bool]

    private init(typeName: String, schema: TableSchema, swiftTypes: [String], optional: [Bool]) {
        self.typeName = typeName
        self.schema = schema
        self.swiftTypes = swiftTypes
        self.optional = optional
    }

    private static let cache = LayoutCache()

    /// The layout of `R`, probed on first use.
    static func of<R: TableRecord>(_ type: R.Type) throws -> RecordLayout {
        let id = ObjectIdentifier(R.self)
        if let cached = cache.get(id) { return cached }
        let layout = try make(R.self)
        cache.set(id, layout)
        return layout
    }

    private static func make<R: TableRecord>(_ type: R.Type) throws -> RecordLayout {
        let typeName = "\(R.self)"
        func invalid(_ reason: String) -> TypedRecordError { .invalidDefinition(type: typeName, reason: reason) }
        let probed = try SchemaProbe.columns(of: R.self)
        let names = probed.map(\.name)
        var primaryKey: String? = nil
        var unique: Set<String> = []
        var defaults: [String: JSONValue] = [:]
        var types: [String: ColumnType] = [:]
        var nullable: [String: Bool] = [:]
        for option in R.columnOptions {
            guard names.contains(option.column) else {
                let hint = Suggest.closest(option.column, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw invalid(
                    "an option names '\(option.column)', which is not one of its columns "
                        + "(\(names.joined(separator: ", ")))\(hint)")
            }
            switch option.kind {
            case .primaryKey:
                if let primaryKey, primaryKey != option.column {
                    throw invalid("two primary keys, '\(primaryKey)' and '\(option.column)'; a table has one")
                }
                primaryKey = option.column
            case .unique: unique.insert(option.column)
            case .defaultValue(let v): defaults[option.column] = v
            case .type(let t): types[option.column] = t
            case .nullable(let n): nullable[option.column] = n
            }
        }
        if primaryKey == nil {
            guard names.contains("id") else {
                throw invalid(
                    "no primary key: add .primaryKey(\"<column>\") to its columnOptions, or a property "
                        + "named 'id' (an Int? is assigned on insert)")
            }
            primaryKey = "id"
        }
        var columns: [Column] = []
        for p in probed {
            let isKey = p.name == primaryKey
            var column = Column(
                p.name, types[p.name] ?? p.type, primaryKey: isKey, nullable: nullable[p.name] ?? p.optional,
                unique: unique.contains(p.name), default: defaults[p.name])
            if isKey, let n = nullable[p.name] { column.nullable = n }
            columns.append(column)
        }
        let schema: TableSchema
        do {
            schema = try TableSchema(R.tableName, columns: columns)
        } catch {
            if case .invalidSchema(_, let reason) = error { throw invalid(reason) }
            throw error
        }
        return RecordLayout(
            typeName: typeName, schema: schema, swiftTypes: probed.map(\.swiftType), optional: probed.map(\.optional))
    }
}

/// The per-type layouts.
private final class LayoutCache: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var layouts: [ObjectIdentifier: RecordLayout] = [:]
    func get(_ id: ObjectIdentifier) -> RecordLayout? { lock.withLock { layouts[id] } }
    func set(_ id: ObjectIdentifier, _ layout: RecordLayout) { lock.withLock { layouts[id] = layout } }
}
