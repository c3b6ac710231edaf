import Foundation
import LineDB
import Testing

@testable import LineDBSQL

/// A database with a table of every column type, for the session's own tests.
func makeTypedDatabase(_ dir: TempDir) throws -> Database {
    let db = try Database(path: dir.db)
    try db.createTable(TableSchema("item", columns: [
        Column("id", .int, primaryKey: true),
        Column("code", .str, unique: true),
        Column("price", .float),
        Column("ok", .bool),
        Column("meta", .json),
        Column("note", .str, default: "none"),
    ]))
    try db.insert("item", ["code": "a", "price": 1.5, "ok": true, "meta": ["x": 1], "note": ""])
    try db.insert("item", ["code": "b", "price": 2, "ok": false, "meta": [1, 2]])
    try db.insert("item", ["code": "c", "meta": .null, "note": .null])
    return db
}

@Suite("SQL session")
struct SQLSessionTests {
    @Test("every column type reaches SQLite with its SQLite type; null and \"\" stay apart")
    func types() throws {
        let dir = TempDir()
        let db = try makeTypedDatabase(dir)
        let s = try SQLSession(database: db)
        let r = try s.query(
            "SELECT id, typeof(id), code, price, typeof(price), ok, meta, json_extract(meta, '$.x'), note, typeof(note) FROM item ORDER BY id")
        #expect(r.rows[0] == [.integer(1), .text("integer"), .text("a"), .real(1.5), .text("real"), .integer(1),
                              .text(#"{"x":1}"#), .integer(1), .text(""), .text("text")])
        #expect(r.rows[1][3] == .real(2))  // an int given to a float column is REAL
        #expect(r.rows[1][5] == .integer(0))
        #expect(r.rows[2][8] == .null && r.rows[2][9] == .text("null"))
    }

    @Test("an equality on the key or a UNIQUE column reads one row, not the table")
    func pointQueries() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("u", .str, unique: true), Column("v", .int),
        ]))
        try db.insert("t", records: (0..<1000).map { ["u": .string("u\($0)"), "v": .int($0 % 7)] })
        let s = try SQLSession(database: db)
        var before = s.rowsRead
        #expect(try s.query("SELECT v FROM t WHERE id = 500").rows == [[.integer(499 % 7)]])
        #expect(s.rowsRead - before == 1)
        before = s.rowsRead
        #expect(try s.query("SELECT id FROM t WHERE u = 'u10'").rows == [[.integer(11)]])
        #expect(s.rowsRead - before == 1)
        before = s.rowsRead
        #expect(try s.query("SELECT count(*) FROM t WHERE v = 3").rows == [[.integer(143)]])
        #expect(s.rowsRead - before == 1000)
        // Affinity as SQLite has it: '500' compares equal to the INTEGER key 500.
        #expect(try s.query("SELECT count(*) FROM t WHERE id = '500'").rows == [[.integer(1)]])
        // A collation other than BINARY is SQLite's to apply, not the hash index's.
        #expect(try s.query("SELECT id FROM t WHERE u = 'U10' COLLATE NOCASE").rows == [[.integer(11)]])
        let plan = try s.query("EXPLAIN QUERY PLAN SELECT * FROM t ORDER BY id").rows.map { "\($0)" }.joined()
        #expect(!plan.contains("TEMP B-TREE"), "ORDER BY the key needs no sort: \(plan)")
        let desc = try s.query("SELECT id FROM t ORDER BY id DESC LIMIT 3").rows
        #expect(desc == [[.integer(1000)], [.integer(999)], [.integer(998)]])
    }

    @Test("ORDER BY the key is right when keys are not in insertion order")
    func keyOrderOutOfSlotOrder() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("t", columns: [Column("k", .str, primaryKey: true)]))
        for k in ["m", "b", "z", "a"] { try db.insert("t", ["k": .string(k)]) }
        let s = try SQLSession(database: db)
        #expect(try s.query("SELECT k FROM t ORDER BY k").rows.map { $0[0] } == ["a", "b", "m", "z"].map { .text($0) })
        #expect(try s.query("SELECT k FROM t ORDER BY k DESC").rows.map { $0[0] } == ["z", "m", "b", "a"].map { .text($0) })
    }

    @Test("a script that writes is one transaction: a failure in its middle changes nothing")
    func writesAreOneTransaction() throws {
        let dir = TempDir()
        let db = try makeTypedDatabase(dir)
        try db.save()
        let before = dir.snapshot()
        let s = try SQLSession(database: db)
        let error = #expect(throws: SQLError.self) {
            try s.run("""
                INSERT INTO item (code, price) VALUES ('d', 4);
                UPDATE item SET price = price * 2;
                INSERT INTO item (code) VALUES ('a');
                """)
        }
        #expect(error?.kind == .writeRefused)
        #expect(error?.message.contains("code") == true, "\(String(describing: error))")
        let clash = #expect(throws: SQLError.self) { try s.run("UPDATE item SET code = 'a' WHERE id = 2") }
        #expect(clash?.message.contains("code") == true)
        #expect(clash?.message.contains("id 2") == true, "the record is named: \(String(describing: clash))")
        #expect(try db.count("item") == 3)
        #expect(try db.get("item", key: 1)?["price"] == 1.5)
        try db.close()
        #expect(dir.snapshot() == before)
    }

    @Test("INSERT, UPDATE and DELETE go through the engine and survive a reopen")
    func writes() throws {
        let dir = TempDir()
        do {
            let db = try makeTypedDatabase(dir)
            let s = try SQLSession(database: db)
            let summary = try s.run("""
                BEGIN;
                INSERT INTO item (code, price, ok, meta) VALUES ('d', 4, 1, '{"y":[1]}');
                UPDATE item SET price = price + 1 WHERE code = 'a';
                DELETE FROM item WHERE id = 2;
                UPDATE item SET id = 10 WHERE id = 3;
                COMMIT;
                """)
            #expect(summary.committed && summary.changes == 4)
            #expect(try s.query("SELECT note FROM item WHERE code = 'd'").rows == [[.text("none")]])  // the default
            try db.close()
        }
        let db = try Database(path: dir.db)
        #expect(try db.count("item") == 3)
        #expect(try db.get("item", key: 1)?["price"] == 2.5)
        #expect(try db.get("item", key: 2) == nil)
        #expect(try db.get("item", key: 10)?["code"] == "c")
        #expect(try db.get("item", key: 4)?["meta"] == ["y": [1]])
        #expect(try db.get("item", key: 4)?["ok"] == true)
    }

    @Test("ROLLBACK writes nothing; statements after it and a BEGIN without COMMIT are refused")
    func rollback() throws {
        let dir = TempDir()
        let db = try makeTypedDatabase(dir)
        let s = try SQLSession(database: db)
        let summary = try s.run("BEGIN; DELETE FROM item; ROLLBACK;")
        #expect(summary.rolledBack && !summary.committed)
        #expect(try db.count("item") == 3)
        #expect(throws: SQLError.self) { try s.run("BEGIN; DELETE FROM item; ROLLBACK; DELETE FROM item;") }
        #expect(try db.count("item") == 3)
        let open = #expect(throws: SQLError.self) { try s.run("BEGIN; DELETE FROM item;") }
        #expect(open?.kind == .transaction)
        #expect(try db.count("item") == 3)
        #expect(try s.run("DELETE FROM item WHERE id = 1").committed)
        #expect(try db.count("item") == 2)
    }

    @Test("CREATE, DROP, ALTER, ATTACH, SAVEPOINT and writing PRAGMAs are refused with a clear message")
    func refusals() throws {
        let dir = TempDir()
        let db = try makeTypedDatabase(dir)
        let s = try SQLSession(database: db)
        for sql in ["CREATE TABLE x(a)", "DROP TABLE item", "ALTER TABLE item ADD COLUMN z", "ATTACH 'x.db' AS x",
                    "CREATE TEMP VIEW v AS SELECT 1", "SAVEPOINT a", "PRAGMA journal_mode = WAL"] {
            let e = #expect(throws: SQLError.self, "\(sql)") { try s.run(sql) }
            #expect(e?.kind == .refused, "\(sql): \(String(describing: e))")
        }
        #expect(try s.query("PRAGMA table_info(item)").rows.count == 6)
    }

    @Test("SQLite's message keeps the position in the query")
    func errorPosition() throws {
        let dir = TempDir()
        let s = try SQLSession(database: try makeTypedDatabase(dir))
        let e = #expect(throws: SQLError.self) { try s.run("SELECT id,\n  nope FROM item") }
        #expect(e?.kind == .invalid)
        #expect(e?.message.contains("no such column: nope") == true)
        #expect(e?.position == SQLError.Position(line: 2, column: 3))
        #expect(e?.description.contains("  nope FROM item\n    ^") == true, "\(String(describing: e))")
    }

    @Test("named parameters bind; a missing one is named")
    func parameters() throws {
        let dir = TempDir()
        let s = try SQLSession(database: try makeTypedDatabase(dir))
        #expect(try s.query("SELECT id FROM item WHERE code = :c", parameters: ["c": .text("b")]).rows == [[.integer(2)]])
        let e = #expect(throws: SQLError.self) { try s.run("SELECT * FROM item WHERE id = $x") }
        #expect(e?.kind == .missingParameter && e?.message.contains("x") == true)
    }

    @Test("a read-only database refuses writes and says so")
    func readOnly() throws {
        let dir = TempDir()
        try makeTypedDatabase(dir).close()
        let db = try Database(path: dir.db, options: { var o = DatabaseOptions(); o.readOnly = true; return o }())
        let s = try SQLSession(database: db)
        #expect(try s.writes("DELETE FROM item"))
        #expect(try !s.writes("SELECT * FROM item"))
        let e = #expect(throws: SQLError.self) { try s.run("DELETE FROM item") }
        #expect(e?.kind == .readOnly)
        #expect(try db.count("item") == 3)
    }

    @Test("rows the caller holds can be queried by rowid, and replaced")
    func heldRows() throws {
        let s = try SQLSession()
        let schema = try TableSchema("v", columns: [Column("a", .int), Column("b", .str)])
        try s.register(view: "v", schema: schema, rows: [[.int(1), .string("x")], [.int(5), .null], [.int(9), .string("y")]])
        #expect(try s.query("SELECT rowid FROM v WHERE a > 2").rows == [[.integer(1)], [.integer(2)]])
        try s.register(view: "v", schema: schema, rows: [[.int(3), .null]])
        #expect(try s.query("SELECT rowid FROM v WHERE b IS NULL").rows == [[.integer(0)]])
        #expect(throws: SQLError.self) { try s.run("DELETE FROM v") }
    }

    @Test("held rows in no key order: ORDER BY the key returns every row, in key order, both ways")
    func heldRowsOrderedByKey() throws {
        let s = try SQLSession()
        let schema = try TableSchema("v", columns: [Column("a", .int, primaryKey: true), Column("b", .str)])
        try s.register(view: "v", schema: schema, rows: [[.int(9), .string("x")], [.int(1), .null], [.int(5), .string("y")]])
        #expect(try s.query("SELECT a FROM v ORDER BY a").rows == [[.integer(1)], [.integer(5)], [.integer(9)]])
        #expect(try s.query("SELECT a FROM v ORDER BY a DESC").rows == [[.integer(9)], [.integer(5)], [.integer(1)]])
    }

    @Test("interrupt stops a long query")
    func interrupt() throws {
        let s = try SQLSession()
        let schema = try TableSchema("v", columns: [Column("a", .int)])
        try s.register(view: "v", schema: schema, rows: (0..<2000).map { [.int($0)] })
        var seen = 0
        let e = #expect(throws: SQLError.self) {
            try s.run("SELECT a.a FROM v a, v b, v c") { _ in
                seen += 1
                if seen == 10 { s.interrupt() }
            }
        }
        #expect(e?.kind == .interrupted)
    }

    @Test("a statement reads one state: writes made while it runs do not show in it")
    func oneStatePerStatement() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("v", .int)]))
        try db.insert("t", records: (0..<100).map { ["v": .int($0)] })
        let s = try SQLSession(database: db)
        var counts: [SQLiteValue] = []
        // The correlated subquery scans t again for every row; the first row's callback writes 50 more rows.
        try s.run("SELECT a.id, (SELECT count(*) FROM t b WHERE b.v >= a.v - a.v) FROM t a") { row in
            if counts.isEmpty { try db.insert("t", records: (0..<50).map { ["v": .int($0)] }) }
            counts.append(row[1])
        }
        #expect(counts.count == 100)
        #expect(Set(counts) == [.integer(100)])
        // The next statement sees them.
        #expect(try s.query("SELECT count(*) FROM t").rows == [[.integer(150)]])
    }

    @Test("INSERT OR IGNORE skips a row LineDB refuses; INSERT OR REPLACE replaces the record with that key")
    func conflictModes() throws {
        let dir = TempDir()
        let db = try makeTypedDatabase(dir)
        let s = try SQLSession(database: db)
        let ignored = try s.run("INSERT OR IGNORE INTO item (id, code) VALUES (1, 'x'), (7, 'y'), (8, 'a')")
        #expect(ignored.committed && ignored.changes == 1)
        #expect(try db.get("item", key: 7)?["code"] == "y")
        #expect(try db.get("item", key: 1)?["code"] == "a" && (try db.get("item", key: 8)) == nil)
        try s.run("INSERT OR REPLACE INTO item (id, code, price) VALUES (2, 'bb', 9.5)")
        #expect(try db.get("item", key: 2)?["code"] == "bb")
        #expect(try db.get("item", key: 2)?["price"] == 9.5)
        #expect(try db.get("item", key: 2)?["meta"] == .null)  // replaced as a new record: [1, 2] is gone
        #expect(try db.count("item") == 4)
        // A plain INSERT onto an existing key is refused, naming the key column.
        let e = #expect(throws: SQLError.self) { try s.run("INSERT INTO item (id, code) VALUES (2, 'q')") }
        #expect(e?.kind == .writeRefused)
    }

    @Test("names SQLite would take for one another: a table is left out with a clear warning, a column is renamed")
    func caseInsensitiveNames() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("Student", columns: [Column("id", .int, primaryKey: true)]))
        try db.createTable(TableSchema("student", columns: [Column("id", .int, primaryKey: true)]))
        try db.createTable(TableSchema("sqlite_x", columns: [Column("id", .int, primaryKey: true)]))
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("name", .str), Column("Name", .str),
        ]))
        try db.insert("t", ["name": "a", "Name": "B"])
        let s = try SQLSession(database: db)
        #expect(s.tableNames == ["Student", "t"])
        #expect(s.warnings.contains { $0.contains("'student'") && $0.contains("ignore case") && $0.contains("'Student'") })
        #expect(s.warnings.contains { $0.contains("'sqlite_x'") && $0.contains("reserves") })
        #expect(s.warnings.contains { $0.contains("'Name' is \"Name_2\"") })
        #expect(try s.query("SELECT name, Name_2 FROM t").rows == [[.text("a"), .text("B")]])
        try s.run("UPDATE t SET Name_2 = 'C'")
        #expect(try db.get("t", key: 1)?["Name"] == "C")
    }

    @Test("a result column's origin: the table column it reads, through aliases; nil for an expression")
    func columnOrigins() throws {
        let dir = TempDir()
        let db = try makeTypedDatabase(dir)
        let s = try SQLSession(database: db)
        try s.run("SELECT i.id AS k, code, price * 2, (SELECT 1) FROM item AS i WHERE id = 1")
        #expect(s.columnOrigins == [
            SQLSession.ColumnOrigin(table: "item", column: "id"), SQLSession.ColumnOrigin(table: "item", column: "code"),
            nil, nil,
        ])
    }
}
