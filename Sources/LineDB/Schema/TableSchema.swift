/// A table's name and ordered columns: the content of `schema/<table>.schema.json`.
///
/// ```swift
/// let schema = try TableSchema("student", columns: [
///     Column("id", .int, primaryKey: true),
///     Column("name", .str, nullable: false),
///     Column("email", .str, unique: true),
///     Column("gpa", .float, default: 0.0),
/// ])
/// ```
public struct TableSchema: Sendable, Hashable {
    /// The table name; also the file stem of its schema and records files.
    public let name: String
    /// The columns, in table order (the order of keys in each written record).
    public let columns: [Column]
    /// When the table was created (the seed's `created_at`).
    public var createdAt: String
    /// Top-level keys of the schema file that LineDB does not know; written back as they were.
    package var extra: JSONObject
    /// The position of the primary-key column, if the table has one.
    public let primaryKeyIndex: Int?
    /// Column name → position, by Swift's `String ==` (canonical equivalence): the init refuses two names that
    /// Swift takes as equal, so a name finds at most one column here, which ``index(of:)`` then checks is exactly
    /// the name (cheaper than hashing names by their bytes: the WAL replay looks up every field).
    let positions: [String: Int]
    /// `{"id":`, `,"name":`, ... : each column's key as written before its value, encoded once (the writer's hot
    /// path, `TableSchema.encodeRow`, then copies bytes instead of escaping names for every record).
    let keyPrefixes: [[UInt8]]
    /// Per column, whether its name is ASCII: then ``isColumn(_:named:)`` needs no byte comparison.
    let asciiNames: [Bool]

    /// Creates a schema, checking it: a valid table name, distinct column names, at most one primary key,
    /// defaults of the column's type.
    ///
    /// Column names are compared by their exact Unicode scalars, and two names that differ but are canonically
    /// equivalent (`"K"` and the Kelvin sign, an NFC and an NFD `"é"`) are refused: a ``Record`` is a Swift
    /// dictionary, which would take them as one key.
    ///
    /// - Parameters:
    ///   - name: the table name (letters, digits, `_`, `-`, `.`; see ``isValidTableName(_:)``).
    ///   - columns: the columns in table order. Without a primary key, ``Database/createTable(_:)`` adds an
    ///     integer `id` key first.
    ///   - createdAt: the schema file's `created_at`; now (local time) by default.
    ///   A default is a value entering the database: it may not be `NaN` or infinite, nor nest arrays and objects
    ///   more than 500 levels deep (the limit every file LineDB writes can be read back with).
    /// - Throws: ``LineDBError/invalidSchema(path:reason:)`` naming the problem.
    public init(_ name: String, columns: [Column], createdAt: String? = nil) throws(LineDBError) {
        for column in columns {
            if let d = column.defaultValue, let problem = d.storageProblem() {
                throw .invalidSchema(path: nil, reason: "default of column '\(column.name)': \(problem)")
            }
        }
        try self.init(name: name, columns: columns, createdAt: createdAt ?? Timestamp.now(), extra: [:], path: nil)
    }

    package init(name: String, columns: [Column], createdAt: String, extra: JSONObject, path: String?)
        throws(LineDBError)
    {
        guard TableSchema.isValidTableName(name) else {
            throw .invalidSchema(
                path: path,
                reason: TableSchema.hiddenCharacterProblem("table name", name)
                    ?? "'\(name)' is not a valid table name (use letters, digits, '_' and '-', not starting with '.')")
        }
        guard !columns.isEmpty else { throw .invalidSchema(path: path, reason: "table '\(name)' has no columns") }
        var positions: [String: Int] = [:]
        var pk: Int?
        for (i, column) in columns.enumerated() {
            guard !column.name.isEmpty else { throw .invalidSchema(path: path, reason: "column \(i + 1) has an empty name") }
            if let other = positions[column.name] {
                if String.exactlyEqual(columns[other].name, column.name) {
                    throw .invalidSchema(path: path, reason: "column '\(column.name)' appears twice")
                }
                throw .invalidSchema(path: path, reason: Self.equivalentColumnsReason(columns[other].name, column.name))
            }
            positions[column.name] = i
            if column.primaryKey {
                if let other = pk {
                    throw .invalidSchema(
                        path: path,
                        reason: "two primary keys ('\(columns[other].name)' and '\(column.name)'); a table has at most one")
                }
                if column.type != .int && column.type != .str {
                    throw .invalidSchema(
                        path: path, reason: "primary key '\(column.name)' must be int or str, not \(column.type.rawValue)")
                }
                pk = i
            }
            if let d = column.defaultValue, !d.isNull, column.type.normalize(d) == nil {
                throw .invalidSchema(
                    path: path,
                    reason: "default \(d.brief) of column '\(column.name)' is not \(column.type.expectation)")
            }
        }
        self.name = name
        self.columns = columns
        self.createdAt = createdAt
        self.extra = extra
        self.primaryKeyIndex = pk
        self.positions = positions
        self.asciiNames = columns.map { $0.name.utf8.allSatisfy { $0 < 0x80 } }
        self.keyPrefixes = columns.enumerated().map { (i, column) in
            var w = JSONWriter()
            w.writeRaw(i == 0 ? "{" : ",")
            w.writeString(column.name)
            w.writeRaw(":")
            return w.bytes
        }
    }

    /// Whether `key` is exactly (scalar for scalar) the name of column `c`: the hot path of reading a record, so
    /// as fast as `==` for an ASCII name. A string that Swift takes as equal to an ASCII string and that has as
    /// many UTF-8 bytes is that string: the only other scalars whose canonical decomposition is ASCII are
    /// singletons such as the Kelvin sign (U+212A → `K`), each longer than the byte it stands for.
    @inline(__always)
    func isColumn(_ c: Int, named key: String) -> Bool { Self.isName(columns[c].name, ascii: asciiNames[c], exactly: key) }

    /// ``isColumn(_:named:)`` for a name whose ASCII-ness is known.
    @inline(__always)
    static func isName(_ name: String, ascii: Bool, exactly key: String) -> Bool {
        if ascii { return name.utf8.count == key.utf8.count && name == key }
        return String.exactlyEqual(name, key)
    }

    /// The position of the column with exactly this name (scalar for scalar: the Kelvin sign is not `K`).
    ///
    /// - Parameter column: a column name.
    public func index(of column: String) -> Int? {
        guard let c = positions[column], isColumn(c, named: column) else { return nil }
        return c
    }

    /// A column by name.
    ///
    /// - Parameter name: a column name.
    public func column(named name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// The primary-key column, if any.
    public var primaryKey: Column? { primaryKeyIndex.map { columns[$0] } }

    /// Whether new records get their integer key from the table's counter when they give none.
    public var hasAutoIncrementKey: Bool { primaryKey?.type == .int }

    /// Why the table's name or a column's name cannot be given to a new table, or `nil` when they can: a name
    /// holding a control character (C0, DEL, C1) or a bidirectional formatting character
    /// (``VisibleText/isHidden(_:)``) is refused, since it would show as something else than it is, in a
    /// terminal or any other program. The message names the name (its hidden characters shown visibly) and the
    /// character. ``Database/createTable(_:)`` checks this; a schema file that already holds such a name (written
    /// by another program) still opens.
    public var nameProblem: String? {
        if let p = TableSchema.hiddenCharacterProblem("table name", name) { return p }
        for column in columns {
            if let p = TableSchema.hiddenCharacterProblem("column name", column.name) { return "table '\(name)': " + p }
        }
        return nil
    }

    /// `column name 'a\u{1B}b' holds a control character (U+001B); ...`, or `nil` when `name` holds no hidden
    /// character.
    static func hiddenCharacterProblem(_ what: String, _ name: String) -> String? {
        guard let c = VisibleText.firstHidden(in: name) else { return nil }
        let kind = VisibleText.isBidiControl(c) ? "a bidirectional formatting character" : "a control character"
        let hex = String(c.value, radix: 16, uppercase: true)
        return "\(what) '\(VisibleText.escaped(name))' holds \(kind) "
            + "(U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)); "
            + "names may not hold control or bidirectional formatting characters"
    }

    /// Table names are file stems: letters, digits, `_`, `-` and `.` (not first), at most 128 bytes.
    ///
    /// - Parameter name: a proposed table name.
    public static func isValidTableName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128, name.first != ".", !name.hasSuffix(".tmp") else { return false }
        return name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-" || $0 == ".")
                && $0 != "/"
        }
    }
}

extension TableSchema {
    /// Why two column names that Swift takes as equal (canonically equivalent) but that differ are refused.
    static func equivalentColumnsReason(_ first: String, _ second: String) -> String {
        "columns '\(first)' (\(first.scalarCodes)) and '\(second)' (\(second.scalarCodes)) differ only in their "
            + "Unicode form; LineDB's records cannot hold both (rename one)"
    }
}

extension String {
    /// The Unicode scalars as `U+XXXX` codes, for messages about names that look alike.
    var scalarCodes: String {
        unicodeScalars.map { scalar -> String in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined(separator: " ")
    }
}
