import Foundation
import Testing

/// `linedb create-table --gzip`, `compress`, `decompress`, and a gzipped table through save, checkpoint, stats and
/// check, on the real binary (issue 16, "Compressed data files").
@Suite("linedb compress, decompress and gzipped tables")
struct GzipCommandTests {
    /// `sh -c` with the output.
    static func shell(_ script: String) throws -> CommandResult { try CLI.runProgram("/bin/sh", ["-c", script], stdin: nil) }

    @Test("create-table --gzip stores data/t.records.gz; save appends to it; zcat | jq reads it; stats and check know it")
    func createGzipped() throws {
        let dir = try Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        expectOK(try CLI.run(["create-table", dir.db, "student", "--column", "id:int:pk", "--column", "name:str", "--gzip"]))
        #expect(dir.exists("db/data/student.records.gz") && !dir.exists("db/data/student.records"))
        expectOK(try CLI.run(["insert", dir.db, "student"], stdin: "{\"name\": \"Alice\"}\n{\"name\": \"Bob\"}\n"))
        let saved = expectOK(try CLI.run(["save", dir.db]))
        #expect(saved.stdout == "student: appended 2 records to data/student.records.gz\n", "\(saved)")
        let read = expectOK(try Self.shell("gzip -t '\(dir.db)/data/student.records.gz' && zcat '\(dir.db)/data/student.records.gz' | jq -c ."))
        #expect(read.lines == [#"{"id":1,"name":"Alice"}"#, #"{"id":2,"name":"Bob"}"#])
        let stats = expectOK(try CLI.run(["stats", dir.db, "--json"]))
        let o = try #require(try foundationJSON(stats.stdout) as? [String: Any])
        let disk = try #require((o["disk"] as? [String: Any])?["tables"] as? [String: Any])
        let student = try #require(disk["student"] as? [String: Any])
        #expect(student["gzip"] as? Bool == true && student["records"] as? Int == 2, "\(student)")
        let checkpoint = expectOK(try CLI.run(["checkpoint", dir.db]))
        #expect(checkpoint.stdout.contains(".log.gz (through lsn"), "\(checkpoint)")
        expectOK(try CLI.run(["check", dir.db]))
        let selected = expectOK(try CLI.run(["select", dir.db, "student"]))
        #expect(selected.lines.count == 2)
    }

    @Test("decompress then compress switch the file, keep every record, and say what they did; an unknown table is a usage error")
    func switchBackAndForth() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        expectOK(try CLI.run(["save", dir.db]))
        let plain = dir.read("db/data/student.records")
        let compressed = expectOK(try CLI.run(["compress", dir.db]))
        #expect(compressed.stdout == "student: now stored as data/student.records.gz\n")
        #expect(!dir.exists("db/data/student.records"))
        #expect(expectOK(try Self.shell("zcat '\(dir.db)/data/student.records.gz'")).stdout == plain)
        let again = expectOK(try CLI.run(["compress", dir.db, "student"]))
        #expect(again.stdout == "student: already stored as data/student.records.gz\n")
        let back = expectOK(try CLI.run(["decompress", dir.db, "student"]))
        #expect(back.stdout == "student: now stored as data/student.records\n")
        #expect(dir.read("db/data/student.records") == plain && !dir.exists("db/data/student.records.gz"))
        let unknown = try CLI.run(["compress", dir.db, "nosuch"])
        #expect(unknown.status == 2 && unknown.stderr.contains("nosuch"), "\(unknown)")
        #expect(dir.read("db/data/student.records") == plain)
    }
}
