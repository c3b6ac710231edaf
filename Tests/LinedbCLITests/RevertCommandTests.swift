import Foundation
import LineDB
import Testing

/// `linedb revert` (issue 15, section 3): the inverse of a range as one new transaction, run as the real binary.
@Suite("linedb revert")
struct RevertCommandTests {
    /// `select` output as a set of lines (a revert puts records back at the end of the file: order is not history).
    static func selectLines(_ dir: Scratch) throws -> [String] {
        expectOK(try CLI.run(["select", dir.db, "student"])).lines.sorted()
    }

    @Test("revert round trip: afterwards select equals select at the start moment; one transaction; history shows it; diff from before it shows the inverse of the range")
    func roundTrip() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let start = try Self.selectLines(dir)
        // lsn 5...9: Alice updated, deleted and inserted again; Bob deleted; Dan inserted.
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.0"]))
        expectOK(try CLI.run(["delete", dir.db, "student", "1"]))
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"id": 1, "name": "Alice", "email": "alice@u.edu", "gpa": 3.9}"#]))
        expectOK(try CLI.run(["delete", dir.db, "student", "2"]))
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": "Dan", "email": "dan@u.edu"}"#]))
        #expect(try Self.selectLines(dir) != start)
        let walBefore = dir.lines("db/wal/transaction.log").count  // 9 lines: lsn 1...9
        let result = expectOK(try CLI.run(["revert", dir.db, "--from", "4"]))
        let t4 = try DiffCommandTests.time(dir, lsn: 4), t9 = try DiffCommandTests.time(dir, lsn: 9)
        let wal = dir.lines("db/wal/transaction.log")
        let lastLine = try #require(wal.last)
        let commit = try #require(foundationJSON(lastLine) as? [String: Any])
        #expect(commit["operation"] as? String == "COMMIT")
        let commitLSN = try #require(commit["lsn"] as? Int)
        #expect(result.lines == [
            "revert lsn 4 (\(t4)) → lsn 9 (\(t9)): 5 entries",
            "student: 1 inserted, 1 deleted, 1 updated",
            "~ id 1  gpa: 3.9 → 2.0",
            #"+ id 2  {"id":2,"name":"Bob","email":"bob@u.edu","gpa":2.1}"#,
            #"- id 4  {"id":4,"name":"Dan","email":"dan@u.edu","gpa":0.0}"#,
            "reverted in one transaction, committed at lsn \(commitLSN)",
        ], "\(result)")
        // The records are those of lsn 4.
        #expect(try Self.selectLines(dir) == start)
        // One transaction: every new entry carries the same txn, the last is its COMMIT.
        let added = try wal.dropFirst(walBefore).map { try #require(foundationJSON($0) as? [String: Any]) }
        #expect(added.count == 4, "\(added)")
        #expect(Set(added.compactMap { $0["txn"] as? Int }).count == 1)
        #expect(added.map { $0["operation"] as? String } == ["DELETE", "INSERT", "UPDATE", "COMMIT"])
        // history shows the revert's entries.
        let bob = expectOK(try CLI.run(["history", dir.db, "student", "2"]))
        let newest = bob.lines[0].split(separator: " ").map(String.init)
        #expect(newest[1] == String(walBefore + 2) && newest.contains("INSERT"), "\(bob.stdout)")
        #expect(bob.lines[0].contains("(committed at lsn \(commitLSN))"))
        // diff from just before the revert shows the inverse of the range.
        let inverse = expectOK(try CLI.run(["diff", dir.db, "--from", "9"]))
        #expect(Array(inverse.lines.dropFirst()) == Array(result.lines.dropFirst().dropLast()), "\(inverse)")
        // And across the range and its revert, nothing changed.
        let net = expectOK(try CLI.run(["diff", dir.db, "--from", "4"]))
        #expect(net.lines.last == "no changes", "\(net)")
    }

    @Test("a record changed again after the range: refused, listing it, nothing written (WAL bytes identical); --force reverts it")
    func conflicts() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.0"]))  // lsn 4
        expectOK(try CLI.run(["update", dir.db, "student", "2", "--set", "gpa=3.3"]))  // lsn 5
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.1"]))  // lsn 6, after the range
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.db + "/wal/transaction.log"))
        for extra in [[], ["--dry-run"]] {
            let refused = try CLI.run(["revert", dir.db, "--from", "3", "--to", "5"] + extra)
            #expect(refused.status == 1, "\(extra): \(refused)")
            let err = refused.stderr.split(separator: "\n").map(String.init)
            #expect(err.count == 2, "\(refused.stderr)")
            #expect(err.first?.hasPrefix("linedb: revert refused: 1 record the range changed was changed again after it") == true, "\(refused.stderr)")
            #expect(err.last == "  student 1: changed again at lsn 6")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.db + "/wal/transaction.log")) == before)
        }
        let forced = expectOK(try CLI.run(["revert", dir.db, "--from", "3", "--to", "5", "--force"]))
        #expect(forced.lines.contains("--force: 1 record changed again after the range were set back to their state at lsn 3: student 1 (lsn 6)"), "\(forced)")
        let rows = try Self.selectLines(dir)
        #expect(rows == [
            #"{"id":1,"name":"Alice","email":"alice@u.edu","gpa":2.0}"#,
            #"{"id":2,"name":"Bob","email":"bob@u.edu","gpa":2.1}"#,
        ])
    }

    @Test("--dry-run prints the plan and writes nothing: the WAL and records files keep their bytes")
    func dryRun() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["update", dir.db, "student", "2", "--set", "name=Robert"]))  // lsn 4
        let files = ["db/wal/transaction.log", "db/data/student.records"]
        let before = files.map(dir.read)
        let walFiles = dir.list("db/wal")
        let result = expectOK(try CLI.run(["revert", dir.db, "--from", "3", "--dry-run"]))
        #expect(result.lines.dropFirst() == [
            "student: 0 inserted, 0 deleted, 1 updated", #"~ id 2  name: "Robert" → "Bob""#, "dry run: nothing written",
        ], "\(result)")
        #expect(files.map(dir.read) == before)
        #expect(dir.list("db/wal") == walFiles)
    }

    @Test("nothing to revert writes nothing; a table created in the range is refused; a bad table name gets did-you-mean")
    func refusals() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let before = dir.read("db/wal/transaction.log")
        let nothing = expectOK(try CLI.run(["revert", dir.db, "--from", "2"]))
        #expect(nothing.lines.last == "nothing to revert: no record changed in the range; nothing written", "\(nothing)")
        let created = try CLI.run(["revert", dir.db, "--from", "0"])
        #expect(created.status == 1 && created.stderr.contains("table 'student' was created in the range"), "\(created)")
        let typo = try CLI.run(["revert", dir.db, "studnt", "--from", "1"])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'student'"), "\(typo)")
        #expect(dir.read("db/wal/transaction.log") == before)
    }

    @Test("revert needs the writer lock: a database another process writes is refused naming its pid; --dry-run still works")
    func locked() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.3"]))
        let holder = try Database(path: dir.db)
        defer { try? holder.close() }
        let result = try CLI.run(["revert", dir.db, "--from", "2"])
        #expect(result.status == 1 && result.stderr.contains("locked by another writer (pid \(getpid())"), "\(result)")
        let dry = expectOK(try CLI.run(["revert", dir.db, "--from", "2", "--dry-run"]))
        #expect(dry.lines.contains("~ id 1  gpa: 3.3 → 2.0"), "\(dry)")
    }
}
