#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LineDB

/// Writes a whole LineDB database as one SQLite file.
package enum SQLiteExport {
    /// What an export wrote: each table's name and record count, in the order written.
    package struct Summary {
        package var tables: [(name: String, records: Int)] = []
        /// Things the user should know (fields outside the schema, which SQLite has no column for).
        package var warnings: [String] = []
    }

    /// `CREATE TABLE` for a LineDB schema: the mapped types, PRIMARY KEY, NOT NULL, UNIQUE, DEFAULT and the CHECKs
    /// of ``SQLiteTypeMapping``.
    package static func createTableSQL(_ schema: TableSchema) -> String {
        let definitions = schema.columns.map { column -> String in
            let name = SQLiteConnection.quote(column.name)
            var parts = [name, SQLiteTypeMapping.declaredType(of: column.type)]
            if column.primaryKey {
                parts.append("PRIMARY KEY NOT NULL")  // NOT NULL: SQLite lets a non-INTEGER key be NULL otherwise
            } else {
                if !column.nullable { parts.append("NOT NULL") }
                if column.unique { parts.append("UNIQUE") }
            }
            if let literal = SQLiteTypeMapping.defaultLiteral(column.defaultValue, type: column.type) {
                parts.append("DEFAULT " + literal)
            }
            if let check = SQLiteTypeMapping.check(of: column.type, quoted: name) { parts.append(check) }
            return "    " + parts.joined(separator: " ")
        }
        return "CREATE TABLE \(SQLiteConnection.quote(schema.name)) (\n" + definitions.joined(separator: ",\n") + "\n)"
    }

    /// Writes every table of `db` into a new SQLite file at `path`, in one transaction with one prepared INSERT per
    /// table. `path` must not exist (the command writes a temporary file and renames it); `label` is the file
    /// error messages name.
    package static func write(_ db: Database, to path: String, label: String) throws -> Summary {
        let sqlite = try SQLiteConnection(path: path, label: label, create: true)
        defer { sqlite.close() }
        // The file is new and is renamed into place only when complete and synced, so no journal is needed.
        try sqlite.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF")
        try sqlite.execute("BEGIN")
        var summary = Summary()
        for name in db.tableNames.sorted() {
            let schema = try db.schema(of: name)
            try sqlite.execute(createTableSQL(schema))
            let columns = schema.columns
            let insert = try sqlite.prepare(
                "INSERT INTO \(SQLiteConnection.quote(name)) ("
                    + columns.map { SQLiteConnection.quote($0.name) }.joined(separator: ", ") + ") VALUES ("
                    + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
            // The rows as value arrays in column order (no Record built per row), in primary-key order.
            let rows = try db.browseSnapshot(of: name).rows
            // Fields outside the schema (a hand-edited or older file) have no SQLite column: count them to say so.
            let withExtraFields = try db.select(name, where: { $0.count > columns.count }).count
            for row in rows {
                for (i, column) in columns.enumerated() {
                    try insert.bind(SQLiteTypeMapping.sqliteValue(row[i], type: column.type), at: i + 1)
                }
                do {
                    try insert.step()
                } catch let error as SQLiteError {
                    let key = schema.primaryKeyIndex.map { " (key \(JSONWriter.encode(row[$0])))" }
                    throw SQLiteError(
                        code: error.code, description: "table '\(name)'\(key ?? ""): \(error.description)")
                }
                insert.reset()
            }
            if withExtraFields > 0 {
                summary.warnings.append(
                    "table '\(name)': \(withExtraFields) \(withExtraFields == 1 ? "record has" : "records have") fields that are not "
                        + "columns of the schema; SQLite has no place for them and they were not exported")
            }
            summary.tables.append((name, rows.count))
        }
        try sqlite.execute("COMMIT")
        sqlite.close()
        try syncFile(path)
        return summary
    }

    /// `fsync` of a file, so that a rename after it publishes complete contents.
    package static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LineDBError.io(operation: "open", path: path, errno: errno) }
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else { throw LineDBError.io(operation: "fsync", path: path, errno: errno) }
    }
}
