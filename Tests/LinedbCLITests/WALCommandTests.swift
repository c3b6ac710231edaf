import Foundation
import LineDB
import Testing

@Suite("linedb wal")
struct WALCommandTests {
    @Test("wal prints one line per entry: lsn, timestamp, operation, table, key, change")
    func printEntries() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["update", dir.db, "student", "1", "--set", "gpa=3.5"]))
        expectOK(try CLI.run(["delete", dir.db, "student", "2"]))
        let result = expectOK(try CLI.run(["wal", dir.db]))
        #expect(result.lines.count == dir.lines("db/wal/transaction.log").count)
        let fields = result.lines.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(fields.map { $0[0] } == ["1", "2", "3", "4", "5"])
        #expect(fields.map { $0[2] } == ["CREATE_TABLE", "INSERT", "INSERT", "UPDATE", "DELETE"])
        #expect(result.lines[0].hasSuffix(
            "student     -  id:int:pk name:str:notnull email:str:unique gpa:float:default=0.0"))
        #expect(result.lines[1].hasSuffix(#"student     1  {"id":1,"name":"Alice","email":"alice@u.edu","gpa":2.0}"#))
        #expect(result.lines[3].hasSuffix("student     1  gpa: 2.0 → 3.5"))
        #expect(result.lines[4].hasSuffix(#"student     2  {"id":2,"name":"Bob","email":"bob@u.edu","gpa":2.1}"#))
    }

    @Test("wal --json prints each entry as a JSON object that Foundation parses")
    func printJSON() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let result = expectOK(try CLI.run(["wal", dir.db, "--json"]))
        let objects = try result.lines.map { try #require(try foundationJSON($0) as? [String: Any]) }
        #expect(objects.map { $0["lsn"] as? Int } == [1, 2, 3])
        #expect(objects.map { $0["operation"] as? String } == ["CREATE_TABLE", "INSERT", "INSERT"])
        #expect((objects[2]["record"] as? [String: Any])?["name"] as? String == "Bob")
    }

    @Test("wal --follow prints entries another writer appends within a second, across a checkpoint; SIGTERM ends it")
    func followAnotherWriter() throws {
        let dir = try Scratch().studentDatabase(count: 1)
        let (process, output) = try CLI.start(["wal", dir.db, "--follow", "--json"])
        defer {
            if process.isRunning { process.terminate() }
            output.remove()
        }
        // The existing entries come first.
        let started = waitFor(seconds: 10) { output.currentStdout().split(separator: "\n").count == 2 }
        #expect(started, "\(output.currentStdout())")
        let writer = try Database(path: dir.db)
        func lsns() -> [Int] {
            output.currentStdout().split(separator: "\n").compactMap {
                ((try? foundationJSON(String($0))) as? [String: Any])?["lsn"] as? Int
            }
        }
        try writer.insert("student", ["name": "Bob", "email": "bob@u.edu"])
        let appended = Date()
        #expect(waitFor(seconds: 10) { lsns().contains(3) })
        #expect(Date().timeIntervalSince(appended) < 1.0, "the follower took over a second")
        try writer.checkpoint()
        try writer.insert("student", ["name": "Carol", "email": "carol@u.edu"])
        try writer.close()
        #expect(waitFor(seconds: 10) { lsns().contains(5) })
        #expect(lsns() == [1, 2, 3, 4, 5])  // every entry once, in order, the CHECKPOINT line included
        #expect(output.currentStderr().contains("wal/transaction.log was replaced (a checkpoint)"))
        process.terminate()  // SIGTERM
        CLI.waitForExit(process)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass.
func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}
