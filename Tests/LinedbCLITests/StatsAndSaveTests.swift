import Foundation
import Testing
import LineDB

@Suite("linedb stats, save and checkpoint")
struct StatsAndSaveTests {
    @Test("stats --json prints db.stats() as one line whose numbers match the files")
    func statsJSONMatchesFiles() throws {
        let dir = try Scratch().studentDatabase(count: 4)
        expectOK(try CLI.run(["checkpoint", dir.db]))
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": "New", "email": "new@u.edu"}"#]))
        expectOK(try CLI.run(["delete", dir.db, "student", "1"]))
        let result = expectOK(try CLI.run(["stats", dir.db, "--json"]))
        #expect(result.lines.count == 1)
        let stats = try #require(try foundationJSON(result.stdout) as? [String: Any])
        let tables = try #require(stats["tables"] as? [String: [String: Any]])
        #expect(tables["student"]?["records"] as? Int == 4)  // 4 + 1 - 1, saved or not
        #expect(tables["student"]?["columns"] as? [String] == ["id", "name", "email", "gpa"])
        let disk = try #require(stats["disk"] as? [String: Any])
        let diskTable = try #require((disk["tables"] as? [String: [String: Any]])?["student"])
        #expect(diskTable["records"] as? Int == dir.lines("db/data/student.records").count)
        #expect(diskTable["records"] as? Int == 4)  // what the checkpoint saved
        #expect(diskTable["size_bytes"] as? Int == dir.size("db/data/student.records"))
        let wal = try #require(disk["wal"] as? [String: Any])
        #expect(wal["entries"] as? Int == dir.lines("db/wal/transaction.log").count)
        #expect(wal["entries"] as? Int == 3)  // CHECKPOINT, INSERT, DELETE
        #expect(wal["size_bytes"] as? Int == dir.size("db/wal/transaction.log"))
        let archived = try #require(wal["archived"] as? [[String: Any]])
        let archives = dir.list("db/wal").filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }
        let sidecars = dir.list("db/wal").filter { $0.hasSuffix(".idx") }
        #expect(archived.map { $0["file"] as? String } == archives)
        #expect(archived.first?["size_bytes"] as? Int == archives.first.map { dir.size("db/wal/" + $0) })
        let total = ["db/data/student.records", "db/schema/student.schema.json", "db/wal/transaction.log"]
            .map(dir.size).reduce(0, +) + archives.map { dir.size("db/wal/" + $0) }.reduce(0, +)
            + sidecars.map { dir.size("db/wal/" + $0) }.reduce(0, +)
            + dir.list("db/snapshot").map { dir.size("db/snapshot/" + $0) }.reduce(0, +)  // the tables' snapshots
        #expect(disk["total_size_bytes"] as? Int == total)
    }

    @Test("stats without --json is a readable summary of tables, WAL and archives")
    func statsSummary() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        expectOK(try CLI.run(["checkpoint", dir.db]))
        let result = expectOK(try CLI.run(["stats", dir.db]))
        #expect(result.lines[0] == "Database \(dir.db)")
        #expect(result.lines[1].hasPrefix("  table    records  saved  file size"))
        #expect(result.lines[3].hasPrefix("  student  3        3      "))
        #expect(result.stdout.contains("WAL: 1 entry, "))
        #expect(result.stdout.contains("; 1 archive\n  transaction."))
        #expect(result.lines.last?.hasPrefix("Total on disk: ") == true)
    }

    @Test("save writes the records file that python3 and jq read back, one record per line")
    func saveWritesRecords() throws {
        let dir = try Scratch().studentDatabase(count: 5)
        expectOK(try CLI.run(["delete", dir.db, "student", "3"]))
        #expect(dir.read("db/data/student.records").isEmpty)
        let first = expectOK(try CLI.run(["save", dir.db]))
        // The deleted record was never in the file: the four others are simply appended.
        #expect(first.stdout == "student: appended 4 records to data/student.records\n")
        #expect(dir.lines("db/data/student.records").count == 4)
        let python = try CLI.runTool("python3", [
            "-c", "import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])]; print([r['id'] for r in rows])",
            dir.db + "/data/student.records",
        ])
        #expect(python.stdout == "[1, 2, 4, 5]\n", "\(python)")
        let jq = try CLI.runTool("jq", ["-c", "[.id, .name, .gpa]", dir.db + "/data/student.records"])
        #expect(jq.status == 0, "\(jq)")
        #expect(jq.stdout == "[1,\"Alice\",2]\n[2,\"Bob\",2.1]\n[4,\"Dan\",2.3]\n[5,\"Eve\",2.4]\n")
    }

    @Test("checkpoint saves, archives the WAL and starts a new one with a CHECKPOINT entry")
    func checkpointArchives() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let walBefore = dir.read("db/wal/transaction.log")
        let result = expectOK(try CLI.run(["checkpoint", dir.db]))
        #expect(result.lines.first == "student: appended 2 records to data/student.records")
        let archives = dir.list("db/wal").filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }
        #expect(archives.count == 1)
        #expect(result.lines.last == "archived the WAL as wal/\(archives[0]) (through lsn 3); started a new WAL")
        // The archive is gzipped (wal/transaction.<stamp>.log.gz) and holds the old WAL's bytes.
        #expect(archives[0].hasSuffix(".log.gz"))
        let archived = try Gzip.decompress(
            Array(FileManager.default.contents(atPath: dir.db + "/wal/" + archives[0]) ?? Data()), path: archives[0])
        #expect(String(decoding: archived, as: UTF8.self) == walBefore)
        let wal = dir.lines("db/wal/transaction.log")
        #expect(wal.count == 1 && wal[0].contains(#""operation":"CHECKPOINT""#))
        let nothing = expectOK(try CLI.run(["save", dir.db]))
        #expect(nothing.stdout == "nothing to save: every records file is up to date\n")
    }
}
