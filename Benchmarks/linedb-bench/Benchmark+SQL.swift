import CSQLite
import Foundation
import LineDB
import LineDBSQL

#if canImport(Glibc)
import Glibc
#endif

/// `--sql` (issue 13, "Speed and memory"): the same queries through LineDB's virtual tables (``SQLSession``) and
/// on native SQLite tables holding the same rows, side by side in one process; and, in a child process, the RSS a
/// full scan adds to an open table.
///
/// Data (``SQLBenchData``): `item` (N rows: `id` int primary key, `sku` str UNIQUE, `name` str with nulls, `qty` int
/// with nulls, `price` float with nulls, `owner` int) and `owner` (N/10 rows: `id` int primary key, `name`,
/// `region`), joined on `item.owner = owner.id`. SQLite gets the same tables in memory (`:memory:`, the fastest
/// native case), declared with the same types (`INTEGER PRIMARY KEY`, `TEXT UNIQUE`, `INTEGER`, `REAL`).
///
/// Both sides do the same work per query: prepare the SQL, bind, step, read every column of every row into a
/// `[SQLiteValue]`, finalize (``SQLSession/run(_:parameters:row:columns:)`` has no statement cache, so the native
/// side prepares each time too).
extension Benchmark {
    /// `--sql`: the whole SQL comparison, then the summary.
    static func runSQLMode(_ options: BenchOptions) -> Never { runMode(options) { try $0.sqlComparison() } }

    /// One mode of the benchmark (`--sql`, `--typed`, `--browser`...): a bench, its header, `body`, the summary and
    /// the load average; exit 1 with the error if `body` throws.
    static func runMode(_ options: BenchOptions, _ body: (Benchmark) throws -> Void) -> Never {
        do {
            let bench = try Benchmark(options: options)
            defer { bench.cleanUp() }
            bench.printHeader()
            try body(bench)
            bench.report.printSummary()
            print("\nload average at the end: \(bench.loadAverage())")
        } catch {
            printError("linedb-bench: \(error)")
            exit(1)
        }
        exit(0)
    }

    func sqlComparison() throws {
        let owners = SQLBenchData.ownerCount(n)
        report.section("SQL: LineDB virtual tables (SQLSession) vs native SQLite (:memory:), \(grouped(Double(n))) "
            + "items, \(grouped(Double(owners))) owners")
        let dir = root + "/linedb-sql"
        let (_, tl) = try timed { try SQLBenchData.makeLineDB(at: dir, items: n) }
        report.line("LineDB database made and saved in \(duration(tl)) (\(mb(fileSize(dir + "/data/item.records"))) "
            + "item records)")
        let native = try SQLiteDB(path: ":memory:")
        defer { native.close() }
        let (_, ts) = try timed { try SQLBenchData.fillSQLite(native, items: n) }
        report.line("SQLite :memory: filled in \(duration(ts))")

        do {
            let db = try Database(path: dir)
            defer { try? db.close() }
            let session = try SQLSession(database: db)
            try sqlPointQueries(session: session, native: native)
            try sqlScans(session: session, native: native)
        }
        try sqlScanMemory(dir)  // the database closed: the child takes the writer lock
    }

    // MARK: Point queries

    private func sqlPointQueries(session: SQLSession, native: SQLiteDB) throws {
        let count = options.lookups
        report.section("SQL point queries, \(grouped(Double(count))) random keys each, one statement per query "
            + "(prepare, bind, step, read all columns, finalize)")
        let keys = (0..<count).map { i in Int(truncatingIfNeeded: SQLBenchData.mix(i &+ 77) % UInt64(n)) }
        let cases: [(label: String, sql: String, target: String, argument: (Int) -> SQLiteValue)] = [
            ("point query by primary key", "SELECT * FROM item WHERE id = ?1", "≤ 2×", { .integer(Int64($0 + 1)) }),
            ("point query by UNIQUE column", "SELECT * FROM item WHERE sku = ?1", "≤ 2×",
             { .text(SQLBenchData.sku($0)) }),
        ]
        for c in cases {
            var mine = Samples()
            var theirs = Samples()
            var found = (0, 0)
            // Rounds alternate the side that goes first, so drift on the shared machine hits both.
            let rounds = 10
            for round in 0..<rounds {
                let part = keys[(round * count / rounds)..<((round + 1) * count / rounds)]
                func lineDB() throws {
                    for k in part {
                        let a = c.argument(k)
                        let start = nowNanos()
                        var rows = 0
                        try session.run(c.sql, parameters: ["1": a], row: { _ in rows += 1 })
                        mine.add(Double(nowNanos() - start) / 1e9)
                        found.0 += rows
                    }
                }
                func sqlite() throws {
                    for k in part {
                        let a = c.argument(k)
                        let start = nowNanos()
                        found.1 += try native.rows(c.sql, a) { _ in }
                        theirs.add(Double(nowNanos() - start) / 1e9)
                    }
                }
                if round % 2 == 0 { try lineDB(); try sqlite() } else { try sqlite(); try lineDB() }
            }
            guard found.0 == count, found.1 == count else {
                throw BenchError("\(c.label): LineDB found \(found.0), SQLite \(found.1) of \(count)")
            }
            report.line(latencyLine("LineDB  " + c.label, mine))
            report.line(latencyLine("SQLite  " + c.label, theirs))
            addSQLRow(c.label, mine, theirs, limit: 2)
        }
    }

    // MARK: Scans

    /// The whole-table queries of the comparison (each returns a few rows, so the time is the scan's).
    static let sqlScanQueries: [(label: String, sql: String)] = [
        ("GROUP BY with count/avg (full scan)",
         "SELECT name, count(*), avg(price), count(qty) FROM item GROUP BY name"),
        ("filter + sort + LIMIT",
         "SELECT id, sku, name, price FROM item WHERE qty > 900 AND price IS NOT NULL ORDER BY price DESC, id "
            + "LIMIT 10"),
        ("join on a key + GROUP BY",
         "SELECT o.region, count(*), avg(i.price) FROM item AS i JOIN owner AS o ON o.id = i.owner "
            + "GROUP BY o.region"),
    ]

    private func sqlScans(session: SQLSession, native: SQLiteDB) throws {
        // At 100,000 rows (--quick) a query takes milliseconds, which the shared machine's noise swamps: more runs.
        let repeats = n < 1_000_000 ? 15 : max(options.bigRepeats, 5)
        report.section("SQL over the whole table, \(repeats) runs each, alternating which side goes first")
        for q in Self.sqlScanQueries {
            report.line(q.sql)
            for (side, plan) in [("LineDB", try session.query("EXPLAIN QUERY PLAN " + q.sql).rows),
                                 ("SQLite", try native.collect("EXPLAIN QUERY PLAN " + q.sql))] {
                let steps = plan.map { row -> String in
                    if case .text(let s)? = row.last { return s }
                    return "?"
                }
                report.line("  plan \(side): " + steps.joined(separator: "; "))
            }
            var mine = Samples()
            var theirs = Samples()
            var results: ([[SQLiteValue]], [[SQLiteValue]]) = ([], [])
            for rep in 0..<repeats {
                func lineDB() throws {
                    let (r, t) = try timed { try session.query(q.sql).rows }
                    mine.add(t)
                    results.0 = r
                }
                func sqlite() throws {
                    let (r, t) = try timed { try native.collect(q.sql) }
                    theirs.add(t)
                    results.1 = r
                }
                if rep % 2 == 0 { try lineDB(); try sqlite() } else { try sqlite(); try lineDB() }
            }
            guard SQLBenchData.same(results.0, results.1) else {
                throw BenchError("\(q.label): LineDB and SQLite disagree:\n\(results.0.prefix(5))\n\(results.1.prefix(5))")
            }
            report.line("  LineDB median \(right(duration(mine.median), 9)) (min \(duration(mine.min))),  SQLite "
                + "median \(right(duration(theirs.median), 9)) (min \(duration(theirs.min))),  ratio "
                + "\(ratio(mine.median, theirs.median)); \(results.0.count) rows, identical")
            addSQLRow(q.label, mine, theirs, limit: 2)
        }
    }

    private func addSQLRow(_ label: String, _ mine: Samples, _ theirs: Samples, limit: Double) {
        let r = mine.median / theirs.median
        report.add(SummaryRow(
            measurement: "SQL " + label, lineDB: duration(mine.median), sqlite: duration(theirs.median),
            ratio: ratio(mine.median, theirs.median), target: "≤ \(fixed(limit, 0))× SQLite", met: r <= limit))
    }

    // MARK: Memory

    /// The RSS a full scan adds, measured in a fresh child (`--sql-rss-child DIR`) so that this process's own
    /// copies of the data do not count.
    private func sqlScanMemory(_ dir: String) throws {
        report.section("SQL full scan memory, in a fresh child process")
        let (status, text) = try Benchmark.runChild(["--sql-rss-child", dir])
        let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard status == 0, f.count >= 6, f[0] == "SQLRSS", let base = Double(f[1]), let open = Double(f[2]),
            let peak = Double(f[3]), let after = Double(f[4]), let rows = Int(f[5])
        else { throw BenchError("the SQL memory child failed (status \(status)): \(text)") }
        let table = open - base
        let added = peak - open
        report.line("RSS before open \(fixed(base, 1)) MiB, after open + SQLSession \(fixed(open, 1)) MiB (the "
            + "table's own: \(fixed(table, 1)) MiB)")
        report.line("scans (SELECT * streamed, \(grouped(Double(rows))) rows; then the GROUP BY and an aggregate over "
            + "every column): peak \(fixed(peak, 1)) MiB, after \(fixed(after, 1)) MiB")
        report.line("a full scan adds \(fixed(added, 1)) MiB = \(fixed(100 * added / table, 1)) % of the table's RSS")
        report.add(SummaryRow(
            measurement: "SQL full scan: RSS added / table's RSS", lineDB: "\(fixed(added, 1)) / \(fixed(table, 0)) MiB",
            sqlite: "", ratio: fixed(100 * added / table, 1) + " %", target: "≤ 10 %", met: added <= 0.1 * table))
    }

    /// The child side of ``sqlScanMemory(_:)``: open, scan, print `SQLRSS base open peak after rows` (MiB).
    static func runSQLMemoryChild(_ dir: String) -> Never {
        do {
            let base = currentRSSMiB()
            let db = try Database(path: dir)
            let session = try SQLSession(database: db)
            _ = try session.query("SELECT count(*) FROM owner")  // the first statement's own allocations
            let open = currentRSSMiB()
            // The peak from here on: clear_refs "5" resets VmHWM to the current RSS (Linux ≥ 4.0).
            let reset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
            guard reset else { throw BenchError("cannot reset the peak RSS (/proc/self/clear_refs)") }
            var rows = 0
            try session.run("SELECT * FROM item", row: { _ in rows += 1 })
            _ = try session.query(sqlScanQueries[0].sql)
            _ = try session.query("SELECT max(sku), max(name), sum(qty), avg(price), max(owner) FROM item")
            let peak = peakRSSMiB()
            print("SQLRSS \(base) \(open) \(peak) \(currentRSSMiB()) \(rows)")
            try db.close()
            exit(0)
        } catch {
            printError("SQL memory child on \(dir) failed: \(error)")
            exit(1)
        }
    }
}

/// The generated data of `--sql`: row `i` is always the same, for both engines.
enum SQLBenchData {
    /// SplitMix64's finaliser: the source of every "random" field.
    static func mix(_ i: Int) -> UInt64 {
        var z = UInt64(bitPattern: Int64(i)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func ownerCount(_ items: Int) -> Int { max(items / 10, 1) }

    private static let names = [
        "bolt", "nut", "washer", "screw", "gear", "spring", "valve", "pump", "hose", "clamp", "bracket", "hinge",
        "lever", "piston", "rotor", "stator", "fuse", "relay", "sensor", "switch", "cable", "plug", "socket", "lamp",
        "mötor", "grüne Feder", "éclair", "ångström", "naïve", "Ŝpring", "水泵", "阀门", "ポンプ", "насос", "κλειδί",
        "", "bolt ", "Bolt", "BOLT", "o'clock",
    ]
    private static let regions = [
        "north", "south", "east", "west", "centre", "nord", "süd", "ost", "west-2", "île", "東", "西",
    ]

    /// The UNIQUE `sku` of item `i`.
    static func sku(_ i: Int) -> String { "SKU-\(String(i, radix: 36, uppercase: true))-\(i % 97)" }

    /// Item `i` in column order: id, sku, name, qty, price, owner (nulls: name 2 %, qty 5 %, price 3 %).
    static func item(_ i: Int, owners: Int) -> [JSONValue] {
        let r = mix(i)
        let name: JSONValue = r % 50 == 0 ? .null : .string(names[Int((r >> 8) % UInt64(names.count))])
        let qty: JSONValue = (r >> 16) % 20 == 0 ? .null : .int(Int((r >> 24) % 1000))
        let price: JSONValue = (r >> 34) % 33 == 0 ? .null : .double(Double((r >> 40) % 100_000) / 100)
        return [.int(i + 1), .string(sku(i)), name, qty, price, .int(1 + Int(mix(i &+ 1_000_003) % UInt64(owners)))]
    }

    /// Owner `i` in column order: id, name, region.
    static func owner(_ i: Int) -> [JSONValue] {
        [.int(i + 1), .string("owner \(i + 1)"), .string(regions[Int(mix(i &+ 555) % UInt64(regions.count))])]
    }

    static func itemSchema() throws -> TableSchema {
        try TableSchema("item", columns: [
            Column("id", .int, primaryKey: true), Column("sku", .str, unique: true), Column("name", .str),
            Column("qty", .int), Column("price", .float), Column("owner", .int, nullable: false),
        ])
    }

    static func ownerSchema() throws -> TableSchema {
        try TableSchema("owner", columns: [
            Column("id", .int, primaryKey: true), Column("name", .str), Column("region", .str),
        ])
    }

    /// Creates the LineDB database at `dir` with both tables, saved.
    static func makeLineDB(at dir: String, items: Int) throws {
        try? FileManager.default.removeItem(atPath: dir)
        var options = DatabaseOptions()
        options.autoCheckpointBytes = nil
        let db = try Database(path: dir, options: options)
        defer { try? db.close() }
        let owners = ownerCount(items)
        for (schema, count, make) in [
            (try itemSchema(), items, { item($0, owners: owners) }),
            (try ownerSchema(), owners, owner),
        ] as [(TableSchema, Int, (Int) -> [JSONValue])] {
            try db.createTable(schema)
            let names = schema.columns.map(\.name)
            var start = 0
            while start < count {  // batches of 100,000 keep the generated records small
                let end = min(start + 100_000, count)
                let records = (start..<end).map { i -> Record in
                    var r = Record(minimumCapacity: names.count)
                    for (name, v) in zip(names, make(i)) { r[name] = v }
                    return r
                }
                _ = try db.insert(schema.name, records: records)
                start = end
            }
        }
        try db.checkpoint()
    }

    /// Creates and fills the same tables in `db`.
    static func fillSQLite(_ db: SQLiteDB, items: Int) throws {
        try db.exec("""
            CREATE TABLE item(id INTEGER PRIMARY KEY, sku TEXT UNIQUE, name TEXT, qty INTEGER, price REAL,
                              owner INTEGER NOT NULL);
            CREATE TABLE owner(id INTEGER PRIMARY KEY, name TEXT, region TEXT);
            BEGIN;
            """)
        let owners = ownerCount(items)
        for (sql, count, make) in [
            ("INSERT INTO item VALUES(?, ?, ?, ?, ?, ?)", items, { item($0, owners: owners) }),
            ("INSERT INTO owner VALUES(?, ?, ?)", owners, owner),
        ] as [(String, Int, (Int) -> [JSONValue])] {
            let s = try db.prepare(sql)
            defer { s.finalize() }
            for i in 0..<count {
                for (c, v) in make(i).enumerated() { s.bind(Int32(c + 1), v) }
                try s.step()
                s.reset()
            }
        }
        try db.exec("COMMIT; ANALYZE;")
    }

    /// Whether two results are the same rows (reals equal to 1e-9, relatively: sums may be taken in another order).
    static func same(_ a: [[SQLiteValue]], _ b: [[SQLiteValue]]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            guard x.count == y.count else { return false }
            for (u, v) in zip(x, y) {
                if case .real(let p) = u, case .real(let q) = v {
                    if abs(p - q) > 1e-9 * max(abs(p), abs(q), 1) { return false }
                } else if u != v {
                    return false
                }
            }
        }
        return true
    }
}

extension SQLiteDB {
    /// Prepares `sql`, binds `argument` to `?1`, steps through every row reading all its columns, finalizes;
    /// returns the number of rows (what ``SQLSession/run(_:parameters:row:columns:)`` does for one statement).
    func rows(_ sql: String, _ argument: SQLiteValue? = nil, _ body: ([SQLiteValue]) -> Void) throws -> Int {
        let s = try prepare(sql)
        defer { s.finalize() }
        if let argument { s.bind(1, argument) }
        var count = 0
        while try s.step() {
            body(s.values())
            count += 1
        }
        return count
    }

    /// All rows of `sql`.
    func collect(_ sql: String) throws -> [[SQLiteValue]] {
        var out: [[SQLiteValue]] = []
        _ = try rows(sql) { out.append($0) }
        return out
    }
}

extension SQLiteStatement {
    func bind(_ i: Int32, _ value: SQLiteValue) {
        switch value {
        case .null: bind(i, JSONValue.null)
        case .integer(let v): bind(i, JSONValue.int(Int(v)))
        case .real(let d): bind(i, JSONValue.double(d))
        case .text(let s): bind(i, JSONValue.string(s))
        case .blob: bind(i, JSONValue.null)
        }
    }
}

extension SQLiteStatement {
    /// Every column of the current row, as ``SQLSession`` hands rows over.
    func values() -> [SQLiteValue] {
        guard let stmt else { return [] }
        return (0..<sqlite3_column_count(stmt)).map { c -> SQLiteValue in
            switch sqlite3_column_type(stmt, c) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, c))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, c))
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(stmt, c))
                guard let base = sqlite3_column_text(stmt, c) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(stmt, c))
                guard let base = sqlite3_column_blob(stmt, c) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
            default: return .null
            }
        }
    }
}

/// `--profile-sql DIR SIDE`: internal, for `valgrind --tool=callgrind --toggle-collect='*sqlProfileTarget*'`: makes
/// the `--sql` data in DIR (when it is not there; `--records N`), then runs each scan query once and 2,000 point
/// queries of each kind on SIDE (`linedb` or `sqlite`) inside ``sqlProfileTarget(_:_:)``, so that the instruction
/// counts are the queries' alone.
enum SQLProfile {
    static func run(dir: String, side: String, items: Int) -> Never {
        do {
            if !FileManager.default.fileExists(atPath: dir) { try SQLBenchData.makeLineDB(at: dir, items: items) }
            let db = try Database(path: dir)
            let session = try SQLSession(database: db)
            let native = try SQLiteDB(path: ":memory:")
            if side == "sqlite" { try SQLBenchData.fillSQLite(native, items: items) }
            let only = ProcessInfo.processInfo.environment["LINEDB_BENCH_SQL_QUERY"].flatMap { Int($0) }
            for (i, q) in Benchmark.sqlScanQueries.enumerated() where only == nil || only == i {
                let rows = try sqlProfileTarget(q.sql) {
                    side == "sqlite" ? try native.collect(q.sql).count : try session.query(q.sql).rows.count
                }
                print("\(q.label): \(rows) rows")
            }
            if only == nil || only == 3 {
                let rows = try sqlProfileTarget("points") {
                    var found = 0
                    for k in 0..<2000 {
                        for (sql, a) in [("SELECT * FROM item WHERE id = ?1", SQLiteValue.integer(Int64(k + 1))),
                                         ("SELECT * FROM item WHERE sku = ?1", .text(SQLBenchData.sku(k)))] {
                            if side == "sqlite" {
                                found += try native.rows(sql, a) { _ in }
                            } else {
                                try session.run(sql, parameters: ["1": a], row: { _ in found += 1 })
                            }
                        }
                    }
                    return found
                }
                print("points: \(rows) rows")
            }
            try db.close()
            exit(0)
        } catch {
            printError("--profile-sql: \(error)")
            exit(1)
        }
    }

    /// What callgrind counts (`--toggle-collect='*sqlProfileTarget*'`).
    @inline(never)
    static func sqlProfileTarget(_ label: String, _ body: () throws -> Int) rethrows -> Int { try body() }
}
