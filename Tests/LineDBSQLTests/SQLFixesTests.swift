import Foundation
import LineDB
import Testing

@testable import LineDBSQL

/// Regression tests for what the differential tests found, on hand-picked data.
@Suite("SQL: key order and write affinity")
struct SQLFixesTests {
    @Test("ORDER BY a text key is code-point order, as SQLite's BINARY: K < L < e+U+0301 < é < Kelvin sign")
    func textKeyOrder() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("t", columns: [Column("k", .str, primaryKey: true)]))
        for k in ["\u{212A}", "L", "\u{E9}", "K", "e\u{301}"] { try db.insert("t", ["k": .string(k)]) }
        let s = try SQLSession(database: db)
        let expected: [SQLiteValue] = ["K", "L", "e\u{301}", "\u{E9}", "\u{212A}"].map { .text($0) }
        #expect(try s.query("SELECT k FROM t ORDER BY k").rows.map { $0[0] } == expected)
        #expect(try s.query("SELECT k FROM t ORDER BY k DESC").rows.map { $0[0] } == expected.reversed())
        // A merge on the key (EXCEPT, UNION) relies on that order.
        #expect(try s.query("SELECT k FROM t EXCEPT SELECT 'L' ORDER BY 1").rows.count == 4)
        #expect(try s.query("SELECT k FROM t UNION SELECT k FROM t ORDER BY 1").rows.map { $0[0] } == expected)
    }

    @Test("UPDATE stores what a native column would: '5' in an int column is 5, 1e300 in a str column '1.0e+300'")
    func writeAffinity() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("n", .int), Column("x", .float), Column("s", .str),
            Column("b", .bool),
        ]))
        try db.insert("t", ["n": 1])
        let s = try SQLSession(database: db)
        try s.run("UPDATE t SET n = ' 5 ', x = '2.5', s = 1e300, b = '1' WHERE id = 1")
        let row = try #require(try db.get("t", key: 1))
        #expect(row["n"] == 5 && row["x"] == 2.5 && row["s"] == "1.0e+300" && row["b"] == true)
        try s.run("UPDATE t SET n = '7.0', s = 12 WHERE id = 1")
        #expect(try db.get("t", key: 1)?["n"] == 7)
        #expect(try db.get("t", key: 1)?["s"] == "12")
        for bad in ["UPDATE t SET n = 'abc'", "UPDATE t SET n = '7.5'", "UPDATE t SET b = '2'", "UPDATE t SET x = 'x1'"] {
            let e = #expect(throws: SQLError.self, "\(bad)") { try s.run(bad) }
            #expect(e?.kind == .writeRefused, "\(bad)")
        }
        #expect(try db.get("t", key: 1)?["n"] == 7)
    }
}

@Suite("SQL: lookups")
struct SQLLookupTests {
    @Test("a join on the key reads one row per outer row, and none for a NULL (no scan of the inner table)")
    func joinOnNullReadsNothing() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("k", columns: [Column("id", .int, primaryKey: true), Column("v", .str)]))
        try db.createTable(TableSchema("e", columns: [Column("id", .int, primaryKey: true), Column("kid", .int)]))
        try db.insert("k", records: (0..<1000).map { ["v": .string("v\($0)")] })
        try db.insert("e", records: (0..<100).map { ["kid": $0 % 2 == 0 ? .int($0 + 1) : .null] })
        let s = try SQLSession(database: db)
        let before = s.rowsRead
        #expect(try s.query("SELECT count(*) FROM e JOIN k ON k.id = e.kid").rows == [[.integer(50)]])
        #expect(try s.query("SELECT count(*) FROM e LEFT JOIN k ON k.id = e.kid WHERE k.v IS NULL").rows == [[.integer(50)]])
        // Two queries: 100 outer rows and 50 inner lookups each; a scan per NULL would read 50,000 more.
        #expect(s.rowsRead - before <= 2 * 150, "\(s.rowsRead - before) rows read")
        #expect(try s.query("SELECT count(*) FROM k WHERE id = NULL").rows == [[.integer(0)]])
    }
}
