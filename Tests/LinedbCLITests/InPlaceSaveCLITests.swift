import Foundation
import Testing

/// `linedb save` patches updated and deleted records in place (issue 16, section 1), and `stats` shows the slack.
@Suite("linedb save in place, stats slack")
struct InPlaceSaveCLITests {
    @Test("save after an update and a delete patches the file in place; stats shows the slack; check is clean")
    func saveInPlace() throws {
        let dir = try Scratch().studentDatabase(count: 60)
        expectOK(try CLI.run(["save", dir.db]))
        let size = dir.size("db/data/student.records")
        expectOK(try CLI.run(["update", dir.db, "student", "3", "--set", "name=Cy"]))
        expectOK(try CLI.run(["delete", dir.db, "student", "7"]))
        let saved = expectOK(try CLI.run(["save", dir.db]))
        #expect(saved.stdout == "student: patched 2 changed records in place in data/student.records\n")
        #expect(dir.size("db/data/student.records") == size, "a patch keeps the file's size")
        let lines = dir.lines("db/data/student.records")
        #expect(lines.count == 59)
        #expect(lines[2].hasPrefix(#"{"id":3,"name":"Cy","#) && lines[2].hasSuffix(" }"))
        #expect(!lines.contains { $0.contains(#""id":7,"#) })
        let python = try CLI.runTool("python3", [
            "-c", "import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)))",
            dir.db + "/data/student.records",
        ])
        #expect(python.stdout == "59\n")
        let stats = expectOK(try CLI.run(["stats", dir.db]))
        #expect(stats.lines[1].hasSuffix("columns  slack"))
        #expect(stats.lines[3].contains("%)"), "\(stats.stdout)")
        let json = expectOK(try CLI.run(["stats", dir.db, "--json"]))
        let object = try #require(try foundationJSON(json.stdout) as? [String: Any])
        let table = ((object["disk"] as? [String: Any])?["tables"] as? [String: [String: Any]])?["student"]
        #expect((table?["slack_bytes"] as? Int ?? 0) > 40)
        expectOK(try CLI.run(["check", dir.db]))
    }
}
