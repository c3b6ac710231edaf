// linedb-crash-writer: a writer process for the crash and concurrency tests (CrashTests, ConcurrencyTests).
//
//     linedb-crash-writer DIR WORKLOAD SEED full|normal|off [key=value ...]
//
// It opens (recovers) the database in DIR, creates its tables when missing, and writes in a loop. Before each
// call it prints `TRY <json>` (what it is about to do), and after each acknowledged call `ACK <json>` (what the
// engine acknowledged, with the keys it assigned), one line per `write()`, so that the parent, which SIGKILLs it
// at a random moment or through `LINEDB_FAILPOINTS`, knows exactly which writes must survive (ALICE style).
//
// Workloads:
// - `mixed`: inserts, updates, deletes and small transactions on `item` and `event`; `saveEvery=N` and
//   `checkpointEvery=N` add saves and checkpoints (`keepArchives=N`: with DatabaseOptions.historyRetention); `kinds=insert` writes inserts only, `kinds=bulk` only
//   inserts into `bulk`; `final=save|checkpoint|compress|decompress` ends with one; `gzip=1` gzips the tables'
//   records files; `ops=N` bounds the loop; `quiet=1` prints no TRY/ACK lines; `inPlace=0` turns in-place saves
//   off (every save that is not insert-only rewrites the file whole).
// - `import`: one `insert(_:records:)` of `rows=N` records (all or nothing) into `bulk` (or `table=item`).
// - `dropcreate`: drops and recreates table `scratch` with alternating, incompatible schemas, with writes between.
// - `open`: opens, prints what recovery said, closes.
// - `hold`: opens, writes one record, then holds the writer lock until killed; `churn=1` first opens and closes
//   other descriptors on `.lock` and the WAL (and a refused second open) while holding it.
//
// - `mixed` with `writeTable=NAME`: a table writer (DatabaseOptions.writeScope = .tables([NAME]), `wait=SECONDS`
//   for DatabaseOptions.lockWait) that inserts, updates, deletes and runs small transactions on table NAME only
//   (columns as `item`), so that two such processes write two tables of one database at once; a checkpoint that
//   another writer prevents prints `CHECKPOINT-REFUSED` and the loop goes on.
//
// Other lines: `OPEN readOnly=<bool> warnings=<n>`, `WARN <text>`, `SAVED`, `CHECKPOINTED <archive> through=<lsn>`,
// `HOLDING`, `END` (finished and closed; exit 0), `ERR <message>` (exit 3 when locked, 2 otherwise).
// `run=N` makes the tags of this run unique when several runs share a directory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LineDB

// MARK: - Output

/// Writes one line to stdout with `write()` (no buffering: the line is out before the next step starts).
func emit(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(10)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            exit(5)
        }
        offset += n
    }
}

func encode(_ value: JSONValue) -> String { JSONWriter.encode(value) }

func fail(_ error: any Error) -> Never {
    emit("ERR \(error)".replacingNewlines)
    if case LineDBError.locked = error { exit(3) }
    exit(2)
}

extension String {
    var replacingNewlines: String { String(map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
}

// MARK: - Arguments

/// What the command line asked for.
struct Config {
    var directory = ""
    var workload = ""
    var seed: UInt64 = 0
    var syncMode = SyncMode.full
    var settings: [String: String] = [:]

    static func parse(_ arguments: [String]) -> Config {
        guard arguments.count >= 5, let seed = UInt64(arguments[3]), let mode = SyncMode(rawValue: arguments[4]) else {
            emit("ERR usage: linedb-crash-writer DIR WORKLOAD SEED full|normal|off [key=value ...]")
            exit(64)
        }
        var config = Config(directory: arguments[1], workload: arguments[2], seed: seed, syncMode: mode)
        for item in arguments.dropFirst(5) {
            let parts = item.split(separator: "=", maxSplits: 1)
            config.settings[String(parts[0])] = parts.count > 1 ? String(parts[1]) : "1"
        }
        return config
    }

    func setting(_ name: String, _ fallback: Int) -> Int { settings[name].flatMap { Int($0) } ?? fallback }
    var run: Int { setting("run", 0) }
    var quiet: Bool { setting("quiet", 0) != 0 }
}

// MARK: - Schemas

enum Schemas {
    static func make(_ name: String, _ columns: [Column]) -> TableSchema {
        do { return try TableSchema(name, columns: columns) } catch { fail(error) }
    }

    static let item = make("item", [
        Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true),
        Column("qty", .int), Column("price", .float), Column("note", .str),
    ])
    static let event = make("event", [
        Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true),
        Column("item_id", .int), Column("kind", .str),
    ])
    /// Like `item` without the UNIQUE column: the target of the large imports.
    static let bulk = make("bulk", [
        Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false),
        Column("qty", .int), Column("price", .float), Column("note", .str),
    ])
    /// Two incompatible versions of `scratch`: each has a NOT NULL column the other lacks.
    static let scratch = [
        make("scratch", [
            Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true),
            Column("a", .int, nullable: false),
        ]),
        make("scratch", [
            Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true),
            Column("b", .str, nullable: false), Column("c", .float),
        ]),
    ]
}

// MARK: - The writer

/// One write of a call, as planned (TRY) and as acknowledged (ACK).
enum Planned {
    case insert(String, Record)
    case update(String, Int, changes: Record, full: Record)
    case delete(String, Int)
}

final class Writer {
    let db: Database
    let config: Config
    var rng: SplitMix64
    /// The acknowledged state, table by table (what the parent's model holds too).
    var live: [String: [Int: Record]] = [:]
    var sequence = 0

    init(db: Database, config: Config) {
        self.db = db
        self.config = config
        rng = SplitMix64(state: config.seed &* 0x1000_0000_01B3 &+ UInt64(config.run) &* 7919)
    }

    func load() throws {
        live = [:]
        for name in db.tableNames {
            var rows: [Int: Record] = [:]
            for record in try db.select(name) { rows[record["id"]!.intValue!] = record }
            live[name] = rows
        }
    }

    func ensure(_ schemas: [TableSchema]) throws {
        for schema in schemas where !db.tableNames.contains(schema.name) { try create(schema) }
    }

    func create(_ schema: TableSchema) throws {
        let op: JSONValue = [
            "op": "create", "table": .string(schema.name), "columns": .array(schema.columns.map { .string($0.name) }),
        ]
        let line = encode(["ops": [op]])
        emit("TRY " + line)
        try db.createTable(schema)
        live[schema.name] = [:]
        emit("ACK " + line)
    }

    func drop(_ name: String) throws {
        let line = encode(["ops": [["op": "drop", "table": .string(name)]]])
        emit("TRY " + line)
        try db.dropTable(name)
        live.removeValue(forKey: name)
        emit("ACK " + line)
    }

    func nextTag() -> String {
        sequence += 1
        return "s\(config.seed)-r\(config.run)-\(sequence)"
    }

    func note() -> JSONValue {
        switch rng.below(7) {
        case 0: return .null
        case 1: return "plain"
        case 2: return "quote \" and backslash \\ and slash /"
        case 3: return "line\nbreak\ttab\r\u{01}\u{1F}"
        case 4: return "unicode é ß 中文 😀 \u{2028}"
        case 5: return .string(String(repeating: "x", count: rng.below(2000)))
        default: return .string("n\(rng.below(1_000_000))")
        }
    }

    func itemRecord() -> Record {
        ["tag": .string(nextTag()), "qty": .int(rng.below(1000)), "price": .double(Double(rng.below(40_000)) / 4),
         "note": note()]
    }

    func eventRecord() -> Record {
        let items = keys("item")
        let itemID: JSONValue = items.isEmpty || rng.below(4) == 0 ? .null : .int(items[rng.below(items.count)])
        let kinds: [JSONValue] = ["created", "moved", "sold", .null]
        return ["tag": .string(nextTag()), "item_id": itemID, "kind": kinds[rng.below(kinds.count)]]
    }

    func keys(_ table: String) -> [Int] { (live[table] ?? [:]).keys.sorted() }

    func changes(for table: String) -> Record {
        switch table == config.settings["writeTable"] ? "item" : table {
        case "item":
            var c = Record()
            if rng.below(2) == 0 { c["qty"] = .int(rng.below(1000)) }
            if rng.below(2) == 0 { c["price"] = .double(Double(rng.below(40_000)) / 4) }
            if c.isEmpty || rng.below(2) == 0 { c["note"] = note() }
            return c
        case "event":
            return ["kind": rng.below(2) == 0 ? "updated" : .null]
        case "scratch":
            if live["scratch"]?.values.first?["a"] != nil { return ["a": .int(rng.below(100))] }
            return ["b": .string("b\(rng.below(100))"), "c": .double(Double(rng.below(100)) / 2)]
        default:
            return [:]
        }
    }

    /// Plans an update of `key` (the full record it must become).
    func planUpdate(_ table: String, _ key: Int) -> Planned {
        let c = changes(for: table)
        var full = live[table]![key]!
        for (k, v) in c { full[k] = v }
        return .update(table, key, changes: c, full: full)
    }

    func planned(_ ops: [Planned], keys assigned: [Int?]) -> JSONValue {
        var list: [JSONValue] = []
        for (i, op) in ops.enumerated() {
            switch op {
            case .insert(let table, let record):
                var full = Record()
                if let key = assigned[i] { full["id"] = .int(key) }
                for (k, v) in record { full[k] = v }
                list.append([
                    "op": "insert", "table": .string(table), "key": assigned[i].map { .int($0) } ?? .null,
                    "record": .object(full),
                ])
            case .update(let table, let key, _, let full):
                list.append(["op": "update", "table": .string(table), "key": .int(key), "record": .object(full)])
            case .delete(let table, let key):
                list.append(["op": "delete", "table": .string(table), "key": .int(key)])
            }
        }
        return ["ops": .array(list)]
    }

    /// Prints TRY, performs the writes (several as one transaction), prints ACK and updates the mirror.
    func perform(_ ops: [Planned]) throws {
        if !config.quiet { emit("TRY " + encode(planned(ops, keys: Array(repeating: nil, count: ops.count)))) }
        var assigned: [Int?] = Array(repeating: nil, count: ops.count)
        var returned: [Record?] = Array(repeating: nil, count: ops.count)
        func apply(
            _ i: Int, insert: (String, Record) throws -> JSONValue, update: (String, Int, Record) throws -> Record,
            delete: (String, Int) throws -> Record
        ) throws {
            switch ops[i] {
            case .insert(let table, let record): assigned[i] = try insert(table, record).intValue
            case .update(let table, let key, let c, _): returned[i] = try update(table, key, c)
            case .delete(let table, let key): returned[i] = try delete(table, key)
            }
        }
        if ops.count == 1 {
            try apply(
                0, insert: { try db.insert($0, $1) }, update: { try db.update($0, key: .int($1), set: $2) },
                delete: { try db.delete($0, key: .int($1)) })
        } else {
            try db.transaction { tx in
                for i in ops.indices {
                    try apply(
                        i, insert: { try tx.insert($0, $1) }, update: { try tx.update($0, key: .int($1), set: $2) },
                        delete: { try tx.delete($0, key: .int($1)) })
                }
            }
        }
        // The engine must have done exactly what was planned.
        for (i, op) in ops.enumerated() {
            switch op {
            case .insert(let table, var record):
                guard let key = assigned[i] else { fail(LineDBError.invalidInput(reason: "insert gave no int key")) }
                record["id"] = .int(key)
                live[table, default: [:]][key] = record
            case .update(let table, let key, _, let full):
                if let got = returned[i], Dictionary(uniqueKeysWithValues: got.map { ($0.key, $0.value) })
                    != Dictionary(uniqueKeysWithValues: full.map { ($0.key, $0.value) })
                {
                    let reason = "update returned \(encode(.object(got))), planned \(encode(.object(full)))"
                    fail(LineDBError.invalidInput(reason: reason))
                }
                live[table]![key] = full
            case .delete(let table, let key):
                live[table]!.removeValue(forKey: key)
            }
        }
        if !config.quiet { emit("ACK " + encode(planned(ops, keys: assigned))) }
    }

    /// One step of the `mixed` workload.
    func mixedStep(insertOnly: Bool, bulk: Bool = false) throws {
        if bulk {
            try perform([.insert("bulk", ["tag": .string(nextTag()), "qty": .int(rng.below(1000)), "price": 0.25,
                                          "note": .null])])
            return
        }
        let items = keys("item")
        let events = keys("event")
        let roll = rng.below(100)
        if insertOnly || roll < 45 || items.count < 3 {
            try perform([rng.below(5) == 0 ? .insert("event", eventRecord()) : .insert("item", itemRecord())])
        } else if roll < 65 {
            try perform([planUpdate("item", items[rng.below(items.count)])])
        } else if roll < 72, !events.isEmpty {
            try perform([planUpdate("event", events[rng.below(events.count)])])
        } else if roll < 88 {
            if rng.below(3) == 0, !events.isEmpty {
                try perform([.delete("event", events[rng.below(events.count)])])
            } else {
                try perform([.delete("item", items[rng.below(items.count)])])
            }
        } else {
            // A transaction of 2-5 writes on distinct existing records, plus new ones.
            var ops: [Planned] = []
            var touched: Set<Int> = []
            for _ in 0..<(2 + rng.below(4)) {
                let key = items[rng.below(items.count)]
                switch rng.below(4) {
                case 0: ops.append(.insert("item", itemRecord()))
                case 1: ops.append(.insert("event", eventRecord()))
                case 2 where !touched.contains(key):
                    touched.insert(key)
                    ops.append(planUpdate("item", key))
                default:
                    if !touched.contains(key) {
                        touched.insert(key)
                        ops.append(.delete("item", key))
                    }
                }
            }
            if ops.isEmpty { ops.append(.insert("item", itemRecord())) }
            try perform(ops)
        }
    }

    /// One step of the `mixed` workload of a table writer (`writeTable=NAME`): its own table only.
    func tableStep(_ table: String) throws {
        let keys = keys(table)
        let roll = rng.below(100)
        if roll < 45 || keys.count < 3 {
            try perform([.insert(table, itemRecord())])
        } else if roll < 70 {
            try perform([planUpdate(table, keys[rng.below(keys.count)])])
        } else if roll < 85 {
            try perform([.delete(table, keys[rng.below(keys.count)])])
        } else {
            var ops: [Planned] = [.insert(table, itemRecord())]
            var touched: Set<Int> = []
            for _ in 0..<(1 + rng.below(3)) {
                let key = keys[rng.below(keys.count)]
                guard touched.insert(key).inserted else { continue }
                ops.append(rng.below(2) == 0 ? planUpdate(table, key) : .delete(table, key))
            }
            try perform(ops)
        }
    }

    func save() throws {
        emit("TRY save")
        try db.save()
        emit("SAVED")
    }

    func checkpoint() throws {
        emit("TRY checkpoint")
        let summary: CheckpointSummary
        do {
            summary = try db.checkpoint()
        } catch {
            guard config.settings["writeTable"] != nil, case .locked = error else { throw error }
            emit("CHECKPOINT-REFUSED")  // another table writer is open: a checkpoint needs every table
            return
        }
        emit("CHECKPOINTED \(summary.archive ?? "-") through=\(summary.throughLSN)")
    }

    /// Opens and closes other descriptors on `.lock` and the WAL while holding the lock (E3).
    func churn() throws {
        for _ in 0..<10 {
            for path in [config.directory + "/.lock", config.directory + "/wal/transaction.log"] {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                if fd >= 0 { close(fd) }
            }
            _ = db.stats()
            _ = try db.walEntries()
            _ = try Database.readWAL(path: config.directory + "/wal/transaction.log")
            do {
                let second = try Database(path: config.directory)
                try? second.close()
                fail(LineDBError.invalidInput(reason: "a second open in the same process was not refused"))
            } catch {
                // (Not `catch LineDBError.locked`: Swift 6.3.1's optimizer crashes on that pattern here, -c release.)
                guard case .locked = error else { throw error }
                // Refused, as it must be; the refused open closed its own descriptor on .lock.
            }
        }
    }
}

/// The records of an import, numbered from 0 (the parent builds the same ones).
func importRecord(prefix: String, _ i: Int) -> Record {
    ["tag": .string("\(prefix)\(i)"), "qty": .int(i), "price": .double(Double(i % 4000) / 4), "note": .null]
}

// MARK: - Main

func runWorkload(_ config: Config) -> Never {
    var options = DatabaseOptions(syncMode: config.syncMode)
    options.autoCheckpointBytes = config.settings["autoCheckpoint"].flatMap { Int($0) }
    options.historyRetention = config.settings["keepArchives"].flatMap { Int($0) }.map { .keepArchives($0) }
    options.inPlaceSaves = config.settings["inPlace"] != "0"
    options.gzipArchives = config.settings["gzipArchives"] != "0"
    if let table = config.settings["writeTable"] {
        options.writeScope = .tables([table])
        options.lockWait = config.settings["wait"].flatMap { Double($0) } ?? 0
    }
    let db: Database
    do {
        db = try Database(path: config.directory, options: options)
    } catch {
        fail(error)
    }
    emit("OPEN readOnly=\(db.isReadOnly) warnings=\(db.warnings.count)")
    for warning in db.warnings { emit("WARN " + warning.replacingNewlines) }

    let writer = Writer(db: db, config: config)
    do {
        try writer.load()
        switch config.workload {
        case "open":
            var counts = Record()
            for name in db.tableNames { counts[name] = .int(try db.count(name)) }
            emit("STATE " + encode(.object(counts)))
        case "mixed":
            let bulk = config.settings["kinds"] == "bulk"
            let own = config.settings["writeTable"]
            if let own {
                try writer.ensure([Schemas.make(own, Schemas.item.columns)])
            } else {
                try writer.ensure(bulk ? [Schemas.bulk] : [Schemas.item, Schemas.event])
            }
            if config.settings["gzip"] == "1" { try db.compressTables() }  // gzipped records files
            let saveEvery = config.setting("saveEvery", 0)
            let checkpointEvery = config.setting("checkpointEvery", 0)
            let insertOnly = config.settings["kinds"] == "insert"
            for i in 0..<config.setting("ops", 1_000_000) {
                if saveEvery > 0, i > 0, i % saveEvery == 0 { try writer.save() }
                if checkpointEvery > 0, i > 0, i % checkpointEvery == 0 { try writer.checkpoint() }
                if let own { try writer.tableStep(own) } else { try writer.mixedStep(insertOnly: insertOnly, bulk: bulk) }
            }
            switch config.settings["final"] {
            case "save": try writer.save()
            case "checkpoint": try writer.checkpoint()
            case "compress", "decompress":
                let summary = config.settings["final"] == "compress" ? try db.compressTables() : try db.decompressTables()
                emit("SWITCHED \(summary.switched.joined(separator: ","))")
            default: break
            }
        case "import":
            let schema = config.settings["table"] == "item" ? Schemas.item : Schemas.bulk
            try writer.ensure([schema])
            let rows = config.setting("rows", 100_000)
            let prefix = "imp-r\(config.run)-"
            var op: JSONObject = [
                "op": "import", "table": .string(schema.name), "n": .int(rows), "prefix": .string(prefix),
            ]
            let records = (0..<rows).map { importRecord(prefix: prefix, $0) }
            emit("TRY " + encode(["ops": [.object(op)]]))
            let keys = try db.insert(schema.name, records: records)
            // The keys of an import are consecutive; the ACK gives the first.
            let first = keys.first?.intValue ?? 0
            guard keys.enumerated().allSatisfy({ $0.element == .int(first + $0.offset) }) else {
                fail(LineDBError.invalidInput(reason: "import keys are not consecutive from \(first)"))
            }
            op["first"] = .int(first)
            emit("ACK " + encode(["ops": [.object(op)]]))
        case "dropcreate":
            for _ in 0..<config.setting("ops", 1_000_000) {
                if db.tableNames.contains("scratch") { try writer.drop("scratch") }
                let schema = Schemas.scratch[writer.rng.below(2)]
                try writer.create(schema)
                for _ in 0..<3 {
                    let record: Record = schema.index(of: "a") != nil
                        ? ["tag": .string(writer.nextTag()), "a": .int(writer.rng.below(100))]
                        : ["tag": .string(writer.nextTag()), "b": .string("b\(writer.rng.below(100))"), "c": 1.5]
                    try writer.perform([.insert("scratch", record)])
                }
                let keys = writer.keys("scratch")
                try writer.perform([writer.planUpdate("scratch", keys[writer.rng.below(keys.count)])])
            }
        case "hold":
            try writer.ensure([Schemas.item, Schemas.event])
            try writer.perform([.insert("item", writer.itemRecord())])
            if config.settings["churn"] != nil { try writer.churn() }
            emit("HOLDING")
            while true { sleep(60) }
        default:
            emit("ERR unknown workload '\(config.workload)'")
            exit(64)
        }
        try db.close()
    } catch {
        fail(error)
    }
    emit("END")
    exit(0)
}

runWorkload(Config.parse(CommandLine.arguments))
