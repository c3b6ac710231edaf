import Foundation
import Testing

@Suite("linedb recover")
struct RecoverTests {
    @Test("after a torn WAL tail: the tail goes to quarantine/, the WAL is cut, every acknowledged record stays")
    func tornWALTail() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let intact = dir.read("db/wal/transaction.log")
        let torn = #"{"timestamp":"2026-01-01T00:00:00.000000","operation":"INSERT","table":"student","rec"#
        dir.append("db/wal/transaction.log", torn)
        let result = expectOK(try CLI.run(["recover", dir.db]))
        let first = result.lines.first ?? ""
        let place = "wal/transaction.log line 5 (byte \(intact.utf8.count))"
        #expect(first.hasPrefix(place + ": ignored torn last entry"), "\(first)")
        #expect(result.stdout.contains("student: appended 3 records to data/student.records"))
        #expect(result.lines.last?.hasPrefix("recovered \(dir.db): 1 repair,") == true)
        #expect(dir.read("db/wal/transaction.log") == intact)
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1 && quarantined[0].hasSuffix("-wal-lsn5.bin"))
        #expect(dir.read("db/quarantine/" + quarantined[0]) == torn)
        #expect(dir.lines("db/data/student.records").count == 3)
        let check = expectOK(try CLI.run(["check", dir.db]))
        #expect(check.lines.allSatisfy { !$0.hasPrefix("warning:") && !$0.hasPrefix("problem:") }, "\(check.stdout)")
    }

    @Test("after corrupt records lines: they go to quarantine/, the table is rewritten without them, check is clean")
    func corruptRecords() throws {
        let dir = try Scratch().studentDatabase(count: 5)
        expectOK(try CLI.run(["checkpoint", dir.db]))  // the WAL no longer holds the records
        var records = dir.lines("db/data/student.records")
        let bad = [#"{"id": 2, "name": "Bob", "#, #"{"id": 4, "name": null}"#]
        records[1] = bad[0]
        records[3] = bad[1]
        dir.write("db/data/student.records", records.joined(separator: "\n") + "\n")
        let select = try CLI.run(["select", dir.db, "student"])
        #expect(select.status == 1)
        #expect(select.stderr.contains("data/student.records:2:"))
        let result = expectOK(try CLI.run(["recover", dir.db]))
        #expect(result.lines.count == 4, "\(result)")
        let file = dir.db + "/data/student.records"
        #expect(result.lines[0] == file + ":2: invalid JSON: unexpected end of input; moved the line to quarantine/")
        #expect(result.lines[1] == file + ":4: student.name may not be null; moved the line to quarantine/")
        #expect(result.lines[2] == "student: rewrote data/student.records (3 records)")
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1 && quarantined[0].hasSuffix("-student-records.jsonl"))
        #expect(dir.lines("db/quarantine/" + quarantined[0]) == bad)
        let ids = expectOK(try CLI.run(["select", dir.db, "student", "--format", "csv"])).lines.dropFirst().map {
            $0.prefix { $0 != "," }
        }
        #expect(ids == ["1", "3", "5"])
        expectOK(try CLI.run(["check", dir.db]))
    }

    @Test("a WAL damaged in the middle is refused without --to-point-in-time, and cut at the damage with it")
    func pointInTime() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let lines = dir.lines("db/wal/transaction.log")
        dir.replace("db/wal/transaction.log", "Bob", with: "Bxb")
        let before = snapshot(dir.db)
        let refused = try CLI.run(["recover", dir.db])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix(
            "linedb: the WAL is damaged in the middle: \(dir.db)/wal/transaction.log:3 (byte "))
        #expect(refused.stderr.contains("--to-point-in-time"))
        #expect(snapshot(dir.db) == before)
        let result = expectOK(try CLI.run(["recover", dir.db, "--to-point-in-time"]))
        #expect(result.lines.first?.hasPrefix("wal/transaction.log line 3 (byte ") == true, "\(result)")
        #expect(result.lines.first?.contains("): set aside the damaged entry and all after it (") == true, "\(result)")
        #expect(dir.lines("db/wal/transaction.log") == Array(lines.prefix(2)))
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1)
        #expect(dir.lines("db/quarantine/" + quarantined[0]).count == 2)  // Bob's damaged line and Carol's
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).lines.count == 1)
        expectOK(try CLI.run(["check", dir.db]))
    }

    @Test("a flipped byte in the last WAL entry is damage, not a torn append: the next insert is refused (the key is not handed out again), check reports it, a reader warns, recover --to-point-in-time sets it aside")
    func damagedLastEntry() throws {
        let dir = try Scratch().studentDatabase()
        let first = expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": "Ann", "email": "ann@u"}"#]))
        #expect(first.stdout == "1\n")
        let lines = dir.lines("db/wal/transaction.log")
        #expect(lines.last?.contains(#""name":"Ann""#) == true)
        let offset = lines.dropLast().reduce(0) { $0 + $1.utf8.count + 1 }
        let place = "wal/transaction.log:\(lines.count) (byte \(offset))"
        dir.replace("db/wal/transaction.log", #""name":"Ann""#, with: #""name":"Anm""#)  // one byte: n -> m
        let damaged = dir.read("db/wal/transaction.log")
        let before = snapshot(dir.db)

        let again = try CLI.run(["insert", dir.db, "student", #"{"name": "Bob", "email": "bob@u"}"#])
        #expect(again.status == 1, "\(again)")
        #expect(again.stdout.isEmpty, "the acknowledged key 1 was handed out again: \(again)")
        #expect(again.stderr.contains(place + ": checksum mismatch") && again.stderr.contains("linedb recover"),
                "\(again.stderr)")
        #expect(snapshot(dir.db) == before, "a refused open changed files")

        let check = try CLI.run(["check", dir.db])
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("problem: " + place + ": checksum mismatch"), "\(check.stdout)")

        let read = try CLI.run(["wal", dir.db])
        #expect(read.status == 0, "a reader refuses instead of warning: \(read)")
        #expect(snapshot(dir.db) == before)

        let plain = try CLI.run(["recover", dir.db])
        #expect(plain.status == 1 && plain.stderr.contains("--to-point-in-time"), "\(plain)")
        #expect(snapshot(dir.db) == before)
        let recovered = expectOK(try CLI.run(["recover", dir.db, "--to-point-in-time"]))
        #expect(recovered.lines.first?.hasPrefix("wal/transaction.log line \(lines.count) (byte \(offset))") == true,
                "\(recovered)")
        #expect(recovered.lines.first?.contains("set aside the damaged entry") == true, "\(recovered)")  // not "torn"
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1)
        #expect(quarantined.first.map { dir.read("db/quarantine/" + $0) } == String(damaged.utf8.dropFirst(offset)))
        #expect(dir.lines("db/wal/transaction.log") == Array(lines.dropLast()))
        expectOK(try CLI.run(["check", dir.db]))
    }

    @Test("a records file cut after a checkpoint is damage, not a torn append: the next insert is refused (record 2 stays, files unchanged), check reports a problem, a reader warns, recover sets the line aside")
    func recordsCutAfterCheckpoint() throws {
        let dir = Scratch()
        let db = dir.db
        expectOK(try CLI.run(["init", db]))
        expectOK(try CLI.run(["create-table", db, "t", "--column", "id:int:pk", "--column", "n:str"]))
        #expect(expectOK(try CLI.run(["insert", db, "t", #"{"n":"a"}"#])).stdout == "1\n")
        #expect(expectOK(try CLI.run(["insert", db, "t", #"{"n":"b"}"#])).stdout == "2\n")
        expectOK(try CLI.run(["checkpoint", db]))  // the WAL no longer inserts records 1 and 2
        let saved = dir.lines("db/data/t.records")
        #expect(saved == [#"{"id":1,"n":"a"}"#, #"{"id":2,"n":"b"}"#])
        let cut = String(saved[1].dropLast(2))  // truncate -s -3: the newline and two bytes
        dir.write("db/data/t.records", saved[0] + "\n" + cut)
        let place = "data/t.records:2 (byte \(saved[0].utf8.count + 1))"
        let before = snapshot(db)

        let check = try CLI.run(["check", db])
        #expect(check.status == 1, "a cut saved record passed check: \(check)")
        #expect(check.stdout.contains("problem: " + place + ": an incomplete last record (14 bytes without a newline)"),
                "\(check.stdout)")
        #expect(snapshot(db) == before)

        let insert = try CLI.run(["insert", db, "t", #"{"n":"c"}"#])
        #expect(insert.status == 1, "the writer opened and dropped record 2: \(insert)")
        #expect(insert.stdout.isEmpty, "\(insert)")
        #expect(insert.stderr.contains(db + "/" + place) && insert.stderr.contains("linedb recover DB"),
                "\(insert.stderr)")
        #expect(snapshot(db) == before, "a refused open changed files")
        #expect(!dir.exists("db/quarantine"))

        let read = try CLI.run(["select", db, "t"])
        #expect(read.status == 0, "a reader refuses instead of warning: \(read)")
        #expect(read.lines == [#"{"id":1,"n":"a"}"#])
        #expect(read.stderr.contains("warning: " + db + "/data/t.records line 2 (byte 17)"), "\(read.stderr)")
        #expect(snapshot(db) == before)

        let recovered = expectOK(try CLI.run(["recover", db]))
        #expect(recovered.lines.first?.hasPrefix(db + "/data/t.records line 2: ignored an incomplete last record") == true,
                "\(recovered)")
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1 && quarantined.first?.hasSuffix("-t-records.jsonl") == true)
        #expect(quarantined.first.map { dir.read("db/quarantine/" + $0) } == cut + "\n")
        #expect(dir.lines("db/data/t.records") == [saved[0]])
        expectOK(try CLI.run(["check", db]))
        // The key of the record set aside is not handed out again (the checkpoint kept the next key).
        #expect(expectOK(try CLI.run(["insert", db, "t", #"{"n":"c"}"#])).stdout == "3\n")
    }

    @Test("a records line cut after a save that appended it is a torn append: the WAL restores the record, the writer opens")
    func recordsCutAfterAppend() throws {
        let dir = Scratch()
        let db = dir.db
        expectOK(try CLI.run(["init", db]))
        expectOK(try CLI.run(["create-table", db, "t", "--column", "id:int:pk", "--column", "n:str"]))
        expectOK(try CLI.run(["insert", db, "t", #"{"n":"a"}"#]))
        expectOK(try CLI.run(["checkpoint", db]))
        expectOK(try CLI.run(["insert", db, "t", #"{"n":"b"}"#]))
        expectOK(try CLI.run(["save", db]))  // appends record 2; its INSERT stays in the WAL
        let saved = dir.lines("db/data/t.records")
        dir.write("db/data/t.records", saved[0] + "\n" + String(saved[1].dropLast(2)))
        let check = expectOK(try CLI.run(["check", db]))
        #expect(check.stdout.contains("warning: data/t.records:2 (byte 17): an incomplete last record"), "\(check)")
        #expect(expectOK(try CLI.run(["insert", db, "t", #"{"n":"c"}"#])).stdout == "3\n")
        #expect(expectOK(try CLI.run(["select", db, "t"])).lines
            == [#"{"id":1,"n":"a"}"#, #"{"id":2,"n":"b"}"#, #"{"id":3,"n":"c"}"#])
    }

    @Test("recover on a healthy database changes no record and says so")
    func nothingToRecover() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["checkpoint", dir.db]))
        let records = dir.read("db/data/student.records")
        let result = expectOK(try CLI.run(["recover", dir.db]))
        #expect(result.lines == [
            "nothing to save: every records file is up to date",
            "nothing to recover: \(dir.db) opens cleanly (1 table, 2 records)",
        ])
        #expect(dir.read("db/data/student.records") == records)
        #expect(!dir.exists("db/quarantine"))
    }
}
