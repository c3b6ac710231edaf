import LineDB
import LineDBSQL

/// Reads the tables of a SQLite file as LineDB schemas: columns and their mapped types, the primary key, NOT NULL,
/// single-column UNIQUE constraints and literal defaults. What LineDB cannot hold is said in ``notes``.
struct SQLiteSchemaReader {
    let connection: SQLiteConnection

    /// One SQLite table as LineDB will hold it.
    struct Table {
        var schema: TableSchema
        /// The SQLite column of each schema column (the implicit `id` LineDB adds has none).
        var sourceColumns: [String]
        /// For each source column: whether its TEXT holds JSON (see ``SQLiteTypeMapping/textHoldsJSON``).
        var textIsJSON: [Bool]
    }

    /// Things a user should know: composite keys or UNIQUE constraints not kept, defaults not carried over.
    private(set) var notes: [String] = []

    init(_ connection: SQLiteConnection) { self.connection = connection }

    /// The names of the ordinary tables (not SQLite's own `sqlite_*` ones, not views), sorted.
    func tableNames() throws -> [String] {
        try connection.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                + "ORDER BY name"
        ).compactMap { if case .text(let name) = $0[0] { return name } else { return nil } }
    }

    /// Reads one table.
    mutating func table(_ name: String) throws -> Table {
        guard TableSchema.isValidTableName(name) else {
            throw DataError(
                "\(connection.path): '\(name)' cannot be a LineDB table name (use letters, digits, '_', '-', '.'); "
                    + "rename it in SQLite, or leave it out with --tables; nothing imported")
        }
        let quoted = SQLiteConnection.quote(name)
        let sqlRows = try connection.rows(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])
        let createSQL: String
        if case .text(let s)? = sqlRows.first?.first { createSQL = s } else { createSQL = "" }
        let compactSQL = String(createSQL.lowercased().filter { !$0.isWhitespace })
        // PRAGMA table_info: cid, name, type, notnull, dflt_value, pk
        var infos: [(name: String, type: String, notNull: Bool, defaultSQL: String?, pk: Int)] = []
        for row in try connection.rows("PRAGMA table_info(\(quoted))") {
            guard case .text(let columnName) = row[1] else { continue }
            let type: String
            if case .text(let t) = row[2] { type = t } else { type = "" }
            let defaultSQL: String?
            if case .text(let d) = row[4] { defaultSQL = d } else { defaultSQL = nil }
            infos.append((columnName, type, row[3] == .integer(1), defaultSQL, pkPosition(row[5])))
        }
        let keyColumns = infos.filter { $0.pk > 0 }
        var uniqueColumns = NameSet()
        // PRAGMA index_list: seq, name, unique, origin, partial
        for index in try connection.rows("PRAGMA index_list(\(quoted))") {
            guard index[2] == .integer(1), case .text(let indexName) = index[1] else { continue }
            if case .text("pk") = index[3] { continue }
            if index.count > 4, index[4] == .integer(1) {
                notes.append("\(name): the partial UNIQUE index '\(indexName)' is not kept (LineDB has none)")
                continue
            }
            // PRAGMA index_info: seqno, cid, name (NULL for an expression)
            let members = try connection.rows("PRAGMA index_info(\(SQLiteConnection.quote(indexName)))")
            let names = members.compactMap { row -> String? in if case .text(let n) = row[2] { n } else { nil } }
            if members.count == 1, let only = names.first {
                uniqueColumns.insert(only)
            } else {
                let what = names.count == members.count ? "(" + names.joined(separator: ", ") + ")" : "on an expression"
                notes.append("\(name): the UNIQUE constraint \(what) is not kept (LineDB has single-column ones only)")
            }
        }
        // No usable key but a column 'id' (the name LineDB would give the key it adds): that column is the key.
        let idPromoted = keyColumns.count != 1 && infos.contains { info in
            info.name == "id"
                && [.int, .str].contains(SQLiteTypeMapping.columnType(declared: info.type, hasJSONCheck: false))
        }
        if idPromoted {
            notes.append("\(name).id: becomes the LineDB key (SQLite declares no one-column primary key)")
        }
        var columns: [Column] = []
        var textIsJSON: [Bool] = []
        for info in infos {
            let hasJSONCheck = Self.jsonCheckNames(info.name).contains { compactSQL.contains($0) }
            textIsJSON.append(SQLiteTypeMapping.textHoldsJSON(declared: info.type, hasJSONCheck: hasJSONCheck))
            let type = SQLiteTypeMapping.columnType(declared: info.type, hasJSONCheck: hasJSONCheck)
            var isKey = (keyColumns.count == 1 && info.pk > 0) || (idPromoted && info.name == "id")
            if isKey && type != .int && type != .str {
                notes.append(
                    "\(name).\(info.name): a \(info.type) primary key cannot be a LineDB key (int or str); "
                        + "kept as UNIQUE NOT NULL")
                isKey = false
            }
            var defaultValue: JSONValue? = nil
            if let sql = info.defaultSQL {
                defaultValue = SQLiteTypeMapping.defaultValue(sql: sql, type: type)
                if defaultValue == nil && sql.uppercased() != "NULL" {
                    notes.append("\(name).\(info.name): the default \(sql) is not a constant; not kept")
                }
            }
            let demotedKey = info.pk > 0 && !isKey && keyColumns.count == 1
            columns.append(
                Column(
                    info.name, type, primaryKey: isKey, nullable: !(info.notNull || isKey || demotedKey),
                    unique: !isKey && (uniqueColumns.contains(info.name) || demotedKey), default: defaultValue))
        }
        if keyColumns.count > 1 && !idPromoted {
            notes.append(
                "\(name): the primary key (" + keyColumns.sorted { $0.pk < $1.pk }.map(\.name).joined(separator: ", ")
                    + ") spans several columns; LineDB keys by one, so it adds an integer key 'id'")
        }
        let schema: TableSchema
        do {
            schema = try TableSchema(name, columns: columns)
        } catch {
            throw ContextError("\(connection.path): table '\(name)'", error)
        }
        // Refused before anything is written, as create-table refuses it (Database.createTable checks it again).
        if let problem = schema.nameProblem { throw DataError("\(connection.path): \(problem)") }
        if schema.primaryKeyIndex == nil {
            if infos.contains(where: { $0.name == "id" }) {
                throw DataError(
                    "\(connection.path): table '\(name)' has no one-column INTEGER or TEXT primary key, and its column "
                        + "'id' (the name LineDB gives the key it adds) cannot be one; rename that column in SQLite")
            }
            if keyColumns.count <= 1 {
                notes.append("\(name): no INTEGER or TEXT primary key; LineDB adds an integer key 'id'")
            }
        }
        return Table(schema: schema, sourceColumns: infos.map(\.name), textIsJSON: textIsJSON)
    }

    private func pkPosition(_ value: SQLiteValue) -> Int {
        if case .integer(let i) = value { return Int(i) }
        return 0
    }

    /// `json_valid(c)` as it may be written in a CHECK (lowercased, without spaces): bare, "quoted", [bracketed],
    /// `backquoted`.
    static func jsonCheckNames(_ column: String) -> [String] {
        let c = String(column.lowercased().filter { !$0.isWhitespace })
        return ["\(c)", "\"\(c.replacingAll("\"", with: "\"\""))\"", "[\(c)]", "`\(c)`"].map { "json_valid(\($0))" }
    }
}
