#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import LineDB
import LineDBSQL

/// Brings the tables of a SQLite file into a LineDB database: all of them or none.
///
/// Everything is read and converted first, and tried on an in-memory database (types, NOT NULL, UNIQUE, keys),
/// so a file LineDB cannot take is refused before the database is touched. Then the tables are created and all
/// records written as one transaction.
enum SQLiteImport {
    /// The tables read from the file, ready to be written.
    struct Plan {
        var tables: [(schema: TableSchema, records: [Record])] = []
        var notes: [String] = []
    }

    /// Reads `file` (only `wanted` tables, when given) and checks that `db` can take them.
    static func read(file: String, tables wanted: [String]?, into db: Database) throws -> Plan {
        let connection = try open(file)
        defer { connection.close() }
        var reader = SQLiteSchemaReader(connection)
        let available: [String]
        do {
            available = try reader.tableNames()
        } catch let error as SQLiteError {
            throw DataError(notADatabase(file, error) ?? error.description)
        }
        let names: [String]
        if let wanted {
            for name in wanted where !available.contains(where: { String.exactlyEqual($0, name) }) {
                throw UsageError(DidYouMean.unknownTable(name, among: available, in: file))
            }
            var seen = NameSet()  // table names compare by their exact scalars, as in SQLite
            names = wanted.filter { seen.insert($0) }
        } else {
            names = available
        }
        guard !names.isEmpty else { throw DataError("\(file) has no tables to import") }
        let existing = NameSet(db.tableNames)
        let clashes = names.filter(existing.contains)
        if !clashes.isEmpty {
            let list = clashes.map { "'\($0)'" }.joined(separator: ", ")
            throw DataError(
                "\(clashes.count == 1 ? "table" : "tables") \(list) already \(clashes.count == 1 ? "exists" : "exist") "
                    + "in \(db.path ?? "the database"); nothing imported (choose other tables with --tables)")
        }
        var plan = Plan()
        for name in names {
            let table = try reader.table(name)
            plan.tables.append((table.schema, try records(of: table, connection: connection, notes: &plan.notes)))
        }
        plan.notes = reader.notes + plan.notes
        try dryRun(plan, file: file)
        return plan
    }

    /// Creates the tables and writes every record in one transaction. If the transaction fails, the tables just
    /// created are dropped again.
    static func apply(_ plan: Plan, to db: Database) throws -> [(name: String, records: Int)] {
        var created: [String] = []
        do {
            for (schema, _) in plan.tables {
                try db.createTable(schema)
                created.append(schema.name)
            }
            try db.transaction { tx in
                for (schema, records) in plan.tables {
                    for record in records { try tx.insert(schema.name, record) }
                }
            }
        } catch {
            for name in created.reversed() { try? db.dropTable(name) }
            throw error
        }
        return plan.tables.map { ($0.schema.name, $0.records.count) }
    }

    /// Opens the file read-only, refusing what is not there (exit 2) or not SQLite (exit 1) in one line.
    private static func open(_ file: String) throws -> SQLiteConnection {
        var status = stat()
        guard stat(file, &status) == 0 else { throw UsageError("no file '\(file)'") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw UsageError("'\(file)' is not a file") }
        do {
            return try SQLiteConnection(path: file, readOnly: true)
        } catch let error as SQLiteError {
            throw DataError(notADatabase(file, error) ?? error.description)
        }
    }

    private static func notADatabase(_ file: String, _ error: SQLiteError) -> String? {
        (error.code & 0xff) == SQLITE_NOTADB ? "\(file) is not a SQLite database" : nil
    }

    /// Every row of a table as LineDB records, converted by the column types.
    private static func records(
        of table: SQLiteSchemaReader.Table, connection: SQLiteConnection, notes: inout [String]
    ) throws -> [Record] {
        let schema = table.schema
        let columns = table.sourceColumns.map { name in schema.column(named: name)! }
        let statement = try connection.prepare(
            "SELECT " + table.sourceColumns.map(SQLiteConnection.quote).joined(separator: ", ") + " FROM "
                + SQLiteConnection.quote(schema.name))
        var result: [Record] = []
        var rowNumber = 0
        var blobs = [Int](repeating: 0, count: columns.count)
        while try statement.step() {
            rowNumber += 1
            var record = Record()
            record.reserveCapacity(columns.count)
            for (i, column) in columns.enumerated() {
                let value = statement.value(i)
                if case .blob = value { blobs[i] += 1 }
                switch SQLiteTypeMapping.lineDBValue(
                    value, type: column.type, textIsJSON: table.textIsJSON[i])
                {
                case .success(let value): record[column.name] = value
                case .failure(let failure):
                    throw DataError(
                        "\(connection.path): table '\(schema.name)', row \(rowNumber), column '\(column.name)' "
                            + "(\(column.type.rawValue)): \(failure.reason); nothing imported")
                }
            }
            result.append(record)
        }
        for (i, count) in blobs.enumerated() where count > 0 {
            notes.append(
                "\(schema.name).\(columns[i].name): \(plural(count, "BLOB value")) imported as base64 text "
                    + "(JSON has no bytes)")
        }
        return result
    }

    /// Writes the plan into an in-memory database, so that every constraint is checked before the real one changes.
    private static func dryRun(_ plan: Plan, file: String) throws {
        let scratch = Database.inMemory()
        defer { try? scratch.close() }
        for (schema, records) in plan.tables {
            do {
                try scratch.createTable(schema)
                try scratch.insert(schema.name, records: records)
            } catch {
                throw ContextError("\(file): table '\(schema.name)'", error)
            }
        }
    }
}
