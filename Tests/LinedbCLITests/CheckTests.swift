import Foundation
import Testing

@Suite("linedb check")
struct CheckTests {
    @Test("a healthy database checks clean with exit 0; unsaved changes are a note, not a problem")
    func healthy() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let result = expectOK(try CLI.run(["check", dir.db]))
        #expect(result.lines == [
            "note: data/student.records: unsaved changes: 0 lines in the file, 3 records after replaying the WAL"
                + " (the next save writes them)",
            "ok: no problem found (1 table, 3 records, 4 WAL entries, 0 archives)",
        ])
        expectOK(try CLI.run(["checkpoint", dir.db]))
        let clean = expectOK(try CLI.run(["check", dir.db, "--json"]))
        let report = try #require(try foundationJSON(clean.stdout) as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        #expect((report["problems"] as? [Any])?.isEmpty == true)
        #expect((report["notes"] as? [Any])?.isEmpty == true)
        #expect(((report["tables"] as? [String: Any])?["student"] as? [String: Any])?["records_in_file"] as? Int == 3)
    }

    @Test("a WAL line damaged in the middle: exit 1, naming file:line and byte, and no file changes")
    func corruptWAL() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let lines = dir.lines("db/wal/transaction.log")
        let offset = lines[0].utf8.count + lines[1].utf8.count + 2  // line 3: Bob's INSERT
        dir.replace("db/wal/transaction.log", "Bob", with: "Bxb")
        let before = snapshot(dir.db)
        let result = try CLI.run(["check", dir.db])
        #expect(result.status == 1, "\(result)")
        let first = result.lines.first ?? ""
        #expect(first.hasPrefix("problem: wal/transaction.log:3 (byte \(offset)): checksum mismatch"), "\(first)")
        #expect(result.stdout.contains("linedb recover DB --to-point-in-time"))
        #expect(result.lines.last?.hasPrefix("failed: 1 problem, 0 warnings") == true)
        let json = try CLI.run(["check", dir.db, "--json"])
        #expect(json.status == 1)
        let report = try #require(try foundationJSON(json.stdout) as? [String: Any])
        let problem = try #require((report["problems"] as? [[String: Any]])?.first)
        #expect(report["ok"] as? Bool == false)
        #expect(problem["file"] as? String == "wal/transaction.log")
        #expect(problem["line"] as? Int == 3 && problem["byte"] as? Int == offset)
        #expect(snapshot(dir.db) == before)
    }

    @Test("bad records lines are each reported with file:line:column; a torn WAL tail and temp files are warnings")
    func recordsAndWarnings() throws {
        let dir = try Scratch().studentDatabase(count: 4)
        expectOK(try CLI.run(["checkpoint", dir.db]))
        var records = dir.lines("db/data/student.records")
        records[1] = #"{"id": 2, "name": "Bob", "email": "#
        records[2] = #"{"id": 3, "name": "Carol", "gpa": "high"}"#
        dir.write("db/data/student.records", records.joined(separator: "\n") + "\n")
        dir.append("db/wal/transaction.log", #"{"timestamp":"2026-01-01T00:00:00.000000","operation":"INS"#)
        dir.write("db/data/.student.records.tmp-42", "partial")
        let result = try CLI.run(["check", dir.db])
        #expect(result.status == 1, "\(result)")
        let out = result.stdout
        let byte = dir.lines("db/data/student.records")[0].utf8.count + 1 + 34
        #expect(out.contains("problem: data/student.records:2:35 (byte \(byte)): "))
        #expect(out.contains("invalid JSON"))
        #expect(out.contains("problem: data/student.records:3 (byte "))
        #expect(out.contains(": student.gpa: expected a float, got str \"high\"; `linedb recover DB` moves such lines"))
        #expect(out.contains("warning: wal/transaction.log:2 (byte "))
        #expect(out.contains("incomplete last entry"))
        #expect(out.contains("warning: data/.student.records.tmp-42: temporary file of an interrupted save"))
        // The checkpoint's snapshot no longer matches the hand-edited records file: ignored at open, and said so.
        #expect(out.contains("warning: snapshot/student.snapshot: stale snapshot, ignored at open"))
        #expect(result.lines.last?.hasPrefix("failed: 2 problems, 3 warnings") == true, "\(out)")
    }
}

/// Every file under `path` (except the lock file) with its bytes, to prove that nothing changed.
func snapshot(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: path)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &isDirectory)
        // (Lock files hold the pid of the last process that took them: information only, not data.)
        if !isDirectory.boolValue && relative != ".lock" && !relative.hasPrefix("locks/") {
            files[relative] = FileManager.default.contents(atPath: path + "/" + relative)
        }
    }
    return files
}
