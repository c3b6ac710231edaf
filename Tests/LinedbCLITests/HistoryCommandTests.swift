import Foundation
import LineDB
import Testing

/// `linedb history` (issue 15, section 1): every version of a record, from the live WAL and the archives, run as
/// the real binary over databases built with `linedb` commands.
@Suite("linedb history")
struct HistoryCommandTests {
    /// A student database where record 1 lives through: insert (lsn 2), update gpa (lsn 4), a checkpoint, key
    /// change 1 → 10, delete, insert again as 10. Student 2 (Bob) is only inserted.
    static func lifeOfAlice() throws -> Scratch {
        let dir = try Scratch().studentDatabase(count: 2)  // lsn 1 CREATE_TABLE, 2 Alice (id 1), 3 Bob (id 2)
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.5"]))  // lsn 4
        expectOK(try CLI.run(["checkpoint", dir.db]))  // lsn 5 CHECKPOINT, in the new live WAL
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "id=10"]))  // lsn 6
        expectOK(try CLI.run(["delete", dir.db, "student", "10"]))  // lsn 7
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"id": 10, "name": "Alma", "email": "alma@u.edu"}"#]))  // lsn 8
        return dir
    }

    /// The header fields of a text version: lsn, time, operation, key column, key, ... file, "line", N.
    static func fields(_ header: String) -> [String] {
        header.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }

    @Test("history prints each version newest first: header (lsn, time, op, key, file, line), then the changes; it follows a key change back, across a checkpoint")
    func textNewestFirst() throws {
        let dir = try Self.lifeOfAlice()
        // The checkpoint gzipped its archive: history names the .log.gz file.
        let archive = try #require(dir.list("db/wal").first { $0 != "transaction.log" && $0.hasSuffix(".log.gz") })
        let result = expectOK(try CLI.run(["history", dir.db, "student", "10"]))
        let lines = result.lines
        let headers = lines.filter { !$0.hasPrefix("  ") }
        #expect(headers.count == 5, "\(result.stdout)")
        #expect(headers.map { Self.fields($0)[1] } == ["8", "7", "6", "4", "2"])
        #expect(headers.map { Self.fields($0)[3] } == ["INSERT", "DELETE", "UPDATE", "UPDATE", "INSERT"])
        // The key as it was after each entry; the key change names the old key.
        #expect(headers[2].contains("  UPDATE  id 10 (was 1)  "), "\(headers[2])")
        #expect(headers[3].contains("  UPDATE  id 1  "), "\(headers[3])")
        // Where each entry is: the live WAL holds lsn 5...8, the archive lsn 1...4 (its lines 2 and 4).
        #expect(headers[0].hasSuffix("transaction.log (live) line 4"), "\(headers[0])")
        #expect(headers[2].hasSuffix("transaction.log (live) line 2"), "\(headers[2])")
        #expect(headers[3].hasSuffix("\(archive) line 4"), "\(headers[3])")
        #expect(headers[4].hasSuffix("\(archive) line 2"), "\(headers[4])")
        // Each time is the entry's own, as the WAL line has it.
        let walTimes = dir.lines("db/wal/transaction.log").map {
            (try! foundationJSON($0) as! [String: Any])["timestamp"] as! String
        }
        #expect(Self.fields(headers[0])[2] == walTimes[3])
        // The changes under each header.
        let body = lines.split(whereSeparator: { !$0.hasPrefix("  ") }).map(Array.init)
        #expect(body[0] == [
            #"  + id: 10"#, #"  + name: "Alma""#, #"  + email: "alma@u.edu""#, #"  + gpa: 0.0"#,
        ])
        #expect(body[1] == [
            #"  - id: 10"#, #"  - name: "Alice""#, #"  - email: "alice@u.edu""#, #"  - gpa: 3.5"#,
        ])
        #expect(body[2] == ["  id: 1 → 10"])
        #expect(body[3] == ["  gpa: 2.0 → 3.5"])
        #expect(body[4].first == "  + id: 1")
        // Bob's history is his one insert; nothing of Alice's.
        let bob = expectOK(try CLI.run(["history", dir.db, "student", "2"]))
        #expect(bob.lines.count == 5 && Self.fields(bob.lines[0])[1] == "3", "\(bob.stdout)")
        #expect(bob.stderr.isEmpty)
    }

    @Test("--limit keeps the newest versions; --reverse prints them oldest first")
    func limitAndReverse() throws {
        let dir = try Self.lifeOfAlice()
        let limited = expectOK(try CLI.run(["history", dir.db, "student", "10", "--limit", "2", "--json"]))
        #expect(try limited.lines.map { try #require(foundationJSON($0) as? [String: Any])["lsn"] as? Int } == [8, 7])
        let reversed = expectOK(try CLI.run(["history", dir.db, "student", "10", "--reverse", "--json"]))
        #expect(try reversed.lines.map { try #require(foundationJSON($0) as? [String: Any])["lsn"] as? Int } == [2, 4, 6, 7, 8])
        let both = expectOK(try CLI.run(["history", dir.db, "student", "10", "--reverse", "--limit", "2"]))
        #expect(both.lines.filter { !$0.hasPrefix("  ") }.map { Self.fields($0)[1] } == ["7", "8"])
        #expect(expectOK(try CLI.run(["history", dir.db, "student", "10", "--limit", "0"])).stdout.isEmpty)
        let negative = try CLI.run(["history", dir.db, "student", "10", "--limit=-1"])
        #expect(negative.status == 2 && negative.stderr.contains("--limit must be 0 or more"), "\(negative)")
    }

    @Test("--json: one object per version with the documented members, that Foundation reads")
    func jsonLines() throws {
        let dir = try Self.lifeOfAlice()
        let result = expectOK(try CLI.run(["history", dir.db, "student", "10", "--json"]))
        let objects = try result.lines.map { try #require(foundationJSON($0) as? [String: Any]) }
        #expect(objects.count == 5)
        let keys: Set<String> = [
            "table", "key", "lsn", "effective_lsn", "timestamp", "operation", "old_key", "record", "old_record",
            "changes", "file", "live", "line", "byte_offset",
        ]
        for o in objects { #expect(Set(o.keys) == keys, "\(o.keys)") }
        let keyChange = objects[2]
        #expect(keyChange["operation"] as? String == "UPDATE")
        #expect(keyChange["key"] as? Int == 10 && keyChange["old_key"] as? Int == 1)
        #expect(keyChange["live"] as? Bool == true && keyChange["file"] as? String == "transaction.log")
        let changes = try #require(keyChange["changes"] as? [[String: Any]])
        #expect(changes.count == 1 && changes[0]["column"] as? String == "id")
        #expect(changes[0]["old"] as? Int == 1 && changes[0]["new"] as? Int == 10)
        #expect(objects[1]["record"] is NSNull && (objects[1]["old_record"] as? [String: Any])?["name"] as? String == "Alice")
        #expect(objects[4]["old_record"] is NSNull && objects[4]["old_key"] is NSNull)
        #expect(objects[3]["live"] as? Bool == false)
        // line and byte_offset point at the entry itself.
        let live = Array(dir.read("db/wal/transaction.log").utf8)
        let offset = try #require(keyChange["byte_offset"] as? Int)
        let line = String(decoding: live[offset...].prefix { $0 != 10 }, as: UTF8.self)
        #expect((try foundationJSON(line) as? [String: Any])?["lsn"] as? Int == 6)
        #expect(keyChange["line"] as? Int == 2)
    }

    @Test("a key never seen prints nothing and exits 0 (like git log on an unknown path); an unknown table or a bad key is a usage error")
    func unknownKeyAndTable() throws {
        let dir = try Self.lifeOfAlice()
        let none = try CLI.run(["history", dir.db, "student", "42"])
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr.isEmpty, "\(none)")
        let table = try CLI.run(["history", dir.db, "studnt", "1"])
        #expect(table.status == 2 && table.stderr == "linedb: no table named 'studnt' (did you mean 'student'?)\n", "\(table)")
        let key = try CLI.run(["history", dir.db, "student", "one"])
        #expect(key.status == 2 && key.stderr.contains("student.id is int"), "\(key)")
        // Reading history changed nothing.
        #expect(dir.list("db/wal").filter { !$0.hasSuffix(".idx") }.count == 2)
    }

    @Test("on a terminal, a key never seen gets a note on stderr (run under script(1), which gives it a pty)")
    func unknownKeyOnTerminal() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let command = "'\(try CLI.binary.get())' history '\(dir.db)' student 42"
        let result = try CLI.runTool("script", ["-qc", command, "/dev/null"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("linedb: note: no history for student 42"), "\(result)")
    }

    @Test("a str key stays a string: \"007\" is not 7")
    func stringKey() throws {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        expectOK(try CLI.run(["create-table", dir.db, "code", "--column", "k:str:pk", "--column", "v:int"]))
        expectOK(try CLI.run(["insert", dir.db, "code", #"{"k": "007", "v": 1}"#]))
        expectOK(try CLI.run(["insert", dir.db, "code", #"{"k": "7", "v": 2}"#]))
        expectOK(try CLI.run(["update", dir.db, "code", "007", "--set", "v=3"]))
        let result = expectOK(try CLI.run(["history", dir.db, "code", "007"]))
        #expect(result.lines.filter { !$0.hasPrefix("  ") }.map { Self.fields($0)[1] } == ["4", "2"], "\(result.stdout)")
        #expect(result.lines.contains("  v: 1 → 3"))
        let json = expectOK(try CLI.run(["history", dir.db, "code", "007", "--json"]))
        #expect((try foundationJSON(json.lines[0]) as? [String: Any])?["key"] as? String == "007")
    }

    @Test("hostile values: control characters and bidi overrides are shown visibly in text, exact in --json")
    func hostileValues() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        for (i, c) in HostileText.terminalCases.enumerated() {
            expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "name=" + HostileText.json(c.text), "--set", "gpa=\(i)"]))
        }
        let text = expectOK(try CLI.run(["history", dir.db, "student", "1"]))
        expectTerminalSafe(text.stdoutBytes, "history")
        #expect(text.stdout.contains(#""\u001b[2J\u001b[H""#), "the escape is shown (as JSON writes it)")
        #expect(text.stdout.contains("\\u{9B}31m"), "the C1 CSI is shown")
        #expect(text.stdout.contains("\\u{202E}"), "the bidi override is shown")
        // One line per version header and per change: no value broke a line.
        #expect(text.lines.filter { !$0.hasPrefix("  ") }.count == HostileText.terminalCases.count + 1)
        let json = expectOK(try CLI.run(["history", dir.db, "student", "1", "--json", "--reverse"]))
        expectTerminalSafe(json.stdoutBytes, "history --json")
        let names = try json.lines.dropFirst().map {
            try #require(((try foundationJSON($0) as? [String: Any])?["record"] as? [String: Any])?["name"] as? String)
        }
        #expect(names == HostileText.terminalCases.map(\.text))
    }

    @Test("the seed's legacy lines (no lsn, no crc), archived and live, are part of the history in file order")
    func legacySeedLines() throws {
        let dir = Scratch()
        try FileManager.default.createDirectory(atPath: dir.db + "/schema", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.db + "/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.db + "/wal", withIntermediateDirectories: true)
        dir.write("db/schema/student.schema.json", """
            {"table_name": "student", "schema": {"id": {"type": "int", "primary_key": true, "nullable": true, "unique": false}, \
            "name": {"type": "str", "primary_key": false, "nullable": false, "unique": false}, \
            "gpa": {"type": "float", "primary_key": false, "nullable": true, "unique": false}}, "created_at": "2026-01-22T20:31:17.592172"}
            """)
        dir.write("db/data/student.records", """
            {"name": "Alice", "gpa": 3.8, "id": 1}
            {"name": "Bob", "gpa": 3.5, "id": 2}

            """)
        dir.write("db/wal/transaction.20260122_203200.log", """
            {"timestamp": "2026-01-22T20:31:17.592245", "operation": "CREATE_TABLE", "table": "student", "record": null, "old_record": null}
            {"timestamp": "2026-01-22T20:31:17.593123", "operation": "INSERT", "table": "student", "record": {"name": "Alice", "gpa": 3.8, "id": 1}, "old_record": null}
            {"timestamp": "2026-01-22T20:31:17.593301", "operation": "INSERT", "table": "student", "record": {"name": "Bob", "gpa": 3.5, "id": 2}, "old_record": null}

            """)
        dir.write("db/wal/transaction.log", """
            {"timestamp": "2026-01-22T20:35:00.000002", "operation": "UPDATE", "table": "student", "record": {"name": "Bobby", "gpa": 3.6, "id": 2}, "old_record": {"name": "Bob", "gpa": 3.5, "id": 2}}
            {"timestamp": "2026-01-22T20:35:00.000004", "operation": "UPDATE", "table": "student", "record": {"gpa": 2.0, "id": 2}, "old_record": null}

            """)
        let before = dir.read("db/wal/transaction.log")
        let result = expectOK(try CLI.run(["history", dir.db, "student", "2"]))
        let headers = result.lines.filter { !$0.hasPrefix("  ") }
        #expect(headers.map { Self.fields($0)[2] } == [
            "2026-01-22T20:35:00.000004", "2026-01-22T20:35:00.000002", "2026-01-22T20:31:17.593301",
        ], "\(result.stdout)")
        #expect(headers.map { Self.fields($0)[3] } == ["UPDATE", "UPDATE", "INSERT"])
        #expect(headers[0].hasSuffix("transaction.log (live) line 2"))
        #expect(headers[2].hasSuffix("transaction.20260122_203200.log line 3"))
        #expect(result.lines.contains(#"  name: "Bob" → "Bobby""#))
        #expect(result.lines.contains("  gpa: 3.6 → 2.0"))
        // The live WAL's lines are numbered as the engine numbers them (`linedb wal` shows the same): after a seed
        // archive, from 1 again; the seed archive's lines before them are numbered back from 0 (its last line is 0),
        // so that no two entries of the history share an LSN.
        #expect(headers.map { Self.fields($0)[1] } == ["2", "1", "0"])
        let wal = expectOK(try CLI.run(["wal", dir.db]))
        #expect(wal.lines.map { Self.fields($0)[0] } == ["1", "2"])
        #expect(dir.read("db/wal/transaction.log") == before, "reading history changed the WAL")
    }

    @Test("history works while another process holds the writer lock, and sees its acknowledged writes")
    func whileLocked() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let holder = try Database(path: dir.db)
        defer { try? holder.close() }
        try holder.update("student", key: 1, set: ["gpa": 3.9])
        let result = expectOK(try CLI.run(["history", dir.db, "student", "1"]))
        #expect(result.lines.contains("  gpa: 2.0 → 3.9"), "\(result.stdout)")
    }
}

/// `linedb history` over a damaged archive: one clear message naming the file, line and byte once, and what is
/// unaffected; no file changed.
@Suite("linedb history over damaged archives")
struct HistoryDamageTests {
    @Test("a bit flipped in an archive: exit 1, the archive, line and byte named once, the newer versions said unaffected, nothing changed")
    func flippedArchive() throws {
        let dir = try Scratch().studentDatabase(count: 2)  // lsn 1...3
        // A plain archive, whose line this test edits (a gzipped one is damaged differently: GzipArchiveTests).
        expectOK(try CLI.run(["checkpoint", dir.db, "--no-gzip"]))  // archive: lsn 1...3; live: lsn 4 CHECKPOINT
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.3"]))  // lsn 5
        let archive = try #require(dir.list("db/wal").first { $0 != "transaction.log" && $0.hasSuffix(".log") })
        // Alice's insert (line 2 of the archive): one letter of her name changed, so the line's crc no longer fits.
        dir.replace("db/wal/" + archive, #""name":"Alice""#, with: #""name":"Alicf""#)
        let before = dir.list("db/wal").map { dir.read("db/wal/" + $0) }
        let result = try CLI.run(["history", dir.db, "student", "1"])
        #expect(result.status == 1 && result.stdout.isEmpty, "\(result)")
        let message = result.stderr
        #expect(message.hasPrefix("linedb: ") && message.filter { $0 == "\n" }.count == 1, "\(message)")
        #expect(message.contains("\(archive):2"), "names the line: \(message)")
        #expect(message.contains("(byte "), "names the byte: \(message)")
        #expect(message.components(separatedBy: archive).count == 2, "the file is named once: \(message)")
        #expect(message.contains("the 1 newer versions (down to lsn 5) are unaffected"), "\(message)")
        #expect(dir.list("db/wal").map { dir.read("db/wal/" + $0) } == before, "reading history changed a file")
        // Bob's history does not reach the damaged line's record, but his insert is in the archive too.
        let bob = try CLI.run(["history", dir.db, "student", "2"])
        #expect(bob.status == 1 && bob.stderr.contains("\(archive):2"), "\(bob)")
    }
}
