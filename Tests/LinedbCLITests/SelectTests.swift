import Foundation
import Testing

@Suite("linedb select")
struct SelectTests {
    @Test("--format table aligns columns under a header and a rule, like sqlite3's .mode column")
    func tableFormat() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        expectOK(try CLI.run(["update", dir.db, "student", "2", "--set", "email=null", "--set", "name=Bob 日本"]))
        expectOK(try CLI.run(["update", dir.db, "student", "3", "--set", "email=\"\""]))
        let result = expectOK(try CLI.run(["select", dir.db, "student", "--format", "table"]))
        #expect(result.lines == [
            "id  name      email        gpa",
            "--  --------  -----------  ---",
            "1   Alice     alice@u.edu  2.0",
            "2   Bob 日本  NULL         2.1",  // 日本 takes 4 cells; email is null, shown apart from ""
            "3   Carol                  2.2",  // the empty string: an empty cell
        ])
    }

    @Test("--format csv writes a header and quoted fields; json writes one array; jsonl is the default")
    func otherFormats() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", #"name=Smith, "Al""#]))
        let csv = expectOK(try CLI.run(["select", dir.db, "student", "--format", "csv"]))
        #expect(csv.stdout == "id,name,email,gpa\n1,\"Smith, \"\"Al\"\"\",alice@u.edu,2.0\n2,Bob,bob@u.edu,2.1\n")
        let json = expectOK(try CLI.run(["select", dir.db, "student", "--format", "json"]))
        let array = try #require(try foundationJSON(json.stdout) as? [[String: Any]])
        #expect(array.map { $0["id"] as? Int } == [1, 2])
        #expect(array[0]["name"] as? String == #"Smith, "Al""#)
        let jsonl = expectOK(try CLI.run(["select", dir.db, "student"]))
        #expect(jsonl.lines.count == 2)
        for line in jsonl.lines { #expect(try foundationJSON(line) is [String: Any]) }
    }

    @Test("--where keeps records equal on every condition (values read by type); --limit stops early")
    func whereAndLimit() throws {
        let dir = try Scratch().studentDatabase(count: 12)
        let gpa = expectOK(try CLI.run(["select", dir.db, "student", "--where", "gpa=2.1", "--format", "csv"]))
        #expect(gpa.lines == ["id,name,email,gpa", "2,Bob,bob@u.edu,2.1", "12,Bob11,bob11@u.edu,2.1"])
        let both = expectOK(try CLI.run(["select", dir.db, "student", "--where", "gpa=2.1", "--where", "id=12"]))
        #expect(both.lines.count == 1 && both.stdout.contains("Bob11"))
        let intAsFloat = expectOK(try CLI.run(["select", dir.db, "student", "--where", "gpa=2"]))
        #expect(intAsFloat.lines.count == 2 && intAsFloat.stdout.contains("Alice10"))
        let limited = expectOK(try CLI.run(["select", dir.db, "student", "--limit", "5"]))
        #expect(limited.lines.count == 5)
        let none = expectOK(try CLI.run(["select", dir.db, "student", "--limit", "0", "--format", "table"]))
        #expect(none.lines == ["id  name  email  gpa", "--  ----  -----  ---"])
    }
}
