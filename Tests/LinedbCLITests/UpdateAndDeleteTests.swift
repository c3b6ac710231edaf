import Foundation
import Testing

@Suite("linedb update and delete")
struct UpdateAndDeleteTests {
    @Test("update reads --set values by column type and prints the record as it is now")
    func updateByType() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let result = expectOK(try CLI.run([
            "update", dir.db, "student", "2", "--set", "gpa=4", "--set", "email=null", "--set", "name=Bob = Robert",
        ]))
        #expect(result.stdout == "{\"id\":2,\"name\":\"Bob = Robert\",\"email\":null,\"gpa\":4.0}\n")
        #expect(expectOK(try CLI.run(["select", dir.db, "student", "--where", "email=null"])).lines.count == 1)
        // A JSON string literal gives a str column the text "null".
        let quoted = expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", #"name="null""#]))
        #expect(quoted.stdout.contains(#""name":"null""#))
    }

    @Test("bool, json and date values are parsed by type; bad ones exit 2 naming the column")
    func otherTypes() throws {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        expectOK(try CLI.run([
            "create-table", dir.db, "event", "--column", "id:int:pk", "--column", "ok:bool", "--column", "meta:json",
            "--column", "day:date",
        ]))
        expectOK(try CLI.run(["insert", dir.db, "event", "{}"]))
        let result = expectOK(try CLI.run([
            "update", dir.db, "event", "1", "--set", "ok=true", "--set", #"meta={"a":[1,2]}"#,
            "--set", "day=2026-02-28",
        ]))
        #expect(result.stdout == "{\"id\":1,\"ok\":true,\"meta\":{\"a\":[1,2]},\"day\":\"2026-02-28\"}\n")
        for (set, message) in [
            ("ok=maybe", "event.ok is bool: 'maybe' is not true or false"),
            ("meta={bad", "event.meta is json: '{bad' is not valid JSON"),
            ("day=2026-02-30", "event.day is date: '2026-02-30' is not ISO 8601"),
        ] {
            let bad = try CLI.run(["update", dir.db, "event", "1", "--set", set])
            #expect(bad.status == 2, "\(set): \(bad)")
            #expect(bad.stderr.hasPrefix("linedb: " + message), "\(bad.stderr)")
        }
    }

    @Test("a missing key exits 1; a constraint violation exits 1 and changes nothing")
    func updateErrors() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let missing = try CLI.run(["update", dir.db, "student", "9", "--set", "gpa=1"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "linedb: table 'student' has no record with key 9\n")
        let unique = try CLI.run(["update", dir.db, "student", "2", "--set", "email=alice@u.edu"])
        #expect(unique.status == 1)
        #expect(unique.stderr.contains("student.email: the value \"alice@u.edu\" is already used"))
        let rows = expectOK(try CLI.run(["select", dir.db, "student", "--where", "id=2"])).stdout
        #expect(rows.contains("bob@u.edu"))
    }

    @Test("delete prints the deleted record; deleting it again exits 1")
    func deleteRecord() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let result = expectOK(try CLI.run(["delete", dir.db, "student", "2"]))
        #expect(result.stdout == "{\"id\":2,\"name\":\"Bob\",\"email\":\"bob@u.edu\",\"gpa\":2.1}\n")
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).lines.count == 2)
        let again = try CLI.run(["delete", dir.db, "student", "2"])
        #expect(again.status == 1)
        #expect(again.stderr == "linedb: table 'student' has no record with key 2\n")
    }
}
