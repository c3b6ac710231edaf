import Foundation
import LineDB
import Testing

/// `linedb diff` (issue 15, section 3): what changed between two moments, each record once, first state against
/// last, run as the real binary.
@Suite("linedb diff")
struct DiffCommandTests {
    /// Students 1 Alice, 2 Bob, 3 Carol (lsn 2...4); then, after lsn 4: Alice updated, deleted and inserted again
    /// with another gpa (5, 6, 7), Bob deleted (8), Dan inserted (9), Carol renamed and renamed back (10, 11).
    static func range() throws -> Scratch {
        let dir = try Scratch().studentDatabase(count: 3)
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.0"]))
        expectOK(try CLI.run(["delete", dir.db, "student", "1"]))
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"id": 1, "name": "Alice", "email": "alice@u.edu", "gpa": 3.9}"#]))
        expectOK(try CLI.run(["delete", dir.db, "student", "2"]))
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": "Dan", "email": "dan@u.edu"}"#]))
        expectOK(try CLI.run(["update", dir.db, "student", "3", "--set", "name=Caroline"]))
        expectOK(try CLI.run(["update", dir.db, "student", "3", "--set", "name=Carol"]))
        return dir
    }

    /// The timestamp of the WAL entry with `lsn` (from the live WAL, read with Foundation).
    static func time(_ dir: Scratch, lsn: Int) throws -> String {
        for line in dir.lines("db/wal/transaction.log") {
            let o = try #require(foundationJSON(line) as? [String: Any])
            if o["lsn"] as? Int == lsn { return try #require(o["timestamp"] as? String) }
        }
        Issue.record("no lsn \(lsn)")
        return ""
    }

    @Test("diff shows each changed record once, first state against last, in key order; an update-delete-reinsert collapses to one ~ line, a change undone in the range is not shown")
    func collapses() throws {
        let dir = try Self.range()
        let result = expectOK(try CLI.run(["diff", dir.db, "--from", "4"]))
        let (t4, t11) = (try Self.time(dir, lsn: 4), try Self.time(dir, lsn: 11))
        #expect(result.lines == [
            "diff lsn 4 (\(t4)) → lsn 11 (\(t11)): 7 entries",
            "student: 1 inserted, 1 deleted, 1 updated",
            "~ id 1  gpa: 2.0 → 3.9",
            #"- id 2  {"id":2,"name":"Bob","email":"bob@u.edu","gpa":2.1}"#,
            #"+ id 4  {"id":4,"name":"Dan","email":"dan@u.edu","gpa":0.0}"#,
        ], "\(result)")
        // --to ends the range: just after Alice's deletion.
        let early = expectOK(try CLI.run(["diff", dir.db, "--from", "4", "--to", "6"]))
        #expect(early.lines.dropFirst() == [
            "student: 0 inserted, 1 deleted, 0 updated",
            #"- id 1  {"id":1,"name":"Alice","email":"alice@u.edu","gpa":2.0}"#,
        ], "\(early)")
        #expect(early.lines[0].hasSuffix(": 2 entries"))
        // A time names the same moment as its entry's LSN.
        let byTime = expectOK(try CLI.run(["diff", dir.db, "--from", t4]))
        #expect(byTime.lines == result.lines)
        // Nothing changed since the last entry.
        let none = expectOK(try CLI.run(["diff", dir.db, "--from", "11", "--exit-code"]))
        #expect(none.lines == ["diff lsn 11 (\(t11)) → lsn 11 (\(t11)): 0 entries", "no changes"])
    }

    @Test("--exit-code exits 1 when something changed, with the diff on stdout (git's convention); without it, 0")
    func exitCode() throws {
        let dir = try Self.range()
        let changed = try CLI.run(["diff", dir.db, "--from", "4", "--exit-code"])
        #expect(changed.status == 1 && changed.lines.count == 5 && changed.stderr.isEmpty, "\(changed)")
        expectOK(try CLI.run(["diff", dir.db, "--from", "4"]))
    }

    @Test("--json: the range, then one object per changed record, that Foundation reads")
    func jsonLines() throws {
        let dir = try Self.range()
        let result = expectOK(try CLI.run(["diff", dir.db, "--from", "4", "--json"]))
        let objects = try result.lines.map { try #require(foundationJSON($0) as? [String: Any]) }
        #expect(objects.count == 4)
        #expect(objects[0]["from_lsn"] as? Int == 4 && objects[0]["to_lsn"] as? Int == 11 && objects[0]["entries"] as? Int == 7)
        #expect(objects[0]["from_time"] as? String == (try Self.time(dir, lsn: 4)))
        #expect(objects.dropFirst().map { $0["change"] as? String } == ["updated", "deleted", "inserted"])
        #expect(objects.dropFirst().map { $0["key"] as? Int } == [1, 2, 4])
        #expect(objects.dropFirst().allSatisfy { Set($0.keys) == ["table", "change", "key", "old", "new", "changes"] })
        let update = objects[1]
        #expect((update["old"] as? [String: Any])?["gpa"] as? Double == 2.0)
        #expect((update["new"] as? [String: Any])?["gpa"] as? Double == 3.9)
        let changes = try #require(update["changes"] as? [[String: Any]])
        #expect(changes.count == 1 && changes[0]["column"] as? String == "gpa")
        #expect(objects[2]["new"] is NSNull && objects[3]["old"] is NSNull)
    }

    @Test("TABLE arguments keep only those tables; an unknown one gets the did-you-mean message")
    func tablesFilter() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        expectOK(try CLI.run(["create-table", dir.db, "course", "--column", "code:str:pk", "--column", "title:str"]))  // lsn 3
        expectOK(try CLI.run(["insert", dir.db, "course", #"{"code": "CS1", "title": "Intro"}"#]))  // 4
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=4.0"]))  // 5
        let all = expectOK(try CLI.run(["diff", dir.db, "--from", "3"]))
        #expect(all.lines.dropFirst() == [
            "course: 1 inserted, 0 deleted, 0 updated", #"+ code CS1  {"code":"CS1","title":"Intro"}"#,
            "student: 0 inserted, 0 deleted, 1 updated", "~ id 1  gpa: 2.0 → 4.0",
        ], "\(all)")
        let one = expectOK(try CLI.run(["diff", dir.db, "student", "--from", "3"]))
        #expect(one.lines.dropFirst() == ["student: 0 inserted, 0 deleted, 1 updated", "~ id 1  gpa: 2.0 → 4.0"])
        #expect(one.lines[0].hasSuffix(": 1 entry"))
        let created = expectOK(try CLI.run(["diff", dir.db, "course", "--from", "2", "--json"]))
        #expect(try created.lines.dropFirst().map { try #require(foundationJSON($0) as? [String: Any])["change"] as? String } == ["created", "inserted"])
        let typo = try CLI.run(["diff", dir.db, "studnt", "--from", "3"])
        #expect(typo.status == 2 && typo.stderr == "linedb: no table named 'studnt' (did you mean 'student'?)\n", "\(typo)")
    }

    @Test("bad moments: not a moment is a usage error naming the forms; before the history or --to before --from is refused naming why")
    func badMoments() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let bad = try CLI.run(["diff", dir.db, "--from", "yesterday"])
        #expect(bad.status == 2 && bad.stderr.contains("'yesterday' is not a moment"), "\(bad)")
        let backwards = try CLI.run(["diff", dir.db, "--from", "2", "--to", "1"])
        #expect(backwards.status != 0 && backwards.stderr.contains("--to (lsn 1) is before --from (lsn 2)"), "\(backwards)")
        let future = try CLI.run(["diff", dir.db, "--from", "99"])
        #expect(future.status != 0 && future.stderr.hasPrefix("linedb: ") && future.stdout.isEmpty, "\(future)")
        // The whole history is kept: two hours ago, before the first entry, is the beginning (lsn 0).
        let relative = expectOK(try CLI.run(["diff", dir.db, "--from", "-2h"]))
        #expect(relative.lines.first?.hasPrefix("diff lsn 0 → lsn 2 (") == true, "\(relative)")
        #expect(relative.lines.dropFirst().first == "student: created, 1 inserted, 0 deleted, 0 updated")
        // An archive removed: a moment before what is left is refused, naming the earliest moment kept.
        expectOK(try CLI.run(["checkpoint", dir.db]))  // lsn 3 CHECKPOINT
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.0"]))  // lsn 4
        for archive in dir.list("db/wal") where archive != "transaction.log" {
            try FileManager.default.removeItem(atPath: dir.db + "/wal/" + archive)
        }
        let gone = try CLI.run(["diff", dir.db, "--from", "1"])
        #expect(gone.status == 1 && gone.stdout.isEmpty, "\(gone)")
        #expect(gone.stderr.contains("lsn 1 is before the earliest moment the history reaches, lsn 2"), "\(gone)")
        let kept = expectOK(try CLI.run(["diff", dir.db, "--from", "2"]))
        #expect(kept.lines.last == "~ id 1  gpa: 2.0 → 3.0", "\(kept)")
    }

    @Test("hostile values in a diff are shown visibly in text and exact in --json")
    func hostileValues() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        for c in HostileText.terminalCases {
            expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": \#(HostileText.json(c.text))}"#]))
        }
        let text = expectOK(try CLI.run(["diff", dir.db, "--from", "2"]))
        expectTerminalSafe(text.stdoutBytes, "diff")
        #expect(text.lines.count == 2 + HostileText.terminalCases.count, "a value broke a line: \(text.stdout)")
        let json = expectOK(try CLI.run(["diff", dir.db, "--from", "2", "--json"]))
        expectTerminalSafe(json.stdoutBytes, "diff --json")
        let names = try json.lines.dropFirst().map {
            try #require(((try foundationJSON($0) as? [String: Any])?["new"] as? [String: Any])?["name"] as? String)
        }
        #expect(names == HostileText.terminalCases.map(\.text))
    }
}
