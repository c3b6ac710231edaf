import Foundation
import Testing

/// The `persistence-example` executable (Examples/persistence-example), run as a user runs it: in a directory of
/// its own, where it leaves ./data/university and ./exports/.
@Suite("persistence-example")
struct PersistenceExampleTests {
    /// The built example, found next to the built `linedb` (as ``CLI`` finds that one);
    /// `PERSISTENCE_EXAMPLE_BINARY` overrides.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["PERSISTENCE_EXAMPLE_BINARY"] { return path }
        let linedb = URL(fileURLWithPath: try CLI.binary.get())
        let path = linedb.deletingLastPathComponent().appendingPathComponent("persistence-example").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLI.NotFound(description: "no persistence-example executable at \(path); build it first")
        }
        return path
    }

    /// Runs the example with `directory` as its current directory.
    static func run(in directory: String) throws -> CommandResult {
        try CLI.runProgram("/bin/sh", ["-c", "cd \"$0\" && exec \"$1\"", directory, try binary()], stdin: nil)
    }

    /// A file of the example's directory parsed as JSON by Foundation (not by the engine).
    static func json(_ dir: Scratch, _ relative: String) throws -> [String: Any] {
        try #require(try foundationJSON(dir.read(relative)) as? [String: Any], "\(relative) is not a JSON object")
    }

    @Test("the tour runs every use case of the seed's example, in order, and ends without an error")
    func output() throws {
        let dir = Scratch()
        let result = try Self.run(in: dir.path)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        let headings = [
            "1. Create a persistent database", "2. Define tables", "3. Save and load", "4. Inspect the file structure",
            "5. Updates across sessions", "6. WAL inspection and checkpointing", "7. Export", "8. Statistics",
            "9. Handle errors", "10. Handle save errors",
        ]
        var rest = result.stdout[...]
        for heading in headings {
            let found = try #require(rest.range(of: "\n" + heading + "\n"), "missing or out of order: \(heading)")
            rest = rest[found.upperBound...]
        }
        let out = result.stdout
        #expect(out.contains("a new Database instance loaded 2 tables from disk"))
        #expect(out.contains(#"{"id":2,"name":"Bob Smith","email":"bob@university.edu","gpa":3.5}"#))
        #expect(out.contains("session 2: Bob's GPA is 3.7, 4 students, 1 course"))
        #expect(out.contains("session 3: Dan's GPA is 3.4 (the unsaved update came back from the WAL)"))
        #expect(out.contains("student(id: int, name: str, email: str, gpa: float)"))
        #expect(out.contains("course(id: int, code: str, title: str?)"))
        #expect(out.contains("lsn 12"))
        #expect(out.contains("UPDATE on student"))
        #expect(out.contains("the new wal/transaction.log holds 1 line: CHECKPOINT (lsn 13)"))
        #expect(out.contains("exported 4 students to ./exports/students.json"))
        #expect(out.contains(#"refused: student.email: the value "alice@university.edu" is already used"#))
        #expect(out.contains("column 'gpa' of table 'student' does not match the Swift type"))
        #expect(out.contains("nothing was written by any of them: 4 students"))
        // A save that really fails (a file size limit on the example's own process), the state it leaves, a retry.
        #expect(out.contains("inserted Frank Green (id 5): durable in the WAL, not yet in data/student.records"))
        #expect(out.contains(
            "save() failed: write ./data/university/data/student.records: file too large (File too large)"), "\(out)")
        #expect(out.contains(#"data/student.records is as it was (4 records, 278 bytes); unsaved tables: ["student"]"#))
        #expect(out.contains("Frank is still in the table (5 students) and in the WAL (lsn 14)"))
        #expect(out.contains("the same handle saves: appended 1 record to data/student.records (5 records now)"))
        #expect(!out.contains("removed ./data/university from an earlier run"))
    }

    @Test("it leaves the seed's files: schema types as the seed names them, the records, an archived WAL, the export")
    func files() throws {
        let dir = Scratch()
        try expectOK(Self.run(in: dir.path))
        let db = "data/university"

        // Schemas: the seed's layout and type names.
        let student = try Self.json(dir, "\(db)/schema/student.schema.json")
        #expect(student["table_name"] as? String == "student")
        let columns = try #require(student["schema"] as? [String: [String: Any]])
        #expect(columns["id"]?["type"] as? String == "int")
        #expect(columns["id"]?["primary_key"] as? Bool == true)
        #expect(columns["name"]?["type"] as? String == "str")
        #expect(columns["name"]?["nullable"] as? Bool == false)
        #expect(columns["email"]?["unique"] as? Bool == true)
        #expect(columns["gpa"]?["type"] as? String == "float")
        #expect((columns["gpa"]?["default"] as? NSNumber)?.doubleValue == 0.0)
        #expect(student["created_at"] is String)
        let course = try Self.json(dir, "\(db)/schema/course.schema.json")
        #expect((course["schema"] as? [String: [String: Any]])?["code"]?["type"] as? String == "str")

        // Records: exactly the live records, one per line, after every change of the tour.
        #expect(dir.lines("\(db)/data/student.records") == [
            #"{"id":1,"name":"Alice Johnson","email":"alice@university.edu","gpa":3.8}"#,
            #"{"id":2,"name":"Bob Smith","email":"bob@university.edu","gpa":3.7}"#,
            #"{"id":3,"name":"Carol White","email":"carol@university.edu","gpa":3.9}"#,
            #"{"id":4,"name":"Dan Brown","email":"dan@university.edu","gpa":3.4}"#,
            #"{"id":5,"name":"Frank Green","email":"frank@university.edu","gpa":3.1}"#,
        ])
        #expect(dir.lines("\(db)/data/course.records") == [
            #"{"id":1,"code":"CS101","title":"Introduction to Programming"}"#,
        ])

        // The WAL: one archive holding the writes (the two courses in one transaction), and a new log that starts
        // with the CHECKPOINT line, then Frank's insert (the one whose first save failed).
        let wal = dir.list("\(db)/wal")
        let archives = wal.filter { $0 != "transaction.log" && !$0.hasSuffix(".idx") }  // not the index sidecar
        #expect(wal.contains("transaction.log"))
        try #require(archives.count == 1, "wal/: \(wal)")
        #expect(archives[0].wholeMatch(of: /transaction\.\d{8}_\d{6}(_\d+)?\.log/) != nil, "\(archives[0])")
        let archived = dir.lines("\(db)/wal/\(archives[0])")
        let operations = try archived.map { line in
            try #require(try foundationJSON(line) as? [String: Any])["operation"] as? String
        }
        #expect(operations == [
            "CREATE_TABLE", "CREATE_TABLE", "INSERT", "INSERT", "INSERT", "INSERT", "INSERT", "COMMIT", "UPDATE",
            "INSERT", "DELETE", "UPDATE",
        ])
        let live = dir.lines("\(db)/wal/transaction.log")
        try #require(live.count == 2, "\(live)")
        let checkpoint = try #require(try foundationJSON(live[0]) as? [String: Any])
        #expect(checkpoint["operation"] as? String == "CHECKPOINT")
        #expect((checkpoint["record"] as? [String: Any])?["previous"] as? String == archives[0])
        #expect(checkpoint["lsn"] as? Int == 13)
        let frank = try #require(try foundationJSON(live[1]) as? [String: Any])
        #expect(frank["operation"] as? String == "INSERT" && frank["lsn"] as? Int == 14)
        #expect((frank["record"] as? [String: Any])?["name"] as? String == "Frank Green")

        // The export: the seed's format.
        let export = try Self.json(dir, "exports/students.json")
        #expect(export["table"] as? String == "student")
        #expect(export["count"] as? Int == 4)
        let records = try #require(export["records"] as? [[String: Any]])
        #expect(records.map { $0["name"] as? String } == ["Alice Johnson", "Bob Smith", "Carol White", "Dan Brown"])
        #expect(export["exported_at"] is String)
        #expect(dir.read("exports/courses.csv") == "id,code,title\n1,CS101,Introduction to Programming\n")
    }

    @Test("a database it did not make (the demo's, say) is left byte for byte as it was, and the example stops")
    func foreignDatabase() throws {
        let dir = Scratch()
        let db = dir.path + "/data/university"
        try FileManager.default.createDirectory(atPath: dir.path + "/data", withIntermediateDirectories: true)
        try expectOK(CLI.run(["init", db]))
        try expectOK(CLI.run(["create-table", db, "student", "--column", "id:int:pk", "--column", "name:str"]))
        try expectOK(CLI.run(["insert", db, "student"], stdin: #"{"name": "Zoë"}"# + "\n"))
        let before = try Self.files(under: db)
        let result = try Self.run(in: dir.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("./data/university exists and was not made by this example"), "\(result)")
        #expect(try Self.files(under: db) == before)
        #expect(!dir.exists("exports"))
    }

    /// Every file under `path` (but the lock) with its bytes.
    static func files(under path: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue && relative != ".lock" {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + relative))
            }
        }
        return result
    }

    @Test("a second run in the same directory starts afresh and leaves the same records and one archive")
    func secondRun() throws {
        let dir = Scratch()
        try expectOK(Self.run(in: dir.path))
        let first = dir.read("data/university/data/student.records")
        let second = try expectOK(Self.run(in: dir.path))
        #expect(second.stdout.contains("removed ./data/university from an earlier run"))
        #expect(dir.read("data/university/data/student.records") == first)
        #expect(dir.list("data/university/wal").filter { !$0.hasSuffix(".idx") }.count == 2)
    }
}
