import Foundation
import LineDB
import Testing

/// `linedb replicate` against a real PostgreSQL 15 (one throwaway server per test run: Support/PostgresServer).
/// Serialized: the kill tests time their kills, and the machine has two cores.
@Suite("linedb replicate (PostgreSQL)", .serialized)
struct ReplicateTests {
    // MARK: - Helpers

    static func server() throws -> PostgresServer { try PostgresServer.shared.get() }

    /// A database with one table of every type.
    static func typedDatabase(_ dir: Scratch, rows: Int = 3) throws {
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run([
            "create-table", dir.db, "item", "--column", "id:int:pk", "--column", "name:str:notnull",
            "--column", "email:str:unique", "--column", "price:float", "--column", "active:bool",
            "--column", "born:date", "--column", "seen:datetime", "--column", "meta:json",
        ]))
        if rows > 0 {
            let input = (1...rows).map { i in
                #"{"id": \#(i), "name": "name \#(i)\ttab \"q\" \\ back\nline", "email": "e\#(i)@x.org", "price": \#(Double(i) * 1.25), "active": \#(i % 2 == 0), "born": "2001-02-0\#(i % 9 + 1)", "seen": "2026-01-22T20:31:1\#(i % 10).5", "meta": {"tags": ["a", \#(i)], "n": null}}"#
            }.joined(separator: "\n")
            try expectOK(CLI.run(["insert", dir.db, "item"], stdin: input + "\n"))
        }
    }

    /// The table's rows in PostgreSQL, as JSON objects (row_to_json), by key.
    static func pgRows(_ url: String, _ table: String, key: String = "id") throws -> [NSDictionary] {
        try server().psql(url, "SELECT row_to_json(x)::text FROM \"\(table)\" x ORDER BY \"\(key)\"").map {
            try #require(try foundationJSON($0) as? NSDictionary)
        }
    }

    /// `linedb select` of the table, as JSON objects, by key.
    static func linedbRows(_ db: String, _ table: String, key: String = "id") throws -> [NSDictionary] {
        let result = expectOK(try CLI.run(["select", db, table]))
        return try result.lines.map { try #require(try foundationJSON($0) as? NSDictionary) }
            .sorted { ($0[key] as? Int ?? 0) < ($1[key] as? Int ?? 0) }
    }

    /// The last LSN of the database's WAL.
    static func lastLSN(_ db: String) throws -> Int {
        let wal = expectOK(try CLI.run(["wal", db, "--json"]))
        let last = try #require(wal.lines.last)
        return try #require((try foundationJSON(last) as? NSDictionary)?["lsn"] as? Int)
    }

    /// The position PostgreSQL holds for `id` (nil: none).
    static func pgLSN(_ url: String, id: String = "db") throws -> Int? {
        let lines = try? server().psql(url, "SELECT lsn FROM linedb_replication WHERE database_id = '\(id)'")
        return lines?.first.flatMap { Int($0) }
    }

    /// Waits (at most `seconds`) until PostgreSQL holds the WAL through `lsn`.
    static func waitFor(_ url: String, lsn: Int, seconds: Double = 30) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let at = try pgLSN(url), at >= lsn { return true }
            usleep(20_000)
        }
        return false
    }

    /// Runs `linedb` with LINEDB_FAILPOINTS set.
    static func runWithFailpoint(_ failpoint: String, _ args: [String]) throws -> CommandResult {
        try CLI.runProgram("/usr/bin/env", ["LINEDB_FAILPOINTS=\(failpoint)", try CLI.binary.get()] + args, stdin: nil)
    }

    static func expectSame(_ db: String, _ url: String, _ table: String = "item",
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let local = try linedbRows(db, table)
        let remote = try pgRows(url, table)
        #expect(local.count == remote.count, "\(local.count) records in LineDB, \(remote.count) in PostgreSQL",
                sourceLocation: sourceLocation)
        #expect(local == remote, "LineDB: \(local)\nPostgreSQL: \(remote)", sourceLocation: sourceLocation)
    }

    // MARK: - Tests

    @Test("the first run creates the tables with mapped types and constraints and copies what linedb select shows")
    func initialCopy() throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("initial")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 5)
        let result = expectOK(try CLI.run(["replicate", dir.db, url]))
        #expect(result.stdout.contains("item: 5 records copied"), "\(result)")
        let types = try pg.psql(url, """
            SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns
            WHERE table_name = 'item' ORDER BY ordinal_position
            """)
        #expect(types == [
            "id bigint NO", "name text NO", "email text YES", "price double precision YES", "active boolean YES",
            "born date YES", "seen timestamp without time zone YES", "meta jsonb YES",
        ])
        let constraints = try pg.psql(url, """
            SELECT tc.constraint_type || ' ' || k.column_name FROM information_schema.table_constraints tc
            JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name
            WHERE tc.table_name = 'item' ORDER BY 1
            """)
        #expect(constraints == ["PRIMARY KEY id", "UNIQUE email"])
        try Self.expectSame(dir.db, url)
        #expect(try Self.pgLSN(url) == (try Self.lastLSN(dir.db)))
        // A second run finds nothing new and changes nothing.
        let again = expectOK(try CLI.run(["replicate", dir.db, url]))
        #expect(again.stdout.contains("applied 0 transactions"), "\(again)")
        try Self.expectSame(dir.db, url)
        // The constraints hold in PostgreSQL.
        #expect(throws: (any Error).self) { try pg.psql(url, "INSERT INTO item (id, name, email) VALUES (9, 'x', 'e1@x.org')") }
    }

    @Test("--follow applies inserts, updates (a key change too), deletes, transactions and a checkpoint, once each")
    func followsEveryKindOfChange() throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("follow")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 3)
        let (process, files) = try CLI.start(["replicate", dir.db, url, "--follow"])
        defer { files.remove() }
        #expect(try Self.waitFor(url, lsn: try Self.lastLSN(dir.db)), "initial copy: \(files.currentStderr())")
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 10, "name": "ten", "meta": [1, "x"]}"# + "\n"))
        // Several records in one insert: one transaction with a COMMIT.
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: (11...14).map { #"{"id": \#($0), "name": "n\#($0)"}"# }.joined(separator: "\n") + "\n"))
        try expectOK(CLI.run(["update", dir.db, "item", "2", "--set", "name=renamed", "--set", "price=9.5"]))
        try expectOK(CLI.run(["update", dir.db, "item", "3", "--set", "id=30"]))  // the key changes
        try expectOK(CLI.run(["delete", dir.db, "item", "1"]))
        try expectOK(CLI.run(["checkpoint", dir.db]))
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 20, "name": "after checkpoint"}"# + "\n"))
        // The server restarts (as after a crash): --follow reconnects and goes on from PostgreSQL's position.
        #expect(try Self.waitFor(url, lsn: try Self.lastLSN(dir.db)), "stderr: \(files.currentStderr())")
        try pg.restart()
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 21, "name": "after a server restart"}"# + "\n"))
        // A table created while following.
        try expectOK(CLI.run(["create-table", dir.db, "extra", "--column", "id:int:pk", "--column", "v:str"]))
        try expectOK(CLI.run(["insert", dir.db, "extra"], stdin: #"{"id": 1, "v": "x"}"# + "\n"))
        let target = try Self.lastLSN(dir.db)
        #expect(try Self.waitFor(url, lsn: target), "stderr: \(files.currentStderr())")
        try Self.expectSame(dir.db, url)
        try Self.expectSame(dir.db, url, "extra")
        #expect(process.isRunning, "--follow survived the server's restart")
        #expect(files.currentStderr().contains("reconnecting"), "\(files.currentStderr())")
        kill(process.processIdentifier, SIGTERM)
        CLI.waitForExit(process)
        #expect(process.terminationStatus == 0, "\(files.currentStderr())")
        #expect(try Self.pgLSN(url) == target)
    }

    @Test("kill -9 at each failpoint between PostgreSQL's commit and what follows, then a restart: no gap, no double",
          arguments: ["replicate.afterCopy", "replicate.beforeCopyCommit", "replicate.afterCopyCommit",
                      "replicate.beforeCommit", "replicate.afterCommit"])
    func killAtFailpoint(_ failpoint: String) throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("fp")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 4)
        if !failpoint.contains("Copy") {
            // The copy first, then changes for the WAL phase to die in.
            expectOK(try CLI.run(["replicate", dir.db, url]))
            try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 50, "name": "fifty"}"# + "\n"))
            try expectOK(CLI.run(["update", dir.db, "item", "2", "--set", "name=two"]))
        }
        let killed = try Self.runWithFailpoint("\(failpoint)=kill", ["replicate", dir.db, url])
        #expect(killed.signaled && killed.status == SIGKILL, "\(failpoint): \(killed)")
        try expectOK(CLI.run(["delete", dir.db, "item", "1"]))
        expectOK(try CLI.run(["replicate", dir.db, url]))
        try Self.expectSame(dir.db, url)
        #expect(try Self.pgLSN(url) == (try Self.lastLSN(dir.db)))
    }

    @Test("kill -9 of --follow at random moments while a writer inserts, and a PostgreSQL restart: no gap, no double")
    func killAtRandomMoments() throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("random")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 0)
        var random = SystemRandomNumberGenerator()
        var next = 1
        for round in 0..<6 {
            let (process, files) = try CLI.start(["replicate", dir.db, url, "--follow"])
            for _ in 0..<4 {
                let batch = (next..<(next + 1 + Int.random(in: 0..<4, using: &random))).map {
                    #"{"id": \#($0), "name": "r\#(round)"}"#
                }
                next += batch.count
                try expectOK(CLI.run(["insert", dir.db, "item"], stdin: batch.joined(separator: "\n") + "\n"))
                if Bool.random(using: &random) {
                    try expectOK(CLI.run(["update", dir.db, "item", "\(Int.random(in: 1..<next, using: &random))", "--set", "name=u\(round)"]))
                }
                if round == 3 { try expectOK(CLI.run(["checkpoint", dir.db])) }
            }
            if round == 2 { try pg.restart() }
            usleep(UInt32.random(in: 0..<150_000, using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            files.remove()
        }
        let final = expectOK(try CLI.run(["replicate", dir.db, url]))
        #expect(final.status == 0)
        try Self.expectSame(dir.db, url)
        #expect(try Self.pgLSN(url) == (try Self.lastLSN(dir.db)))
        #expect(try Self.pgRows(url, "item").count == next - 1)
    }

    @Test("a value PostgreSQL refuses (NUL in text) stops with the LSN and the record named, and nothing after it")
    func refusedValueStops() throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("refused")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 2)
        expectOK(try CLI.run(["replicate", dir.db, url]))
        let before = try #require(try Self.pgLSN(url))
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 7, "name": "nul\u0000here"}"# + "\n"))
        let badLSN = try Self.lastLSN(dir.db)
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 8, "name": "fine"}"# + "\n"))
        let refused = try CLI.run(["replicate", dir.db, url])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("lsn \(badLSN)") && refused.stderr.contains(#""id":7"#)
                && refused.stderr.contains("NUL"), "\(refused.stderr)")
        #expect(try Self.pgLSN(url) == before, "nothing after the refused entry was applied")
        #expect(try Self.pgRows(url, "item").count == 2)

        // The initial copy names the record too (COPY's line), and copies nothing.
        let url2 = try pg.makeDatabase("refusedcopy")
        let copy = try CLI.run(["replicate", dir.db, url2])
        #expect(copy.status == 1, "\(copy)")
        #expect(copy.stderr.contains("initial copy of table 'item'") && copy.stderr.contains("key 7"), "\(copy.stderr)")
        #expect(try Self.pgLSN(url2) == nil)
        #expect(throws: (any Error).self) { try pg.psql(url2, "SELECT count(*) FROM item") }
    }

    @Test("a transaction that never committed (its writer killed mid-write) is never applied; what follows is")
    func uncommittedTransactionIsNotApplied() throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("rollback")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 2)
        let (process, files) = try CLI.start(["replicate", dir.db, url, "--follow"])
        defer { files.remove() }
        #expect(try Self.waitFor(url, lsn: try Self.lastLSN(dir.db)), "\(files.currentStderr())")
        // An import is one transaction, written in 4 MiB chunks and closed by a COMMIT line: killed after its first
        // chunk reached the WAL, its lines stay there without COMMIT (the next writer warns and discards them).
        let big = (100..<40_100).map { #"{"id": \#($0), "name": "\#(String(repeating: "x", count: 100))"}"# }
        let path = dir.path + "/big.jsonl"
        try (big.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let killed = try CLI.runProgram("/bin/sh", ["-c", "LINEDB_FAILPOINTS=wal.afterWrite=kill \(try CLI.binary.get()) import \(dir.db) item \(path)"], stdin: nil)
        #expect(killed.signaled || killed.status == 128 + SIGKILL, "\(killed)")
        #expect(dir.read("db/wal/transaction.log").contains(#""txn":"#), "the transaction's first chunk is in the WAL")
        try expectOK(CLI.run(["insert", dir.db, "item"], stdin: #"{"id": 5, "name": "after"}"# + "\n"))
        #expect(try Self.waitFor(url, lsn: try Self.lastLSN(dir.db)), "\(files.currentStderr())")
        try Self.expectSame(dir.db, url)
        #expect(try Self.pgRows(url, "item").count == 3, "only the 2 first records and the one after")
        kill(process.processIdentifier, SIGTERM)
        CLI.waitForExit(process)
    }

    @Test("a table dropped and created again while following is dropped and created in PostgreSQL")
    func dropAndCreate() throws {
        let pg = try Self.server()
        let url = try pg.makeDatabase("dropcreate")
        let dir = Scratch()
        try Self.typedDatabase(dir, rows: 2)
        try expectOK(CLI.run(["create-table", dir.db, "tmp", "--column", "id:int:pk", "--column", "v:str"]))
        try expectOK(CLI.run(["insert", dir.db, "tmp"], stdin: #"{"id": 1, "v": "old"}"# + "\n"))
        expectOK(try CLI.run(["replicate", dir.db, url]))
        do {
            let db = try Database(path: dir.db)
            try db.dropTable("tmp")
            _ = try db.createTable(try TableSchema("tmp", columns: [
                Column("id", .int, primaryKey: true), Column("w", .json), Column("d", .date),
            ]))
            _ = try db.insert("tmp", ["id": .int(7), "w": .array([.int(1)]), "d": .string("2020-02-29")])
            try db.close()
        }
        expectOK(try CLI.run(["replicate", dir.db, url]))
        let columns = try pg.psql(url, "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = 'tmp' ORDER BY ordinal_position")
        #expect(columns == ["id bigint", "w jsonb", "d date"])
        try Self.expectSame(dir.db, url, "tmp")
        #expect(try Self.pgLSN(url) == (try Self.lastLSN(dir.db)))
    }
}
