import Foundation
import LineDB
import Testing

/// A database with table `t` (id int key, n int, x float, s str, j json, b bool) and three rows covering null, "",
/// control characters and every type; and table `big` when `bigRows` > 0 (id, n = id % 7), written through the
/// engine (faster than the CLI for many rows).
private func sqlDatabase(_ dir: Scratch, bigRows: Int = 0) throws {
    let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .off))
    try db.createTable(TableSchema("t", columns: [
        Column("id", .int, primaryKey: true), Column("n", .int), Column("x", .float), Column("s", .str),
        Column("j", .json), Column("b", .bool),
    ]))
    try db.insert("t", ["n": 5, "x": 2.5, "s": "", "j": ["a": [1, "x"]], "b": true])
    try db.insert("t", ["n": 123, "x": .null, "s": .null, "j": .null, "b": false])
    try db.insert("t", ["n": -7, "x": 10.0, "s": "tab\there\u{1B}[2J", "j": "str", "b": .null])
    if bigRows > 0 {
        try db.createTable(TableSchema("big", columns: [Column("id", .int, primaryKey: true), Column("n", .int)]))
        try db.insert("big", records: (0..<bigRows).map { ["n": .int($0 % 7)] })
    }
    try db.save()
    try db.close()
}

@Suite("linedb sql")
struct SqlCommandTests {
    @Test("--format table right-aligns numbers, shows NULL apart from \"\" and escapes control characters")
    func tableFormat() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let r = expectOK(try CLI.run(["sql", dir.db, "SELECT * FROM t ORDER BY id"]))
        #expect(r.lines == [
            "id  n    x     s                  j              b",
            "--  ---  ----  -----------------  -------------  ----",
            " 1    5   2.5                     {\"a\":[1,\"x\"]}     1",
            " 2  123  NULL  NULL               NULL              0",
            " 3   -7  10.0  tab⇥here\\u{1B}[2J  \"str\"          NULL",
        ])
        #expect(!r.stdout.contains("\u{1B}"))
    }

    @Test("--format csv: null an empty field, \"\" quoted; json: one array; jsonl: one object per row")
    func otherFormats() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let q = "SELECT id, x, s, j, b FROM t WHERE id < 3 ORDER BY id"
        let csv = expectOK(try CLI.run(["sql", dir.db, q, "--format", "csv"]))
        #expect(csv.stdout == "id,x,s,j,b\n1,2.5,\"\",\"{\"\"a\"\":[1,\"\"x\"\"]}\",1\n2,,,,0\n")
        let json = expectOK(try CLI.run(["sql", dir.db, q, "--format", "json"]))
        let array = try #require(try foundationJSON(json.stdout) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["s"] as? String == "" && array[1]["s"] is NSNull)
        #expect(array[0]["x"] as? Double == 2.5 && array[1]["x"] is NSNull)
        #expect(array[0]["j"] as? String == #"{"a":[1,"x"]}"#)
        let jsonl = expectOK(try CLI.run(["sql", dir.db, q, "--format", "jsonl"]))
        #expect(jsonl.lines == [
            #"{"id":1,"x":2.5,"s":"","j":"{\"a\":[1,\"x\"]}","b":1}"#, #"{"id":2,"x":null,"s":null,"j":null,"b":0}"#,
        ])
        // Control characters are escaped in JSON.
        let esc = expectOK(try CLI.run(["sql", dir.db, "SELECT s FROM t WHERE id = 3", "--format", "jsonl"]))
        #expect(esc.stdout == #"{"s":"tab\there\u001b[2J"}"# + "\n")
    }

    @Test("--param gives named values, typed: integer, real, else text (\"\" and 0x10 stay text)")
    func parameters() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let r = expectOK(try CLI.run([
            "sql", dir.db, "SELECT typeof(:a), typeof(@b), typeof($c), typeof(:d), :d = '', typeof(:e), :e, typeof(?1)",
            "--param", "a=5", "--param", "b=5.0", "--param", "c=abc", "--param", "d=", "--param", "e=0x10",
            "--param", "1=-2", "--format", "csv",
        ]))
        #expect(r.lines.last == "integer,real,text,text,1,text,0x10,integer")
        let rows = expectOK(try CLI.run([
            "sql", dir.db, "SELECT id FROM t WHERE n > :min AND s = :s", "--param", "min=0", "--param", "s=",
            "--format", "csv",
        ]))
        #expect(rows.lines == ["id", "1"])
        let missing = try CLI.run(["sql", dir.db, "SELECT * FROM t WHERE id = :key"])
        #expect(missing.status == 2 && missing.stderr.contains("parameter key has no value"), "\(missing)")
    }

    @Test("a script on standard input runs every statement, as one transaction")
    func scriptOnStdin() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let r = expectOK(try CLI.run(["sql", dir.db, "--format", "csv"], stdin: """
            INSERT INTO t (n, s) VALUES (40, 'from; stdin');
            UPDATE t SET n = n + 1 WHERE id = 4;
            SELECT id, n, s FROM t WHERE id = 4;
            """))
        #expect(r.lines == ["id,n,s", "4,41,from; stdin"])
        #expect(r.stderr.contains("2 rows changed (durable)"), "\(r)")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try db.get("t", key: 4)?["n"] == 41)
    }

    @Test("exit codes: 0; 1 for a broken constraint; 2 for bad SQL, a refused statement, a value of the wrong type")
    func exitCodes() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let before = snapshot(dir.db)
        let cases: [(String, Int32, String)] = [
            ("INSERT INTO t (id, n) VALUES (1, 2)", 1, "t.id"),
            ("SELEC * FROM t", 2, "syntax error"),
            ("SELECT nope FROM t", 2, "no such column: nope"),
            ("DROP TABLE t", 2, "DROP is refused"),
            ("CREATE TABLE u (a)", 2, "create-table"),
            ("ATTACH 'x.db' AS x", 2, "ATTACH is refused"),
            ("ALTER TABLE t ADD COLUMN z", 2, "ALTER TABLE is refused"),
            ("INSERT INTO t (n) VALUES ('abc')", 2, "column 'n'"),
            ("UPDATE t SET b = 7 WHERE id = 1", 2, "column 'b'"),
            ("SELECT * FROM nowhere", 2, "no such table: nowhere"),
        ]
        for (sql, code, message) in cases {
            let r = try CLI.run(["sql", dir.db, sql])
            #expect(r.status == code, "\(sql): \(r)")
            #expect(r.stderr.contains(message), "\(sql): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(sql)")
        }
        #expect(snapshot(dir.db) == before)
        expectOK(try CLI.run(["sql", dir.db, "SELECT 1"]))
    }

    @Test("SQLite's message keeps the line and column, with the line of SQL and a caret under the place")
    func errorPosition() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let r = try CLI.run(["sql", dir.db], stdin: "SELECT id FROM t;\nSELECT id,\n   nope FROM t;\n")
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty, "a syntax error anywhere runs nothing: \(r.stdout)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines == ["linedb: no such column: nope (line 3, column 4)", "     nope FROM t;", "     ^"], "\(r.stderr)")
    }

    @Test("a failing statement in the middle of a script leaves every file byte-identical")
    func failingScriptChangesNothing() throws {
        let dir = Scratch()
        try sqlDatabase(dir, bigRows: 500)
        let before = snapshot(dir.db)
        let r = try CLI.run(["sql", dir.db], stdin: """
            BEGIN;
            INSERT INTO t (n, s) VALUES (1, 'new');
            UPDATE big SET n = n + 100;
            DELETE FROM t WHERE id = 2;
            INSERT INTO t (id, n) VALUES (3, 0);
            UPDATE t SET n = 0;
            COMMIT;
            """)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("t.id") && r.stderr.contains("nothing was written"), "\(r.stderr)")
        // The statement that failed is shown, with its line.
        #expect(r.stderr.contains("(line 5, column 1)") && r.stderr.contains("\n  INSERT INTO t (id, n) VALUES (3, 0);\n  ^"),
                "\(r.stderr)")
        #expect(snapshot(dir.db) == before)
        // And a type error in the middle (exit 2), the same.
        let typed = try CLI.run(["sql", dir.db], stdin: "UPDATE big SET n = 1;\nUPDATE t SET x = 'nan?';\n")
        #expect(typed.status == 2, "\(typed)")
        #expect(snapshot(dir.db) == before)
    }

    @Test("written rows are durable: in the WAL when the command returns, and there after a reopen")
    func durable() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let wal = dir.lines("db/wal/transaction.log").count
        let r = expectOK(try CLI.run(["sql", dir.db, "UPDATE t SET n = n * 10 WHERE n > 0; DELETE FROM t WHERE id = 3"]))
        #expect(r.stderr.contains("3 rows changed (durable)"), "\(r)")
        let entries = dir.lines("db/wal/transaction.log").dropFirst(wal)
        let operations = try entries.map { try #require((try foundationJSON($0) as? [String: Any])?["operation"] as? String) }
        #expect(operations.filter { $0 == "UPDATE" }.count == 2, "\(entries)")
        #expect(operations.filter { $0 == "DELETE" }.count == 1, "\(entries)")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try db.get("t", key: 1)?["n"] == 50)
        #expect(try db.get("t", key: 2)?["n"] == 1230)
        #expect(try db.get("t", key: 3) == nil)
    }

    @Test("a write is refused, naming the pid, while another process holds the writer lock; a read works")
    func writerLock() throws {
        let dir = Scratch()
        try sqlDatabase(dir)
        let holder = try Database(path: dir.db)  // this process takes the writer lock
        defer { try? holder.close() }
        let before = snapshot(dir.db)
        let write = try CLI.run(["sql", dir.db, "DELETE FROM t"])
        #expect(write.status == 1, "\(write)")
        #expect(write.stderr.contains("\(getpid())"), "\(write.stderr)")
        let read = expectOK(try CLI.run(["sql", dir.db, "SELECT count(*) FROM t", "--format", "csv"]))
        #expect(read.lines == ["count(*)", "3"])
        #expect(snapshot(dir.db) == before)
    }

    @Test("a running sql write holds the writer lock: a second writer is refused, naming its pid")
    func writeHoldsTheLock() throws {
        let dir = Scratch()
        try sqlDatabase(dir, bigRows: 1000)
        let (process, io) = try CLI.start([
            "sql", dir.db, "UPDATE big SET n = (SELECT count(*) FROM big a, big b WHERE a.n <= big.n)",
        ])
        defer { io.remove() }
        usleep(700_000)
        #expect(process.isRunning, "the write ended too soon: \(io.currentStderr())")
        let second = try CLI.run(["insert", dir.db, "t"], stdin: #"{"n": 1}"# + "\n")
        #expect(second.status == 1, "\(second)")
        #expect(second.stderr.contains("\(process.processIdentifier)"), "\(second.stderr)")
        let otherSQL = try CLI.run(["sql", dir.db, "DELETE FROM t"])
        #expect(otherSQL.status == 1 && otherSQL.stderr.contains("\(process.processIdentifier)"), "\(otherSQL)")
        kill(process.processIdentifier, SIGINT)
        CLI.waitForExit(process)
        #expect(io.result(of: process).status == 130)
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try db.count("t") == 3)
    }

    @Test("Ctrl-C (SIGINT) stops a long query or write: exit 130, 'interrupted', nothing changed", arguments: [
        "SELECT count(*) FROM big a, big b, big c",
        "UPDATE big SET n = (SELECT count(*) FROM big a, big b WHERE a.n <= big.n)",
    ])
    func interrupt(_ sql: String) throws {
        let dir = Scratch()
        try sqlDatabase(dir, bigRows: 1000)
        let before = snapshot(dir.db)
        let (process, io) = try CLI.start(["sql", dir.db, sql])
        defer { io.remove() }
        usleep(700_000)
        #expect(process.isRunning, "the query ended before the signal: \(io.currentStderr())")
        kill(process.processIdentifier, SIGINT)
        CLI.waitForExit(process)
        let r = io.result(of: process)
        #expect(r.status == 130 && !r.signaled, "\(r)")
        #expect(r.stderr.contains("interrupted"), "\(r.stderr)")
        #expect(snapshot(dir.db) == before)
    }

    @Test("kill -9 during a write: after reopening, the whole statement is there or none of it; acknowledged runs stay")
    func killDuringWrite() throws {
        let dir = Scratch()
        try sqlDatabase(dir, bigRows: 20000)
        var generator = SystemRandomNumberGenerator()
        var acknowledged = 0
        var started = 0
        var killed = 0
        for round in 0..<8 {
            let (process, io) = try CLI.start([
                "sql", dir.db, "UPDATE big SET n = n + 1; INSERT INTO t (n, s) SELECT id, 'copy' FROM big WHERE id <= 100",
            ])
            started += 1
            // Rounds 0, 2, 4... run to the end (acknowledged); the others die at a random moment.
            if round % 2 == 1 {
                usleep(UInt32.random(in: 100_000...2_500_000, using: &generator))
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let r = io.result(of: process)
            io.remove()
            if !r.signaled {
                #expect(r.status == 0, "\(r)")
                acknowledged += 1
            } else {
                killed += 1
            }
            // Reopen as a writer (recovery), then look.
            let db = try Database(path: dir.db)
            let shifts = Set(try db.select("big").map { r in
                (r["n"]?.intValue ?? -999) - ((r["id"]?.intValue ?? 0) - 1) % 7
            })
            #expect(shifts.count == 1, "round \(round): some rows of big were updated and others not: \(shifts)")
            let shift = try #require(shifts.first)
            let copies = try db.count("t") - 3
            #expect(copies == shift * 100, "round \(round): \(copies) copies for \(shift) committed updates")
            #expect(shift >= acknowledged && shift <= started, "round \(round): \(shift) commits, \(acknowledged) acknowledged")
            try db.close()
        }
        #expect(killed > 0, "no kill landed while a write ran")
    }

    @Test("a reader sees one state while another process commits during its long query")
    func consistentReader() throws {
        let dir = Scratch()
        try sqlDatabase(dir, bigRows: 2000)
        let expected = (0..<2000).reduce(0) { $0 + $1 % 7 } * 400
        let (process, io) = try CLI.start([
            "sql", dir.db, "SELECT sum(a.n), count(*) FROM big a, (SELECT id FROM big LIMIT 400) b", "--format", "csv",
        ])
        defer { io.remove() }
        usleep(300_000)
        // Meanwhile this process writes and commits, several times.
        let writer = try Database(path: dir.db)
        var commits = 0
        while process.isRunning && commits < 50 {
            try writer.transaction { tx in
                for id in 1...20 { _ = try tx.update("big", key: .int(id), set: ["n": .int(1000 + commits)]) }
            }
            commits += 1
        }
        try writer.close()
        CLI.waitForExit(process)
        let r = io.result(of: process)
        #expect(r.status == 0, "\(r)")
        #expect(commits > 0)
        // Each commit sets rows 1...20 to one value: any state the query may have read is the one before the
        // first commit or after one of them, never a mixture.
        let firstTwenty = (0..<20).reduce(0) { $0 + $1 % 7 }
        let states = [expected] + (0..<commits).map { c in expected + (20 * (1000 + c) - firstTwenty) * 400 }
        let sum = r.lines.count == 2 ? Int(r.lines[1].split(separator: ",")[0]) : nil
        #expect(r.lines.last?.hasSuffix(",800000") == true, "\(r)")
        #expect(sum.map(states.contains) == true, "\(r.stdout): not one committed state (\(commits) commits)")
    }

    @Test("a result of many rows streams: the process's peak memory does not grow with the rows it prints")
    func streamsInConstantMemory() throws {
        let dir = Scratch()
        try sqlDatabase(dir, bigRows: 150_000)
        func peakKB(_ sql: String, _ format: String) throws -> Int {
            let out = dir.path + "/rss"
            let r = try CLI.runProgram("/bin/sh", ["-c",
                "exec /usr/bin/time -f %M -o '\(out)' '\(try CLI.binary.get())' sql '\(dir.db)' \"$0\" --format \(format) > /dev/null",
                sql], stdin: nil)
            #expect(r.status == 0, "\(r)")
            return Int(dir.read("rss").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        let empty = Scratch()
        try sqlDatabase(empty)
        let baseline = try peakKB("SELECT 1", "jsonl")  // (the big table is loaded here too)
        let all = try peakKB("SELECT * FROM big", "jsonl")
        let table = try peakKB("SELECT * FROM big", "table")
        let count = try peakKB("SELECT count(*) FROM big", "jsonl")
        // The table's own memory: what loading it costs over a process with a small database.
        let small = try CLI.runProgram("/bin/sh", ["-c",
            "exec /usr/bin/time -f %M '\(try CLI.binary.get())' sql '\(empty.db)' 'SELECT 1' > /dev/null"], stdin: nil)
        let smallKB = Int(small.stderr.split(separator: "\n").last.map(String.init) ?? "") ?? -1
        let tableKB = baseline - smallKB
        #expect(tableKB > 0, "baseline \(baseline) KB, small \(smallKB) KB")
        #expect(all - count <= max(tableKB / 10, 4096), "SELECT * \(all) KB vs count(*) \(count) KB; table \(tableKB) KB")
        #expect(table - count <= max(tableKB / 10, 4096), "table format \(table) KB vs count(*) \(count) KB")
    }
}
