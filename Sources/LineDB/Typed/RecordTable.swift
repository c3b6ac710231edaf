/// Registering a ``TableRecord`` type with a database.
extension Database {
    /// Registers a ``TableRecord`` type: creates its table (writing `schema/<table>.schema.json` at once), or,
    /// when the table exists, checks that it matches the type. Returns the typed handle to the table.
    ///
    /// ```swift
    /// let db = try Database(name: "university", basePath: "./data")
    /// let students = try db.register(Student.self)
    /// var alice = Student(name: "Alice", email: "alice@university.edu", gpa: 3.8)
    /// try students.insert(&alice)
    /// ```
    ///
    /// Registering is cheap after the first time (the type's columns are probed once per process) and may be
    /// repeated; each handle is a small value that can be passed between threads.
    ///
    /// - Throws: ``TypedRecordError/invalidDefinition(type:reason:)`` when the type cannot describe a table (an
    ///   option names an unknown property, two primary keys...);
    ///   ``TypedRecordError/schemaMismatch(table:path:column:difference:)``
    ///   naming the column that differs and how; the ``LineDBError``s of ``createTable(_:)`` (a read-only database
    ///   cannot create the table).
    /// > Important: A table it creates is durable when it returns, whatever the sync mode (as ``createTable(_:)``).
    @discardableResult
    public func register<R: TableRecord>(_ type: R.Type) throws -> RecordTable<R> {
        let layout = try RecordLayout.of(R.self)
        let name = layout.schema.name
        let schemaPath = path.map { DatabasePaths(root: $0).schemaFile(name) }
        if !tableNames.contains(where: { String.exactlyEqual($0, name) }) {
            do {
                try createTable(layout.schema)
            } catch {
                guard case .tableExists = error else { throw error }  // another thread created it meanwhile
            }
        }
        let existing = try schema(of: name)
        try SchemaMatch.check(existing: existing, layout: layout, path: schemaPath)
        return RecordTable(database: self, binding: RecordBinding(layout: layout, tableSchema: existing))
    }

    /// The same as ``register(_:)``: the typed handle to `R`'s table, created if needed.
    public func table<R: TableRecord>(_ type: R.Type) throws -> RecordTable<R> { try register(R.self) }
}

/// The typed handle to the table of a ``TableRecord`` type: insert, fetch, update and delete Swift values.
/// Get one from ``Database/register(_:)``.
///
/// Records are decoded straight from the engine's rows and encoded straight into them (no JSON text in between).
/// Look records up with `get(_:)` (by a ``JSONValue``, `Int` or `String` primary key), `find(_:equals:)` and
/// `first(_:equals:)` (by a column name or a coding key; O(1) for a UNIQUE column).
///
/// Every write goes through the dynamic API (``Database/insert(_:_:)`` and the rest), so it has the same checks,
/// errors and durability, and the table stays readable by the dynamic API, the `linedb` command and the seed's
/// Python design.
///
/// ## Topics
/// ### Writing
/// - ``insert(_:)``
/// - ``insertAndFetch(_:)``
/// - ``insert(contentsOf:)``
/// - ``update(_:)``
/// - ``delete(_:)``
/// - ``delete(key:)``
/// ### Reading
/// - ``all()``
/// - ``fetch(where:orderBy:descending:offset:limit:)``
/// - ``stream(where:limit:)``
/// - ``count``
public struct RecordTable<R: TableRecord>: Sendable {
    /// The database the table belongs to.
    public let database: Database
    let binding: RecordBinding

    init(database: Database, binding: RecordBinding) {
        self.database = database
        self.binding = binding
    }

    /// The table's name.
    public var name: String { binding.table }

    /// The table's schema, as its file holds it.
    public var schema: TableSchema { binding.tableSchema }

    /// The number of records.
    public var count: Int {
        get throws { try database.count(name) }
    }

    // MARK: - Conversions

    /// `record` as the dynamic API's ``Record`` (what ``insert(_:)`` stores). A nil Optional is left out.
    public func encode(_ record: R) throws -> Record {
        try binding.encode(record)
    }

    /// A dynamic ``Record`` (from ``Database/select(_:where:orderBy:descending:offset:limit:)``, a records file...)
    /// as `R`.
    ///
    /// - Throws: ``TypedRecordError/cannotDecode(table:key:column:value:reason:)`` naming the column.
    public func decode(_ record: Record) throws -> R {
        try RowDecoder(binding: binding).decode(binding.values(of: record), as: R.self)
    }

    /// The primary-key value of `record` as stored (`.null` for an `Int?` key that is still nil).
    public func key(of record: R) throws -> JSONValue {
        try binding.key(of: record)
    }

    func columnIndex(_ column: String) throws(LineDBError) -> Int {
        guard let c = binding.tableSchema.index(of: column) else {
            throw .unknownColumn(
                table: name, column: column,
                suggestion: Suggest.closest(column, in: binding.tableSchema.columns.map(\.name)))
        }
        return c
    }
}
