import CSQLite
import Foundation
import Synchronization
import Testing

@testable import LineDB
@testable import LineDBSQL

/// The same generated data in LineDB (read through ``SQLSession``'s virtual tables) and in a native SQLite file
/// written by ``SQLiteExport`` (so the native tables have the same declared types), and the same query on both: the
/// results must be identical, value for value and storage class for storage class.
///
/// The data has every column type with null and "", negative and extreme integers, floats with ties, text that
/// SQLite and Swift order differently (NFC and NFD, K and the Kelvin sign, emoji), duplicates; a table with a
/// string key inserted out of order, one with a UNIQUE column (nulls included), one whose integer keys were
/// inserted shuffled (and then partly deleted and updated), and one whose names need quoting.
final class DifferentialFixture {
    let dir = TempDir("linedb-diff")
    private(set) var session: SQLSession
    private(set) var database: Database
    private let native: OpaquePointer

    init(seed: UInt64 = 13, writable: Bool = false) throws {
        do {
            let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
            try Self.fill(db, seed: seed)
            try db.close()
        }
        // The session reads the database as a command reopening it does (loaded from its files and WAL).
        database = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        session = try SQLSession(database: database)
        let file = dir.path + "/native.sqlite"
        _ = try SQLiteExport.write(database, to: file, label: file)
        var handle: OpaquePointer?
        guard sqlite3_open_v2(file, &handle, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nil) == SQLITE_OK,
            let handle
        else {
            throw SQLiteError(code: 1, description: "cannot open \(file)")
        }
        native = handle
    }

    deinit { sqlite3_close_v2(native) }

    /// Closes the LineDB database and opens it again (from its files and WAL), with a new session.
    func reopen() throws {
        try database.close()
        database = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
        session = try SQLSession(database: database)
    }

    /// Runs `sql` natively (every statement of a script; the last result's columns and rows), or SQLite's
    /// message. A script's failed explicit transaction is rolled back, as LineDB rolls back a failed script.
    func runNative(_ sql: String, _ parameters: [SQLiteValue]) -> Result<Outcome, DifferentialFailure> {
        let bytes = Array(sql.utf8CString)
        return bytes.withUnsafeBufferPointer { buffer -> Result<Outcome, DifferentialFailure> in
            var rest: UnsafePointer<CChar>? = buffer.baseAddress
            var outcome = Outcome(columns: [])
            while let text = rest, text.pointee != 0 {
                var statement: OpaquePointer?
                guard sqlite3_prepare_v2(native, text, -1, &statement, &rest) == SQLITE_OK else { return fail() }
                guard let statement else { break }  // only blanks or a comment left
                defer { sqlite3_finalize(statement) }
                for (i, p) in parameters.enumerated() { _ = p.bind(to: statement, at: Int32(i + 1)) }
                let count = Int(sqlite3_column_count(statement))
                if count > 0 {
                    outcome = Outcome(columns: (0..<count).map { String(cString: sqlite3_column_name(statement, Int32($0))) })
                }
                while true {
                    let rc = sqlite3_step(statement)
                    if rc == SQLITE_ROW {
                        outcome.rows.append((0..<count).map { SQLiteValue(column: $0, of: statement) })
                    } else if rc == SQLITE_DONE {
                        break
                    } else {
                        return fail()
                    }
                }
            }
            return .success(outcome)
        }
    }

    private func fail() -> Result<Outcome, DifferentialFailure> {
        let message = String(cString: sqlite3_errmsg(native))
        if sqlite3_get_autocommit(native) == 0 { sqlite3_exec(native, "ROLLBACK", nil, nil, nil) }
        return .failure(DifferentialFailure(message: message))
    }

    /// Runs `sql` through the session (numbered parameters `?1`, `?2`... as keys "1", "2"...).
    func runLineDB(_ sql: String, _ parameters: [SQLiteValue]) -> Result<Outcome, DifferentialFailure> {
        var named: [String: SQLiteValue] = [:]
        for (i, p) in parameters.enumerated() { named[String(i + 1)] = p }
        var outcome = Outcome(columns: [])
        do {
            try session.run(sql, parameters: named, row: { outcome.rows.append($0) }, columns: { outcome = Outcome(columns: $0) })
            return .success(outcome)
        } catch {
            return .failure(DifferentialFailure(message: "\(error)"))
        }
    }

    struct Outcome {
        var columns: [String]
        var rows: [[SQLiteValue]] = []
    }

    // MARK: The data

    /// Strings that SQLite's BINARY order and Swift's `<` disagree on, or that look like other types.
    static let awkwardStrings: [String] = [
        "", "a", "A", "abc", "ABC", "Abc", "a%b", "a_b", "%", "_", "\u{E9}", "e\u{301}", "K", "\u{212A}", "\u{1F600}",
        "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", "10", "9", "5", " 5", "5.0", "O'Brien", "line\nbreak", "tab\tx",
        "zzz", "null", "NaN", "\u{6F22}\u{5B57}", "a\u{0}b", "\u{1B}[2J",
    ]

    static let integers: [Int] = [
        0, 1, -1, 2, 3, 42, -42, 1_000_000, Int.max, Int.min, 9_007_199_254_740_993, -9_007_199_254_740_993,
    ]

    /// Halves and quarters tie under rounding and sum exactly in any order; 0.1 and friends do not. No -0.0: a
    /// native REAL column stores a whole number as an integer and reads -0.0 back as 0.0, LineDB keeps the sign
    /// (``DifferentialTests/negativeZero()``).
    static let floats: [Double] = [
        0, 0.5, 1.5, 2.5, -0.5, -2.5, 0.1, 0.2, 0.3, 1e300, -1e300, .leastNonzeroMagnitude, 3.0, 100.25, 2.0, -0.25,
    ]

    static let jsons: [JSONValue] = [
        ["x": 1, "tags": ["a", "b"]], ["x": 2.5], ["x": "1"], ["y": .null], [1, 2, 3], [], [:], 5, 2.5, "str", true,
        false, ["nested": ["deep": [["k": "v"]]]], ["x": -1, "tags": []], ["\u{E9}": 1], ["tags": ["b", "c", "b"]],
        ["x": 1], "",
    ]

    static let dates = ["2024-01-31", "2023-12-01", "2024-02-29", "1999-12-31"]
    static let datetimes = ["2024-01-31T12:34:56", "2024-01-31T00:00:00", "2023-06-15T08:00:00.5", "1999-12-31T23:59:59"]
    static let names = ["Ann", "Bob", "Dan", "Ann", "Eve", "\u{C5}sa", "Zo\u{EB}", "Jan", "Bob"]
    static let cities: [JSONValue] = [.null, "", "NYC", "nyc", "Boston", "K\u{F8}benhavn", "NYC"]

    private static func fill(_ db: Database, seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ values: [T], nullOneIn n: Int = 6) -> JSONValue where T: JSONValueConvertibleForTests {
            if Int.random(in: 0..<n, using: &random) == 0 { return .null }
            return values.randomElement(using: &random)!.jsonValue
        }

        try db.createTable(TableSchema("kinds", columns: [
            Column("id", .int, primaryKey: true), Column("i", .int), Column("f", .float), Column("s", .str),
            Column("b", .bool), Column("j", .json), Column("d", .date), Column("dt", .datetime),
        ]))
        var kinds: [Record] = []
        for n in 0..<220 {
            var r = Record()
            // Every pool value appears at least once, in order, before the random part.
            r["i"] = n < integers.count ? .int(integers[n]) : pick(integers)
            r["f"] = n < floats.count ? .double(floats[n]) : pick(floats)
            r["s"] = n < awkwardStrings.count ? .string(awkwardStrings[n]) : pick(awkwardStrings)
            r["b"] = pick([true, false], nullOneIn: 4)
            r["j"] = n < jsons.count ? jsons[n] : pick(jsons, nullOneIn: 4)
            r["d"] = pick(dates)
            r["dt"] = pick(datetimes)
            kinds.append(r)
        }
        try db.insert("kinds", records: kinds)

        try db.createTable(TableSchema("people", columns: [
            Column("code", .str, primaryKey: true), Column("name", .str, nullable: false), Column("city", .str),
            Column("score", .float), Column("born", .date),
        ]))
        var codes = ["JFK", "LGA", "EWR", "ABQ", "", "K", "\u{212A}", "\u{E9}", "e\u{301}", "zz", "Zz", "a", "A", "10",
                     "9", "\u{1F600}", " sp", "o'q"] + (0..<40).map { "P\(String(format: "%03d", $0))" }
        codes.shuffle(using: &random)
        try db.insert("people", records: codes.map { code in
            var r = Record()
            r["code"] = .string(code)
            r["name"] = names.randomElement(using: &random)!.jsonValue
            r["city"] = cities.randomElement(using: &random)!
            r["score"] = Int.random(in: 0..<5, using: &random) == 0
                ? .null : .double(Double(Int.random(in: -8...8, using: &random)) / 4)
            r["born"] = pick(dates)
            return r
        })

        try db.createTable(TableSchema("tags", columns: [
            Column("id", .int, primaryKey: true), Column("tag", .str, unique: true), Column("weight", .int),
        ]))
        let tagValues: [JSONValue] = ["red", "Red", "RED", "blue", "", .null, .null, "\u{E9}", "e\u{301}", "5", "5.0",
                                      "K", "\u{212A}", "x%y", "na\u{EF}ve", "10", "a", "zzz"]
        try db.insert("tags", records: tagValues.map { tag in
            var r = Record()
            r["tag"] = tag
            r["weight"] = Int.random(in: 0..<5, using: &random) == 0 ? .null : .int(Int.random(in: -3...3, using: &random))
            return r
        })

        try db.createTable(TableSchema("events", columns: [
            Column("id", .int, primaryKey: true), Column("person", .str), Column("kind", .int),
            Column("amount", .float), Column("note", .str),
        ]))
        var ids = Array(1...300)
        ids.shuffle(using: &random)
        try db.insert("events", records: ids.map { id in
            var r = Record()
            r["id"] = .int(id)
            let who = Int.random(in: 0..<10, using: &random)
            r["person"] = who == 0 ? .null : who == 1 ? "MISSING" : .string(codes.randomElement(using: &random)!)
            r["kind"] = Int.random(in: 0..<8, using: &random) == 0 ? .null : .int(Int.random(in: 1...230, using: &random))
            r["amount"] = Int.random(in: 0..<6, using: &random) == 0
                ? .null : .double(Double(Int.random(in: -40...40, using: &random)) / 4)
            r["note"] = pick(awkwardStrings, nullOneIn: 3)
            return r
        })
        // Holes and changed rows: the scan skips empty positions, an update is read as it is now.
        for id in ids.prefix(30) { try db.delete("events", key: .int(id)) }
        for id in ids.dropFirst(30).prefix(30) { try db.update("events", key: .int(id), set: ["amount": 0.75, "note": "changed"]) }
        for id in [5, 17, 200] { try db.delete("kinds", key: .int(id)) }

        try db.createTable(TableSchema("odd-table", columns: [
            Column("dep-delay", .int, primaryKey: true), Column("a\"b", .str), Column("\u{E9}", .float),
            Column("select", .str), Column("sp ace", .json),
        ]))
        try db.insert("odd-table", records: (0..<40).map { n in
            var r = Record()
            r["dep-delay"] = .int((n * 37) % 101 - 50)
            r["a\"b"] = pick(awkwardStrings)
            r["\u{E9}"] = pick(floats)
            r["select"] = pick(["from", "where", "'"])
            r["sp ace"] = pick(jsons)
            return r
        })
    }
}

/// Pool values as JSON (the generator's `pick`).
protocol JSONValueConvertibleForTests { var jsonValue: JSONValue { get } }
extension Int: JSONValueConvertibleForTests { var jsonValue: JSONValue { .int(self) } }
extension Double: JSONValueConvertibleForTests { var jsonValue: JSONValue { .double(self) } }
extension String: JSONValueConvertibleForTests { var jsonValue: JSONValue { .string(self) } }
extension Bool: JSONValueConvertibleForTests { var jsonValue: JSONValue { .bool(self) } }
extension JSONValue: JSONValueConvertibleForTests { var jsonValue: JSONValue { self } }

struct DifferentialFailure: Error, Equatable {
    var message: String
}

/// One differential query: its SQL, whether its ORDER BY defines the whole order (else the rows are compared as a
/// multiset), and its numbered parameters.
struct DifferentialQuery: CustomTestStringConvertible, Sendable {
    var sql: String
    var ordered: Bool
    var parameters: [SQLiteValue]

    init(_ sql: String, ordered: Bool = true, _ parameters: [SQLiteValue] = []) {
        self.sql = sql
        self.ordered = ordered
        self.parameters = parameters
    }

    var testDescription: String { sql + (parameters.isEmpty ? "" : " \(parameters)") }
}

/// Two values are the same when they have the same storage class and the same value (reals: the same bits, so
/// -0.0 and 0.0 differ, and NaN equals NaN).
func identical(_ a: SQLiteValue, _ b: SQLiteValue) -> Bool {
    if case .real(let x) = a, case .real(let y) = b { return x.bitPattern == y.bitPattern }
    return a == b
}

/// A row as text that sorts rows canonically (for the multiset comparison) and shows them in messages.
func rowText(_ row: [SQLiteValue]) -> String {
    row.map { v -> String in
        switch v {
        case .null: return "NULL"
        case .integer(let i): return "i:\(i)"
        case .real(let d): return "r:\(d)(\(d.bitPattern))"
        case .text(let s): return "t:" + s.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
        case .blob(let b): return "b:\(b)"
        }
    }.joined(separator: " | ")
}

@Suite("SQL differential: LineDB's virtual tables and native SQLite give the same results")
struct DifferentialTests {
    static let queries: [DifferentialQuery] = [
        // Whole tables, every type, in key order.
        .init("SELECT * FROM kinds ORDER BY id"),
        .init("SELECT * FROM people ORDER BY code"),
        .init("SELECT * FROM tags ORDER BY id"),
        .init("SELECT * FROM events ORDER BY id"),
        .init("SELECT * FROM events", ordered: false),
        .init("SELECT id, typeof(i), typeof(f), typeof(s), typeof(b), typeof(j), typeof(d), typeof(dt) FROM kinds ORDER BY id"),
        // Filters and NULL.
        .init("SELECT id FROM kinds WHERE i > 0 ORDER BY id"),
        .init("SELECT id FROM kinds WHERE i IS NULL ORDER BY id"),
        .init("SELECT id, s FROM kinds WHERE s IS NULL OR s = '' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE s = '' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE s IS NOT NULL AND s != '' ORDER BY id"),
        .init("SELECT count(*), count(i), count(f), count(s), count(b), count(j), count(d), count(dt) FROM kinds"),
        .init("SELECT id FROM kinds WHERE f < 1 ORDER BY id"),
        .init("SELECT id FROM kinds WHERE NOT (i = 1) ORDER BY id"),
        .init("SELECT id, coalesce(s, 'none'), ifnull(i, -999), nullif(s, ''), s IS NULL, s = '' FROM kinds ORDER BY id"),
        .init("SELECT id FROM kinds WHERE b ORDER BY id"),
        .init("SELECT id FROM kinds WHERE b = 0 ORDER BY id"),
        .init("SELECT id FROM kinds WHERE b = '1' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE b = 'true' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE i = '42' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE s = 5 ORDER BY id"),
        .init("SELECT id FROM kinds WHERE s = 5.0 ORDER BY id"),
        .init("SELECT id FROM kinds WHERE f = '0.5' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE f = 3 ORDER BY id"),
        .init("SELECT id, s FROM kinds WHERE s > 'a' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE i = 9223372036854775807 OR i = -9223372036854775808 ORDER BY id"),
        .init("SELECT id, i * 2, i + 0.5, -i FROM kinds ORDER BY id"),
        .init("SELECT id, f * 2, f / 3, f > 1e299 FROM kinds ORDER BY id"),
        .init("SELECT id, CASE WHEN i < 0 THEN 'neg' WHEN i = 0 THEN 'zero' WHEN i > 0 THEN 'pos' ELSE 'null' END FROM kinds ORDER BY id"),
        // Dates and datetimes (ISO 8601 text).
        .init("SELECT d, count(*) FROM kinds GROUP BY d ORDER BY d"),
        .init("SELECT id FROM kinds WHERE d BETWEEN '2024-01-01' AND '2024-12-31' ORDER BY id"),
        .init("SELECT id, date(d, '+1 day'), strftime('%Y', dt), julianday(dt) FROM kinds ORDER BY id"),
        .init("SELECT id FROM kinds WHERE dt > '2024-01-31T00:00:00' ORDER BY id"),
        // Text functions on awkward text.
        .init("SELECT id, length(s), upper(s), lower(s), substr(s, 2, 2), instr(s, 'b'), hex(s), unicode(s) FROM kinds ORDER BY id"),
        .init("SELECT DISTINCT s FROM kinds ORDER BY s"),
        // LIKE and GLOB.
        .init("SELECT id FROM kinds WHERE s LIKE 'a%' ORDER BY id"),
        .init(#"SELECT id FROM kinds WHERE s LIKE 'a\%b' ESCAPE '\' ORDER BY id"#),
        .init("SELECT id FROM kinds WHERE s LIKE '_' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE s GLOB 'A*' ORDER BY id"),
        .init("SELECT id FROM kinds WHERE s NOT LIKE '%b%' ORDER BY id"),
        .init("SELECT code FROM people WHERE name LIKE '%an%' ORDER BY code"),
        .init("SELECT code FROM people WHERE code LIKE 'k' ORDER BY code"),
        .init("SELECT tag FROM tags WHERE tag LIKE 'RE%' ORDER BY tag"),
        // IN and BETWEEN (IN on the key: one lookup per value).
        .init("SELECT id FROM kinds WHERE i IN (0, 1, 42, NULL) ORDER BY id"),
        .init("SELECT id FROM kinds WHERE i NOT IN (0, 1) ORDER BY id"),
        .init("SELECT id FROM kinds WHERE id IN (3, 1, 2, 5, 999) ORDER BY id DESC"),
        .init("SELECT code FROM people WHERE code IN ('K', '\u{E9}', '', 'nope', 10) ORDER BY code"),
        .init("SELECT id FROM tags WHERE tag IN ('red', 'blue', 'nope', 5) ORDER BY id"),
        .init("SELECT id FROM kinds WHERE f BETWEEN 0.1 AND 2.5 ORDER BY id"),
        .init("SELECT id FROM kinds WHERE i NOT BETWEEN -1 AND 1 ORDER BY id"),
        .init("SELECT id FROM events WHERE id BETWEEN 10 AND 20 ORDER BY id DESC"),
        .init("SELECT count(*) FROM events WHERE id > 100"),
        .init("SELECT id FROM events WHERE id > 250 ORDER BY id"),
        // GROUP BY and HAVING.
        .init("SELECT s, count(*) FROM kinds GROUP BY s ORDER BY s"),
        .init("SELECT b, count(*), sum(i), total(f), min(f), max(f) FROM kinds WHERE abs(i) < 1000000000 GROUP BY b ORDER BY b"),
        .init("SELECT city, count(*), avg(score) FROM people GROUP BY city HAVING count(*) > 1 ORDER BY city"),
        .init("SELECT person, sum(amount), count(*) FROM events GROUP BY person HAVING sum(amount) > 0 ORDER BY person"),
        .init("SELECT kind, count(*) FROM events GROUP BY kind ORDER BY count(*) DESC, kind"),
        .init("SELECT typeof(i), count(*) FROM kinds GROUP BY typeof(i) ORDER BY 1"),
        .init("SELECT lower(s), count(*) FROM kinds WHERE s NOT GLOB '*[^ -~]*' GROUP BY s COLLATE NOCASE ORDER BY 1"),
        .init("SELECT name, count(DISTINCT city), group_concat(DISTINCT born) IS NOT NULL FROM people GROUP BY name ORDER BY name"),
        // Aggregates.
        .init("SELECT count(*), sum(i), total(i), avg(i), min(i), max(i) FROM kinds WHERE abs(i) < 1000000000"),
        .init("SELECT sum(i) FROM kinds"),  // overflows: an error on both sides
        .init("SELECT total(i), max(i), min(i) FROM kinds"),
        .init("SELECT min(s), max(s), min(f), max(f), min(d), max(dt), min(b), max(b) FROM kinds"),
        .init("SELECT group_concat(tag, '|') FROM (SELECT tag FROM tags ORDER BY tag)"),
        .init("SELECT group_concat(code) FROM (SELECT code FROM people ORDER BY code DESC)"),
        .init("SELECT sum(amount), total(amount), avg(amount), count(amount), min(amount), max(amount) FROM events"),
        .init("SELECT sum(f), total(f), avg(f) FROM kinds WHERE f IS NULL"),
        .init("SELECT count(DISTINCT s), count(DISTINCT i), count(DISTINCT j) FROM kinds"),
        .init("SELECT max(id), min(id), count(*) FROM events"),
        // ORDER BY with ties (a tiebreak makes the order defined), LIMIT and OFFSET.
        .init("SELECT name, score FROM people ORDER BY score DESC, code"),
        .init("SELECT id, f FROM kinds ORDER BY f, id"),
        .init("SELECT id, s FROM kinds ORDER BY s, id"),
        .init("SELECT id, s FROM kinds ORDER BY s DESC, id DESC"),
        .init("SELECT id, s FROM kinds ORDER BY s COLLATE NOCASE, id"),
        .init("SELECT code FROM people ORDER BY code"),
        .init("SELECT code FROM people ORDER BY code DESC"),
        .init("SELECT code FROM people ORDER BY code COLLATE NOCASE, code"),
        .init("SELECT code FROM people ORDER BY code COLLATE NOCASE DESC, code DESC"),
        .init("SELECT id FROM events ORDER BY id DESC"),
        .init("SELECT id, person FROM events ORDER BY id LIMIT 10 OFFSET 5"),
        .init("SELECT id FROM events ORDER BY id DESC LIMIT 4"),
        .init("SELECT id, amount FROM events ORDER BY amount DESC NULLS LAST, id LIMIT 7"),
        .init("SELECT id, i FROM kinds ORDER BY i NULLS FIRST, id DESC"),
        .init("SELECT code FROM people ORDER BY code LIMIT 3 OFFSET 2"),
        .init("SELECT tag FROM tags ORDER BY tag DESC"),
        .init("SELECT \"dep-delay\" FROM \"odd-table\" ORDER BY \"dep-delay\" DESC"),
        .init("SELECT * FROM events ORDER BY person, amount, id LIMIT 50 OFFSET 20"),
        // Joins: inner, left, on a key and on other columns.
        .init("SELECT e.id, p.name FROM events e JOIN people p ON p.code = e.person ORDER BY e.id"),
        .init("SELECT e.id, p.name, p.city FROM events e LEFT JOIN people p ON p.code = e.person ORDER BY e.id"),
        .init("SELECT e.id, k.s, k.f FROM events e JOIN kinds k ON k.id = e.kind ORDER BY e.id"),
        .init("SELECT p.code, count(e.id), total(e.amount) FROM people p LEFT JOIN events e ON e.person = p.code GROUP BY p.code ORDER BY p.code"),
        .init("SELECT k.id, t.id FROM kinds k JOIN tags t ON t.weight = k.i ORDER BY k.id, t.id"),
        .init("SELECT p1.code, p2.code FROM people p1 JOIN people p2 ON p1.name = p2.name AND p1.code < p2.code ORDER BY 1, 2"),
        .init("SELECT t.tag, k.id FROM tags t JOIN kinds k ON k.s = t.tag ORDER BY t.id, k.id"),
        .init("SELECT count(*) FROM tags a, tags b WHERE a.weight < b.weight"),
        .init("SELECT a.id, b.id FROM events a JOIN events b ON b.id = a.id + 1 ORDER BY a.id"),
        .init("SELECT t.id, p.code FROM tags t JOIN people p ON p.code = t.tag", ordered: false),
        .init("SELECT e.id, k.id FROM events e LEFT JOIN kinds k ON k.i = e.kind ORDER BY e.id, k.id"),
        // Subqueries, correlated subqueries, set operations.
        .init("SELECT id FROM kinds WHERE i > (SELECT avg(i) FROM kinds WHERE abs(i) < 1000) ORDER BY id"),
        .init("SELECT code FROM people WHERE code IN (SELECT person FROM events) ORDER BY code"),
        .init("SELECT code FROM people WHERE code NOT IN (SELECT person FROM events WHERE person IS NOT NULL) ORDER BY code"),
        .init("SELECT code FROM people p WHERE EXISTS (SELECT 1 FROM events e WHERE e.person = p.code AND e.amount > 0) ORDER BY code"),
        .init("SELECT e.id, (SELECT name FROM people p WHERE p.code = e.person) FROM events e ORDER BY e.id"),
        .init("SELECT id, amount FROM events e WHERE amount > (SELECT avg(amount) FROM events e2 WHERE e2.person = e.person) ORDER BY id"),
        .init("SELECT * FROM (SELECT person, count(*) AS n FROM events GROUP BY person) WHERE n > 2 ORDER BY person"),
        .init("SELECT person FROM events EXCEPT SELECT code FROM people ORDER BY 1"),
        .init("SELECT tag FROM tags INTERSECT SELECT s FROM kinds ORDER BY 1"),
        .init("SELECT code FROM people UNION SELECT tag FROM tags ORDER BY 1"),
        // CTEs, recursive ones included.
        .init("WITH big AS (SELECT * FROM events WHERE amount > 1) SELECT person, count(*) FROM big GROUP BY person ORDER BY person"),
        .init("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 25) SELECT x, (SELECT count(*) FROM events WHERE kind = x) FROM n ORDER BY x"),
        .init("""
            WITH RECURSIVE chain(id, depth) AS (
              SELECT min(id), 0 FROM events
              UNION ALL
              SELECT (SELECT min(e.id) FROM events e WHERE e.id > chain.id), depth + 1 FROM chain WHERE depth < 40
            ) SELECT chain.id, depth, events.amount FROM chain LEFT JOIN events USING (id) ORDER BY depth
            """),
        // Window functions.
        .init("SELECT id, person, amount, row_number() OVER (PARTITION BY person ORDER BY id) FROM events ORDER BY id"),
        .init("SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM events ORDER BY id"),
        .init("SELECT code, score, rank() OVER (ORDER BY score DESC), dense_rank() OVER (ORDER BY score DESC) FROM people ORDER BY code"),
        .init("SELECT id, lag(s) OVER (ORDER BY id), lead(i, 2) OVER (ORDER BY id) FROM kinds ORDER BY id"),
        .init("SELECT person, id, first_value(amount) OVER (PARTITION BY person ORDER BY id), ntile(3) OVER (ORDER BY id) FROM events ORDER BY id"),
        .init("SELECT id, count(*) OVER (PARTITION BY s), percent_rank() OVER (ORDER BY f, id) FROM kinds ORDER BY id"),
        // JSON functions on json columns.
        .init("SELECT id, j, json_extract(j, '$.x'), typeof(json_extract(j, '$.x')) FROM kinds ORDER BY id"),
        .init("SELECT id, json_type(j), json_valid(j), json_array_length(j) FROM kinds ORDER BY id"),
        .init("SELECT k.id, e.key, e.value, e.type, e.fullkey FROM kinds k, json_each(k.j) e ORDER BY k.id, e.id"),
        .init("SELECT value, count(*) FROM kinds, json_each(kinds.j, '$.tags') GROUP BY value ORDER BY value"),
        .init("SELECT id FROM kinds WHERE json_extract(j, '$.x') = 1 ORDER BY id"),
        .init("SELECT id, j ->> '$.x', j -> '$.tags', j -> 'tags' FROM kinds ORDER BY id"),
        .init("SELECT json_group_array(id), json_group_object(CAST(id AS TEXT), b) FROM (SELECT id, b FROM kinds WHERE b ORDER BY id)"),
        .init("SELECT t.fullkey, t.atom FROM kinds, json_tree(kinds.j) t WHERE kinds.id < 20 ORDER BY kinds.id, t.id"),
        .init("SELECT \"sp ace\", json_type(\"sp ace\") FROM \"odd-table\" ORDER BY \"dep-delay\""),
        // typeof and CAST.
        .init("SELECT id, CAST(s AS INTEGER), CAST(s AS REAL), CAST(i AS TEXT), CAST(f AS INTEGER), CAST(b AS TEXT), CAST(f AS TEXT) FROM kinds ORDER BY id"),
        .init("SELECT id, typeof(f), f FROM kinds WHERE f = CAST(f AS INTEGER) ORDER BY id"),
        .init("SELECT id, round(f), round(f, 1), printf('%.3f', f), printf('%d', i) FROM kinds ORDER BY id"),
        .init("SELECT typeof(j), count(*) FROM kinds GROUP BY 1 ORDER BY 1"),
        // Point queries on the key and on a UNIQUE column, with values of another type.
        .init("SELECT * FROM kinds WHERE id = 7"),
        .init("SELECT * FROM kinds WHERE id = '7'"),
        .init("SELECT * FROM kinds WHERE id = 7.0"),
        .init("SELECT * FROM kinds WHERE id = 7.5"),
        .init("SELECT * FROM kinds WHERE id = '7.0'"),
        .init("SELECT * FROM kinds WHERE id = ' 7'"),
        .init("SELECT * FROM kinds WHERE id = 5"),  // deleted
        .init("SELECT * FROM kinds WHERE id = 9223372036854775807"),
        .init("SELECT * FROM kinds WHERE id = 1e300"),
        .init("SELECT * FROM kinds WHERE id = -0.0 OR id = 1"),
        .init("SELECT * FROM kinds WHERE id = x'07'"),
        .init("SELECT * FROM tags WHERE tag = '5'"),
        .init("SELECT * FROM tags WHERE tag = 5"),
        .init("SELECT * FROM tags WHERE tag = 5.0"),
        .init("SELECT * FROM tags WHERE tag = 10"),
        .init("SELECT * FROM tags WHERE tag = 'RED' COLLATE NOCASE ORDER BY id"),
        .init("SELECT * FROM tags WHERE tag = ''"),
        .init("SELECT * FROM tags WHERE tag IS NULL ORDER BY id"),
        .init("SELECT * FROM tags WHERE tag = ?1", [.text("\u{E9}")]),
        .init("SELECT * FROM tags WHERE tag = ?1", [.text("e\u{301}")]),
        .init("SELECT * FROM people WHERE code = ?1", [.text("K")]),
        .init("SELECT * FROM people WHERE code = ?1", [.text("\u{212A}")]),
        .init("SELECT * FROM people WHERE code = ''"),
        .init("SELECT * FROM people WHERE code = 10"),
        .init("SELECT * FROM people WHERE code = 9.0"),
        .init("SELECT * FROM people WHERE code = 'k' COLLATE NOCASE ORDER BY code"),
        .init("SELECT * FROM \"odd-table\" WHERE \"dep-delay\" = -13"),
        // Parameters of every storage class.
        .init("SELECT * FROM kinds WHERE id = ?1", [.integer(8)]),
        .init("SELECT * FROM kinds WHERE id = ?1", [.text("8")]),
        .init("SELECT * FROM kinds WHERE id = ?1", [.real(8)]),
        .init("SELECT * FROM kinds WHERE id = ?1", [.null]),
        .init("SELECT id FROM kinds WHERE s = ?1 ORDER BY id", [.text("")]),
        .init("SELECT id FROM kinds WHERE i > ?1 AND f < ?2 ORDER BY id", [.integer(0), .real(2.5)]),
        .init("SELECT ?1, typeof(?1), ?2, typeof(?2), ?3, typeof(?3)", [.text("5"), .integer(5), .real(5)]),
        .init("SELECT id FROM events WHERE person = ?1 ORDER BY id", [.text("MISSING")]),
        // Names that need quoting.
        .init("SELECT * FROM \"odd-table\" ORDER BY \"dep-delay\""),
        .init("SELECT \"\u{E9}\", count(*), \"select\" FROM \"odd-table\" GROUP BY \"\u{E9}\", \"select\" ORDER BY 1, 3"),
        .init("SELECT \"a\"\"b\" FROM \"odd-table\" WHERE \"a\"\"b\" LIKE '%a%' ORDER BY \"dep-delay\""),
        .init("SELECT * FROM \"odd-table\"", ordered: false),
    ]

    static let fixture = Mutex<DifferentialFixture?>(nil)

    @Test("the query gives the same result through LineDB as natively", arguments: queries)
    func sameResult(_ query: DifferentialQuery) throws {
        // One fixture for every case (a session is used from one thread at a time: the cases take turns).
        let (native, lineDB) = try Self.fixture.withLock { fixture in
            if fixture == nil { fixture = try DifferentialFixture() }
            return (fixture!.runNative(query.sql, query.parameters), fixture!.runLineDB(query.sql, query.parameters))
        }
        switch (native, lineDB) {
        case (.failure, .failure):
            return  // both refuse (e.g. an integer overflow)
        case (.failure(let e), .success):
            Issue.record("native SQLite fails (\(e.message)) but LineDB answers")
        case (.success, .failure(let e)):
            Issue.record("LineDB fails: \(e.message)")
        case (.success(let n), .success(let l)):
            #expect(l.columns == n.columns)
            var nativeRows = n.rows
            var lineDBRows = l.rows
            if !query.ordered {
                nativeRows.sort { rowText($0) < rowText($1) }
                lineDBRows.sort { rowText($0) < rowText($1) }
            }
            #expect(lineDBRows.count == nativeRows.count, "row counts")
            var shown = 0
            for (i, (a, b)) in zip(lineDBRows, nativeRows).enumerated() where a.count != b.count || !zip(a, b).allSatisfy(identical) {
                Issue.record("row \(i): LineDB \(rowText(a))\n        native \(rowText(b))")
                shown += 1
                if shown == 5 { break }
            }
        }
    }

    static let writes: [DifferentialQuery] = [
        .init("UPDATE kinds SET i = i + 1 WHERE abs(i) < 1000"),
        .init("UPDATE kinds SET s = upper(s) WHERE s LIKE 'a%'"),
        .init("UPDATE kinds SET f = i WHERE abs(i) < 100"),
        .init("UPDATE kinds SET b = NOT b"),
        .init("UPDATE kinds SET j = json_set(j, '$.x', 99) WHERE json_type(j) = 'object'"),
        .init("UPDATE kinds SET s = NULL WHERE s = ''"),
        .init("UPDATE kinds SET s = '' WHERE s IS NULL"),
        .init("UPDATE kinds SET i = ?1, s = ?2 WHERE id = 3", [.integer(-9_223_372_036_854_775_808), .text("e\u{301}")]),
        .init("UPDATE kinds SET dt = '2025-01-01T00:00:00' WHERE dt IS NULL"),
        .init("DELETE FROM events WHERE amount < 0"),
        .init("DELETE FROM events"),
        .init("DELETE FROM kinds WHERE id IN (SELECT kind FROM events)"),
        .init("INSERT INTO tags (tag, weight) VALUES ('new', 3), (NULL, NULL)"),
        .init("INSERT INTO people (code, name) VALUES ('NEW', 'x'), ('\u{212A}\u{212A}', 'kk')"),
        .init("UPDATE people SET code = code || '_' WHERE city = 'NYC'"),
        .init("INSERT INTO events (id, person, amount) SELECT id + 1000, person, amount * 2 FROM events WHERE id < 50"),
        .init("DELETE FROM people WHERE code NOT IN (SELECT person FROM events WHERE person IS NOT NULL)"),
        .init("UPDATE tags SET weight = weight * 10 WHERE tag IS NOT NULL"),
        // Values of another type: converted as SQLite's column affinity does (as a STRICT table would take them).
        .init("UPDATE kinds SET s = f WHERE f IS NOT NULL"),
        .init("UPDATE kinds SET s = i WHERE i IS NOT NULL"),
        .init("UPDATE kinds SET i = '5' WHERE id = 2"),
        .init("UPDATE kinds SET i = ' 6 ' WHERE id = 2"),
        .init("UPDATE kinds SET i = '7.0' WHERE id = 2"),
        .init("UPDATE kinds SET i = 8.0 WHERE id = 2"),
        .init("UPDATE kinds SET f = '2.5' WHERE id = 2"),
        .init("UPDATE kinds SET f = '1e3' WHERE id = 2"),
        .init("INSERT INTO tags (id, tag) VALUES ('77', 5)"),
        .init("INSERT INTO people (code, name) VALUES (12, 3.5)"),
        // Reads after writes in one script (the script's own transaction), the key order changed by the write.
        .init("SELECT id FROM kinds ORDER BY id LIMIT 1; UPDATE kinds SET id = 0 WHERE id = 220; SELECT id FROM kinds ORDER BY id"),
        .init("SELECT id FROM kinds ORDER BY id DESC LIMIT 1; UPDATE kinds SET id = 1000 WHERE id = 1; SELECT id FROM kinds ORDER BY id DESC"),
        .init("INSERT INTO events (id, amount) VALUES (0, 1), (1000, 2); SELECT id, amount FROM events ORDER BY id"),
        .init("SELECT code FROM people ORDER BY code; UPDATE people SET code = '!' WHERE code = 'zz'; SELECT code FROM people ORDER BY code"),
        .init("DELETE FROM kinds WHERE id < 100; SELECT id FROM kinds WHERE id < 150 ORDER BY id DESC"),
        .init("INSERT INTO tags (tag) VALUES ('late'); SELECT id, tag FROM tags WHERE tag = 'late'"),
        .init("UPDATE events SET id = id + 1000; SELECT count(*), min(id), max(id) FROM events"),
        .init("UPDATE people SET code = lower(code) || '#' WHERE code GLOB 'P*'; SELECT code FROM people ORDER BY code"),
        .init("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY amount, id LIMIT 10)"),
        // Refused on both sides: a duplicate UNIQUE value, a duplicate key, NULL in a NOT NULL column.
        .init("UPDATE tags SET tag = lower(tag)"),
        .init("INSERT INTO people (code, name) VALUES ('JFK', 'again')"),
        .init("UPDATE people SET name = NULL WHERE code = 'JFK'"),
        .init("UPDATE events SET id = id + 1"),
        .init("UPDATE kinds SET j = 'not json' WHERE id = 2"),
        .init("UPDATE kinds SET b = 2 WHERE id = 2"),
        .init("INSERT INTO kinds (id, i) VALUES (1, 0)"),
        .init("BEGIN; INSERT INTO kinds (i) VALUES (1), (2), (3); INSERT INTO tags (tag) VALUES ('red'); COMMIT"),
        .init("BEGIN; DELETE FROM events WHERE id < 100; UPDATE tags SET weight = 0; COMMIT"),
    ]

    @Test("a write changes LineDB's tables as it changes the native ones (or both refuse it)", arguments: writes)
    func sameWrite(_ write: DifferentialQuery) throws {
        let fixture = try DifferentialFixture(writable: true)
        let native = fixture.runNative(write.sql, write.parameters)
        let lineDB = fixture.runLineDB(write.sql, write.parameters)
        switch (native, lineDB) {
        case (.failure(let n), .success): Issue.record("native SQLite refuses (\(n.message)) but LineDB writes")
        case (.success, .failure(let l)): Issue.record("LineDB refuses: \(l.message)")
        case (.success(let n), .success(let l)):
            // What the script's last SELECT printed, read inside its transaction.
            #expect(l.rows.count == n.rows.count && zip(l.rows, n.rows).allSatisfy { $0.count == $1.count && zip($0, $1).allSatisfy(identical) },
                    "script result: LineDB \(l.rows.prefix(8).map(rowText)) native \(n.rows.prefix(8).map(rowText))")
        default: break
        }
        // The tables as the session sees them, then as they read back from the files and the WAL.
        for state in ["after the write", "after reopening"] {
            if state == "after reopening" { try fixture.reopen() }
            for (table, key) in [("kinds", "id"), ("people", "code"), ("tags", "id"), ("events", "id")] {
                let sql = "SELECT * FROM \(table) ORDER BY \(key)"
                let n = try fixture.runNative(sql, []).get().rows
                let l = try fixture.runLineDB(sql, []).get().rows
                #expect(l.count == n.count, "\(table) \(state): row counts")
                for (i, (a, b)) in zip(l, n).enumerated() where a.count != b.count || !zip(a, b).allSatisfy(identical) {
                    Issue.record("\(table) \(state), row \(i): LineDB \(rowText(a))\n        native \(rowText(b))")
                    break
                }
            }
        }
    }

    /// The one documented difference: native SQLite stores a whole REAL as an integer in its file and so reads
    /// -0.0 back as 0.0; LineDB's virtual table hands over the value its file holds, -0.0 (as `SELECT -0.0` does).
    @Test("-0.0 in a float column stays -0.0 (a native table would read back 0.0)")
    func negativeZero() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("f", .float)]))
        try db.insert("t", ["f": .double(-0.0)])
        let s = try SQLSession(database: db)
        let r = try s.query("SELECT f, typeof(f), f = 0 FROM t").rows
        guard case .real(let f) = r[0][0] else {
            Issue.record("not REAL: \(r)")
            return
        }
        #expect(f == 0 && f.sign == .minus)
        #expect(Array(r[0].dropFirst()) == [.text("real"), .integer(1)])
    }

    @Test("the differential data is what it claims: every type, null and \"\", holes, keys out of insertion order")
    func dataCoversTheCases() throws {
        let fixture = try DifferentialFixture()
        let s = fixture.session
        let types = try s.query("SELECT DISTINCT typeof(i) || typeof(f) || typeof(s) || typeof(b) || typeof(j) || typeof(d) FROM kinds").rows
        #expect(types.count > 1)
        // "" and NULL are both there, and apart.
        let empty = try s.query("SELECT count(*) FROM kinds WHERE s = ''").rows[0][0]
        #expect(empty != .integer(0))
        #expect(try s.query("SELECT count(*) FROM kinds WHERE s = '' AND s IS NULL").rows == [[.integer(0)]])
        for column in ["i", "f", "s", "b", "j", "d", "dt"] {
            let nulls = try s.query("SELECT count(*) FROM kinds WHERE \(column) IS NULL").rows[0][0]
            #expect(nulls != .integer(0), "column \(column) has nulls")
        }
        // The people table's string keys and the events' integer keys were not inserted in key order.
        let slotOrder = try s.query("SELECT code FROM people").rows
        #expect(slotOrder != slotOrder.sorted { rowText($0) < rowText($1) })
        #expect(try s.query("SELECT id FROM events").rows != (try s.query("SELECT id FROM events ORDER BY id").rows))
        // Twice as many queries as the issue asks for.
        #expect(Self.queries.count >= 120)
    }
}
