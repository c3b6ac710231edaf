import Foundation
import Testing
@testable import LineDB

/// Issue item 11 and test D3: a directory written by the seed's Python design opens, its unsaved WAL entries
/// are applied, LineDB continues its log, and everything LineDB writes reads back with Python's `json` and `jq`.
@Suite("Seed compatibility")
struct SeedCompatibilityTests {
    /// Writes the seed's files: schema, three saved records, an archived WAL and `transaction.log` (`wal`).
    private func writeSeedDatabase(_ dir: TempDir, wal: String) {
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", SeedFiles.studentRecords)
        dir.write("db/wal/" + SeedFiles.archiveName, SeedFiles.archivedLog)
        dir.write("db/wal/transaction.log", wal)
    }

    /// Reads every line of every records and WAL file with `json.loads`, and every schema with `json.load`;
    /// prints the number of documents read and the student names by id. Fails (non-zero exit) on anything else.
    private static let pythonReader = """
        import glob, json, sys
        root = sys.argv[1]
        count = 0
        for path in sorted(glob.glob(root + '/data/*.records') + glob.glob(root + '/wal/*.log')):
            with open(path, encoding='utf-8') as f:
                for number, line in enumerate(f, 1):
                    assert line.endswith('\\n'), (path, number, 'no newline')
                    value = json.loads(line)
                    assert isinstance(value, dict), (path, number)
                    count += 1
        for path in sorted(glob.glob(root + '/schema/*.schema.json')):
            with open(path, encoding='utf-8') as f:
                assert isinstance(json.load(f), dict), path
                count += 1
        with open(root + '/data/student.records', encoding='utf-8') as f:
            rows = sorted((json.loads(l) for l in f), key=lambda r: r['id'])
        print(count)
        print(json.dumps([[r['id'], r['name']] for r in rows], ensure_ascii=False))
        """

    /// Runs the Python reader and `jq -c .` over every file; returns Python's output lines.
    private func readWithPythonAndJq(_ root: String) throws -> [String] {
        let python = try #require(FaultHelpers.which("python3"), "python3 is needed to check the seed format")
        let (status, output) = FaultHelpers.run(python, ["-c", Self.pythonReader, root])
        #expect(status == 0, "python3 could not read what LineDB wrote:\n\(output)")
        if let jq = FaultHelpers.which("jq") {
            var files = FaultHelpers.list(root + "/data").map { root + "/data/" + $0 }
            files += FaultHelpers.list(root + "/wal").map { root + "/wal/" + $0 }
            files += FaultHelpers.list(root + "/schema").map { root + "/schema/" + $0 }
            for file in files where !file.hasSuffix("/") {
                // A gzipped archive (wal/*.log.gz) is read as `zcat FILE | jq -c .`.
                let (s, o) = file.hasSuffix(".gz")
                    ? FaultHelpers.run("/bin/sh", ["-c", "zcat '\(file)' | '\(jq)' -c ."])
                    : FaultHelpers.run(jq, ["-c", ".", file])
                #expect(s == 0, "jq could not parse \(file): \(o)")
            }
        } else {
            print("jq not installed: only Python checked the files")
        }
        return output.split(separator: "\n").map(String.init)
    }

    @Test("a seed database with unsaved INSERT/UPDATE/DELETE entries (partial UPDATE, DELETE by record) opens with them applied; LineDB continues the legacy log with lsn = lines + 1; the mixed log reads back; Python and jq read every file")
    func seedDatabaseWithUnsavedEntries() throws {
        let dir = TempDir("seed-unsaved")
        writeSeedDatabase(dir, wal: SeedFiles.unsavedLog)
        let archive = dir.bytes("db/wal/" + SeedFiles.archiveName)

        let db = try Database(path: dir.db)
        #expect(db.warnings.isEmpty, "\(db.warnings)")
        let rows = try db.select("student", orderBy: "id")
        #expect(rows.map { $0["id"] } == [2, 3, 4])
        #expect(rows[0]["name"] == "Bobby Smith" && rows[0]["gpa"] == 3.6)  // full UPDATE
        #expect(rows[1]["name"] == "Zoë 😀 李" && rows[1]["gpa"] == 2.0)     // partial UPDATE kept the other fields
        #expect(rows[1]["email"] == "zoe@university.edu")
        #expect(rows[2]["name"] == "Dan Émile")
        #expect(try db.get("student", key: 1) == nil)                       // DELETE by old_record
        #expect(try db.get("student", key: 5) == nil)                       // DELETE by record
        #expect(try db.schema(of: "student").primaryKey?.name == "id")

        // LineDB appends to the legacy log: the new line's lsn is the number of lines before it + 1.
        let id = try db.insert("student", ["name": "Fay Ø", "email": "fay@university.edu", "gpa": 2.9])
        #expect(id == 6)
        try db.close()
        let lines = dir.lines("db/wal/transaction.log")
        #expect(lines.count == 7)
        #expect(Array(lines.prefix(6)).joined(separator: "\n") + "\n" == SeedFiles.unsavedLog)  // untouched
        let entries = try Database.readWAL(path: dir.db + "/wal/transaction.log")
        #expect(entries.map(\.lsn) == [1, 2, 3, 4, 5, 6, 7])
        #expect(entries.map(\.isLegacy) == [true, true, true, true, true, true, false])
        #expect(entries.last?.record.objectValue?["name"] == "Fay Ø")

        // The mixed log replays; save and checkpoint write LineDB files next to the seed's.
        let again = try Database(path: dir.db)
        #expect(again.warnings.isEmpty, "\(again.warnings)")
        #expect(try again.select("student", orderBy: "id").map { $0["id"] } == [2, 3, 4, 6])
        try again.update("student", key: 3, set: ["name": "Zoë \u{1F600} 李 \"q\" \\ \t"])
        try again.save()
        try again.createTable(TableSchema("course", columns: [Column("code", .str, nullable: false)]))
        try again.insert("course", ["code": "CS101 – intro"])
        try again.checkpoint()
        try again.insert("course", ["code": "CS102"])
        try again.close()
        #expect(dir.bytes("db/wal/" + SeedFiles.archiveName) == archive, "the seed's archive was modified")
        #expect(dir.list("db/wal").filter { $0.hasPrefix("transaction.") && !$0.hasSuffix(".idx") }.count == 3)

        let output = try readWithPythonAndJq(dir.db)
        #expect(output.count == 2)
        let expected = #"[[2, "Bobby Smith"], [3, "Zoë 😀 李 \"q\" \\ \t"], [4, "Dan Émile"], [6, "Fay Ø"]]"#
        #expect(output.last == expected, "\(output)")
        let final = try Database(path: dir.db)
        #expect(try final.count("course") == 2)
        #expect(try final.get("student", key: 3)?["name"] == "Zoë \u{1F600} 李 \"q\" \\ \t")
        try final.close()
    }

    @Test("a seed checkpoint that left an empty transaction.log and a legacy archive: opens with the saved records, and LineDB's first entry has lsn 1")
    func seedCheckpointLeftEmptyLog() throws {
        let dir = TempDir("seed-empty-wal")
        writeSeedDatabase(dir, wal: "")
        let db = try Database(path: dir.db)
        #expect(db.warnings.isEmpty, "\(db.warnings)")
        #expect(try db.select("student", orderBy: "id").map { $0["name"] }
                == ["Alice Johnson", "Bob Smith", "Zoë 😀 李"])
        try db.insert("student", ["name": "Dan", "email": "dan@u"])
        try db.close()
        #expect(try Database.readWAL(path: dir.db + "/wal/transaction.log").map(\.lsn) == [1])
        let again = try Database(path: dir.db)
        #expect(try again.count("student") == 4)
        try again.delete("student", key: 1)
        try again.save()
        try again.close()
        let output = try readWithPythonAndJq(dir.db)
        #expect(output.last == #"[[2, "Bob Smith"], [3, "Zoë 😀 李"], [4, "Dan"]]"#, "\(output)")
    }

    @Test("a seed schema with \"nullable\": true on the primary key and seed records in any key order load unchanged; an open writes nothing but the lock")
    func seedFilesUntouchedByOpen() throws {
        let dir = TempDir("seed-untouched")
        writeSeedDatabase(dir, wal: SeedFiles.unsavedLog)
        let before = dir.snapshot()
        let db = try Database(path: dir.db)
        #expect(try db.count("student") == 3)
        let schema = try db.schema(of: "student")
        try db.close()
        #expect(dir.snapshot() == before)
        // A schema LineDB writes back keeps the seed's keys and spelling.
        #expect(schema.columns.map(\.name) == ["id", "name", "email", "gpa"])
        let text = String(decoding: schema.fileContents, as: UTF8.self)
        #expect(text.hasPrefix(String(SeedFiles.studentSchema.prefix(40))))
    }
}
