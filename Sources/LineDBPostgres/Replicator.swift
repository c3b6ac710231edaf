#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LineDB

/// What `linedb replicate` is asked to do.
public struct ReplicationOptions: Sendable {
    /// The PostgreSQL connection string (`postgresql://user@host:port/db`), as libpq takes it.
    public var url: String
    /// Names the database in `linedb_replication` (by default, its directory's name).
    public var databaseID: String
    /// Keep applying new WAL entries until ``Replicator/shouldStop`` says so.
    public var follow = false
    /// The tables to replicate (`nil`: all, including tables created later).
    public var tables: [String]?
    /// How long to wait between looks at the WAL when following, in microseconds.
    public var pollMicroseconds: UInt32 = 10_000
    /// Consecutive WAL transactions found waiting together are applied in one PostgreSQL transaction of up to
    /// about this many entries (a transaction is never split).
    public var maxBatchEntries = 1000

    /// Options for replicating to `url` under the name `databaseID`.
    ///
    /// - Parameters:
    ///   - url: the PostgreSQL connection string.
    ///   - databaseID: the database's name in `linedb_replication`.
    public init(url: String, databaseID: String) {
        self.url = url
        self.databaseID = databaseID
    }
}

/// What a replication did.
public struct ReplicationSummary: Sendable {
    /// The tables and record counts of the initial copy (empty when it resumed).
    public var copied: [(table: String, records: Int)] = []
    /// The LSN the initial copy was taken at (`nil` when it resumed).
    public var copiedAtLSN: Int?
    /// WAL transactions applied (that changed a replicated table or only moved the position).
    public var appliedTransactions = 0
    /// Changes (rows inserted, updated, deleted; tables created, dropped) applied.
    public var appliedChanges = 0
    /// The position PostgreSQL holds: every WAL entry up to this LSN is applied.
    public var lsn = 0
}

/// Replicates a LineDB database to PostgreSQL: creates the tables, copies the records with `COPY`, then applies every
/// committed WAL transaction after the copy's LSN, exactly once (the position is stored in `linedb_replication` in
/// the same PostgreSQL transaction as the changes).
///
/// Reads the database's files without opening it for writing: it runs beside the writer, like the browser's WAL
/// pane. The WAL is read with ``WALFollower``, and entries that a checkpoint moved into an archive meanwhile from the
/// archives (the history the time-travel commands read).
///
/// ```swift
/// var options = ReplicationOptions(url: "postgresql://localhost/shop", databaseID: "shop")
/// options.follow = true
/// let replicator = Replicator(databasePath: "data/shop", options: options)
/// try replicator.run()
/// ```
public final class Replicator {
    /// The database directory.
    public let databasePath: String
    /// What to do.
    public let options: ReplicationOptions
    /// Receives notes for the user (a reconnection, a checkpoint followed).
    public var onNote: (String) -> Void = { _ in }
    /// Asked between polls when following: `true` ends ``run()`` (after what was read is applied).
    public var shouldStop: () -> Bool = { false }
    /// What was done so far.
    public private(set) var summary = ReplicationSummary()

    private var schemas: [String: TableSchema] = [:]
    /// The position in PostgreSQL (committed).
    private var stored = 0
    /// The last LSN of the last transaction queued.
    private var consumed = 0
    /// The highest LSN of a WAL line read (from the follower or the archives).
    private var highestSeen = 0
    private var batch: [WALTransaction] = []
    private var batchEntries = 0
    private var tablesText: String { options.tables.map { $0.joined(separator: ",") } ?? "*" }

    /// A replicator of the database at `databasePath`.
    ///
    /// - Parameters:
    ///   - databasePath: the database directory.
    ///   - options: the target and what to replicate.
    public init(databasePath: String, options: ReplicationOptions) {
        self.databasePath = databasePath
        self.options = options
    }

    /// Replicates: the initial copy (unless PostgreSQL already holds a position for this database), then the WAL's
    /// committed transactions, until the end of the WAL (or, with ``ReplicationOptions/follow``, until
    /// ``shouldStop`` returns `true`). When following, a lost connection is retried every second from the position
    /// PostgreSQL holds.
    ///
    /// - Throws: ``ReplicationError`` (PostgreSQL refused a change: the message names the LSN and the record),
    ///   ``PGError`` (cannot connect), `LineDBError` (the database's files).
    public func run() throws {
        var connectedOnce = false
        while true {
            let pg: PGConnection
            do {
                pg = try PGConnection(url: options.url)
            } catch {
                guard connectedOnce, options.follow, !shouldStop() else { throw error }
                sleep(1)
                continue
            }
            connectedOnce = true
            do {
                try session(pg)
                return
            } catch let error as PGError where error.connectionLost && options.follow {
                onNote("lost the connection to PostgreSQL (\(error.message)); reconnecting")
                if shouldStop() { return }
                usleep(200_000)
            }
        }
    }

    // MARK: - A session (one connection)

    private func session(_ pg: PGConnection) throws {
        schemas = [:]
        batch = []
        batchEntries = 0
        try pg.execute(ReplicationState.createSQL)
        if let state = try ReplicationState.read(pg, databaseID: options.databaseID) {
            guard state.tables == tablesText else {
                throw ReplicationError.usage(
                    "replication of '\(options.databaseID)' was started with --tables \(state.tables) "
                        + "(now: \(tablesText)); give the same tables, or start again: drop its tables in "
                        + "PostgreSQL and DELETE its row from \(ReplicationState.tableName)")
            }
            stored = state.lsn
            schemas = try currentSchemas()
        } else {
            try initialCopy(pg)
        }
        summary.lsn = stored
        consumed = stored
        highestSeen = stored
        try applyWAL(pg)
    }

    private func isSelected(_ table: String) -> Bool {
        options.tables.map { $0.contains { String.exactlyEqual($0, table) } } ?? true
    }

    // MARK: - The initial copy

    private func initialCopy(_ pg: PGConnection) throws {
        let db = try Database(path: databasePath, options: DatabaseOptions(syncMode: .full, readOnly: true))
        defer { try? db.close() }
        // A read-only handle does not move until refreshed: its tables are the database as of this LSN.
        let lsn = try db.appliedLSN()
        let all = db.tableNames.sorted()
        var names = all
        if let wanted = options.tables {
            for name in wanted where !all.contains(where: { String.exactlyEqual($0, name) }) {
                throw ReplicationError.usage(
                    "no table '\(name)' in \(databasePath) (its tables: \(all.joined(separator: ", ")))")
            }
            names = wanted
        }
        for name in names {
            if let problem = PGSchemaMapping.problem(with: try db.schema(of: name)) {
                throw ReplicationError.usage(problem + "; leave it out with --tables")
            }
        }
        try pg.execute("BEGIN")
        for name in names {
            let snapshot = try db.browseSnapshot(of: name)
            let schema = snapshot.schema
            let exists = try pg.query(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
                [name])
            if !exists.isEmpty {
                throw ReplicationError.usage(
                    "table '\(name)' already exists in PostgreSQL, and \(ReplicationState.tableName) has no position "
                        + "for '\(options.databaseID)': drop the table there, or replicate under another --id")
            }
            try pg.execute(PGSchemaMapping.createTableSQL(schema))
            let rows = snapshot.rows
            var next = 0
            do {
                _ = try pg.copyIn(PGSchemaMapping.copySQL(schema)) { buffer in
                    while next < rows.count && buffer.count < 1 << 20 {
                        PGSchemaMapping.appendCopyRow(rows[next], columns: schema.columns, to: &buffer)
                        next += 1
                    }
                    return next < rows.count
                }
            } catch let error as PGError where !error.connectionLost {
                throw ReplicationError.refused(copyRefusal(error, schema: schema, rows: rows, lsn: lsn))
            }
            Failpoint.hit("replicate.afterCopy")
            summary.copied.append((name, rows.count))
            schemas[name] = schema
        }
        try pg.run(ReplicationState.insertSQL, [options.databaseID, String(lsn), tablesText])
        Failpoint.hit("replicate.beforeCopyCommit")
        try pg.execute("COMMIT")
        Failpoint.hit("replicate.afterCopyCommit")
        stored = lsn
        summary.copiedAtLSN = lsn
    }

    /// The message for a COPY PostgreSQL refused: the table, the record (COPY's CONTEXT names its line), the LSN.
    private func copyRefusal(_ error: PGError, schema: TableSchema, rows: [[JSONValue]], lsn: Int) -> String {
        var which = ""
        if let context = error.context, let range = context.range(of: "line ") {
            let digits = context[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if let line = Int(digits), line >= 1, line <= rows.count {
                which = ", " + describe(values: rows[line - 1], schema: schema)
            }
        }
        return "PostgreSQL refused the initial copy of table '\(schema.name)' (the database as of lsn \(lsn))"
            + "\(which): \(error.message). Nothing was copied (the copy is one transaction); replication stopped"
    }

    private func describe(values: [JSONValue], schema: TableSchema) -> String {
        var object = JSONObject()
        for (i, column) in schema.columns.enumerated() where i < values.count { object[column.name] = values[i] }
        let key = schema.primaryKeyIndex.map { values.indices.contains($0) ? values[$0] : .null } ?? .null
        return "record with key \(JSONWriter.encode(key)) \(JSONWriter.encode(.object(object)))"
    }

    /// The schemas of the replicated tables, as their files hold them now.
    private func currentSchemas() throws -> [String: TableSchema] {
        let paths = DatabasePaths(root: databasePath)
        var out: [String: TableSchema] = [:]
        guard let dir = opendir(paths.schemaDir) else { return out }
        defer { closedir(dir) }
        while let item = readdir(dir) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let suffix = ".schema.json"
            guard name.hasSuffix(suffix), !name.hasPrefix(".") else { continue }
            let table = String(name.dropLast(suffix.count))
            guard isSelected(table), let bytes = try RealFileIO.shared.readFile(paths.schemaFile(table)) else {
                continue
            }
            var warnings: [String] = []
            out[table] = try TableSchema.parse(
                fileBytes: bytes, path: paths.schemaFile(table), expectedName: table, warnings: &warnings)
        }
        return out
    }

    // MARK: - The WAL

    private func applyWAL(_ pg: PGConnection) throws {
        let follower = WALFollower(databasePath: databasePath)
        var grouper = WALTransactionGrouper()
        var checkGap = true
        var first = true
        while true {
            let events = try follower.pollEvents()
            var lastInFile: Int?
            for event in events {
                switch event {
                case .rotated(.replaced):
                    checkGap = true
                    grouper = WALTransactionGrouper()
                    lastInFile = nil
                case .rotated(.truncated):
                    grouper = WALTransactionGrouper()
                    onNote("wal/transaction.log was cut back by a recovery; reading it again")
                case .entry(let entry):
                    if checkGap {
                        try fillGap(before: entry.lsn, pg)
                        checkGap = false
                    }
                    highestSeen = max(highestSeen, entry.lsn)
                    lastInFile = entry.lsn
                    if let transaction = grouper.add(entry) { try enqueue(transaction, pg) }
                }
            }
            if first {
                first = false
                if checkGap {  // an empty WAL: what the archives hold after the position
                    try fillGap(before: nil, pg)
                    checkGap = false
                }
                if let last = lastInFile, last < stored {
                    throw ReplicationError.cannotResume(
                        "PostgreSQL holds '\(options.databaseID)' through lsn \(stored), but the WAL of "
                            + "\(databasePath) ends at lsn \(last): it is another database, or one restored from an "
                            + "older copy; replicate it under another --id")
                }
            }
            try flush(pg)
            if !options.follow || shouldStop() { return }
            usleep(options.pollMicroseconds)
        }
    }

    /// Reads from the archives the entries after the last one seen and before `lsn` (a checkpoint moved them out of
    /// `transaction.log` before the follower read them).
    private func fillGap(before lsn: Int?, _ pg: PGConnection) throws {
        if let lsn, lsn <= highestSeen + 1 { return }
        let log = try HistoryLog(io: RealFileIO.shared, paths: DatabasePaths(root: databasePath), nowLSN: Int.max)
        var grouper = WALTransactionGrouper()
        var expected = highestSeen + 1
        files: for index in log.firstFile(after: highestSeen)..<log.files.count where !log.files[index].isLive {
            for item in try log.entries(ofFile: index) {
                let entry = item.entry
                if let lsn, entry.lsn >= lsn { break files }
                if entry.lsn > highestSeen {
                    guard entry.lsn == expected else { break files }
                    expected += 1
                }
                if let transaction = grouper.add(entry) { try enqueue(transaction, pg) }
            }
        }
        if let lsn, expected < lsn {
            throw ReplicationError.cannotResume(
                "the WAL entries lsn \(expected)…\(lsn - 1) of \(databasePath) are in no file of wal/ (archives "
                    + "removed?), so PostgreSQL (through lsn \(stored)) cannot be brought up to date; start again: drop "
                    + "the replicated tables in PostgreSQL and DELETE the row of '\(options.databaseID)' from "
                    + ReplicationState.tableName)
        }
        highestSeen = max(highestSeen, expected - 1)
    }

    private func enqueue(_ transaction: WALTransaction, _ pg: PGConnection) throws {
        guard transaction.lastLSN > consumed else { return }
        consumed = transaction.lastLSN
        batch.append(transaction)
        batchEntries += transaction.entries.count
        if batchEntries >= options.maxBatchEntries { try flush(pg) }
    }

    /// Applies the queued transactions and moves the position, in one PostgreSQL transaction.
    private func flush(_ pg: PGConnection) throws {
        guard consumed > stored else { return }
        try pg.execute("BEGIN")
        // First: takes the row's lock, so that two replicators of one database cannot both apply.
        let moved = try pg.run(ReplicationState.advanceSQL, [options.databaseID, String(consumed), String(stored)])
        guard moved == 1 else {
            try? pg.execute("ROLLBACK")
            throw ReplicationError.cannotResume(
                "the position of '\(options.databaseID)' in \(ReplicationState.tableName) is no longer lsn \(stored): "
                    + "another `linedb replicate` is applying this database; stopped")
        }
        var changes = 0
        for transaction in batch {
            for entry in transaction.entries { changes += try apply(entry, pg) }
        }
        Failpoint.hit("replicate.beforeCommit")
        try pg.execute("COMMIT")
        Failpoint.hit("replicate.afterCommit")
        stored = consumed
        summary.lsn = stored
        summary.appliedTransactions += batch.count
        summary.appliedChanges += changes
        batch.removeAll()
        batchEntries = 0
    }

    // MARK: - One entry

    /// Applies one WAL entry; returns how many changes it made (0 for an entry of another table).
    private func apply(_ entry: WALEntry, _ pg: PGConnection) throws -> Int {
        guard let operation = entry.operationKind else {
            throw ReplicationError.refused(
                "lsn \(entry.lsn): the operation '\(entry.operation)' is unknown to linedb replicate; stopped "
                    + "(PostgreSQL holds the database through lsn \(stored))")
        }
        guard let table = entry.table, isSelected(table) else { return 0 }
        do {
            switch operation {
            case .commit, .checkpoint:
                return 0
            case .createTable:
                guard case .object(let object) = entry.record else {
                    throw refusal(entry, "its CREATE_TABLE carries no schema (written by the seed's design), so "
                                  + "PostgreSQL's table cannot be made from it")
                }
                var warnings: [String] = []
                let schema = try TableSchema(object: object, path: nil, expectedName: table, warnings: &warnings)
                if let problem = PGSchemaMapping.problem(with: schema) { throw refusal(entry, problem) }
                try pg.execute(PGSchemaMapping.createTableSQL(schema))
                schemas[table] = schema
            case .dropTable:
                try pg.execute("DROP TABLE \(PGSchemaMapping.quote(table))")
                schemas[table] = nil
            case .insert:
                let schema = try schemaFor(entry, table)
                let record = entry.record.objectValue ?? [:]
                let values = try schema.columns.map { c in try parameter(record[c.name] ?? .null, c.type, entry) }
                let sql = "INSERT INTO \(PGSchemaMapping.quote(table)) ("
                    + schema.columns.map { PGSchemaMapping.quote($0.name) }.joined(separator: ", ") + ") VALUES ("
                    + (1...schema.columns.count).map { "$\($0)" }.joined(separator: ", ") + ")"
                try pg.run(sql, values)
            case .update:
                let schema = try schemaFor(entry, table)
                let pk = schema.primaryKey!
                let record = entry.record.objectValue ?? [:]
                let key = entry.oldRecord.objectValue?[pk.name] ?? record[pk.name] ?? .null
                let present = schema.columns.filter { record[$0.name] != nil }
                guard !present.isEmpty else { return 0 }
                var values = try present.map { c in try parameter(record[c.name]!, c.type, entry) }
                values.append(try parameter(key, pk.type, entry))
                let sql = "UPDATE \(PGSchemaMapping.quote(table)) SET "
                    + present.enumerated().map { "\(PGSchemaMapping.quote($1.name)) = $\($0 + 1)" }
                    .joined(separator: ", ") + " WHERE \(PGSchemaMapping.quote(pk.name)) = $\(present.count + 1)"
                try requireOneRow(try pg.run(sql, values), entry, key: key)
            case .delete:
                let schema = try schemaFor(entry, table)
                let pk = schema.primaryKey!
                let key = entry.oldRecord.objectValue?[pk.name] ?? entry.record.objectValue?[pk.name] ?? .null
                let sql = "DELETE FROM \(PGSchemaMapping.quote(table)) WHERE \(PGSchemaMapping.quote(pk.name)) = $1"
                try requireOneRow(try pg.run(sql, [try parameter(key, pk.type, entry)]), entry, key: key)
            }
            return 1
        } catch let error as PGError where !error.connectionLost {
            throw refusal(entry, error.message)
        }
    }

    private func schemaFor(_ entry: WALEntry, _ table: String) throws -> TableSchema {
        guard let schema = schemas[table] else {
            throw refusal(entry, "PostgreSQL has no table '\(table)' for it (no schema/\(table).schema.json and no "
                          + "CREATE_TABLE since the replicated position)")
        }
        if let problem = PGSchemaMapping.problem(with: schema) { throw refusal(entry, problem) }
        return schema
    }

    /// A value as a text parameter. libpq's text parameters end at a NUL character, so a value holding one would
    /// arrive cut: it is refused here, as PostgreSQL refuses NUL in text.
    private func parameter(_ value: JSONValue, _ type: ColumnType, _ entry: WALEntry) throws -> String? {
        guard let text = PGSchemaMapping.text(value, type: type) else { return nil }
        if text.utf8.contains(0) {
            throw refusal(entry, "PostgreSQL cannot store the NUL character (\\u0000) in text")
        }
        return text
    }

    private func requireOneRow(_ count: Int, _ entry: WALEntry, key: JSONValue) throws {
        guard count != 1 else { return }
        throw refusal(
            entry, "PostgreSQL's table has \(count) rows with key \(JSONWriter.encode(key)) where 1 was expected: the "
                + "replica no longer matches the database (changed by hand?)")
    }

    /// "PostgreSQL refused lsn N (UPDATE of table 't', record {...}): why. …"
    private func refusal(_ entry: WALEntry, _ reason: String) -> ReplicationError {
        var what = "\(entry.operation) of table '\(entry.table ?? "?")'"
        switch entry.operationKind {
        case .insert?, .update?: what += ", record \(JSONWriter.encode(entry.record))"
        case .delete?: what += ", record \(JSONWriter.encode(entry.oldRecord))"
        default: break
        }
        if entry.operationKind == .update, !entry.oldRecord.isNull {
            what += " (was \(JSONWriter.encode(entry.oldRecord)))"
        }
        return .refused(
            "PostgreSQL refused lsn \(entry.lsn) (\(what)): \(reason). Replication stopped; PostgreSQL holds the "
                + "database through lsn \(stored) (nothing after it was applied)")
    }
}
