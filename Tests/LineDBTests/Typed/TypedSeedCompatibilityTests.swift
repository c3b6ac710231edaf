import Foundation
import Testing

@testable import LineDB

/// Runs a program to completion and returns its exit status and stdout (stderr appended on failure).
private func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    return (
        process.terminationStatus,
        process.terminationStatus == 0 ? text : text + String(decoding: errors, as: UTF8.self)
    )
}

/// The built `linedb`, next to the test bundle (as the CLI tests find it).
private let linedbBinary: String? = {
    var directories = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
    directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    for bundle in [Bundle.main.bundleURL] + Bundle.allBundles.map(\.bundleURL) {
        var url = bundle
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        directories.append(url.path == "/" ? bundle : url.deletingLastPathComponent())
    }
    return directories.map { $0.appendingPathComponent("linedb").path }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite("Typed records: seed files in, seed-readable files out")
struct TypedSeedCompatibilityTests {
    private func seedDatabase() -> TempDir {
        let dir = TempDir()
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write("db/data/student.records", SeedFiles.studentRecords)
        return dir
    }

    @Test("a table written by the seed (Python type names, json.dumps spacing, \\uXXXX escapes) decodes into Student")
    func seedTableDecodes() throws {
        let dir = seedDatabase()
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        #expect(
            try students.all() == [
                Student(id: 1, name: "Alice Johnson", email: "alice@university.edu", gpa: 3.8),
                Student(id: 2, name: "Bob Smith", email: "bob@university.edu", gpa: 3.5),
                Student(id: 3, name: "Zoë 😀 李", email: "zoe@university.edu", gpa: 3.9),
            ])
        var dan = Student(name: "Dan", email: "dan@university.edu")
        try students.insert(&dan)
        #expect(dan.id == 4)
        // The seed's schema file is left as the seed wrote it (registering checks, it does not rewrite).
        #expect(dir.read("db/schema/student.schema.json") == SeedFiles.studentSchema)
    }

    @Test("the seed's records file streams into Student straight from the file, without opening the database")
    func seedFileStreams() throws {
        let dir = seedDatabase()
        let reader = try RecordsFileReader(databasePath: dir.db, for: Student.self)
        var stream = try reader.stream(Student.self, where: { $0.gpa > 3.6 })
        var names: [String] = []
        try stream.forEach { names.append($0.name) }
        #expect(names == ["Alice Johnson", "Zoë 😀 李"])
        #expect(!dir.exists("db/wal"))  // nothing was created
    }

    @Test("a table written by the typed API is read by the linedb command and by Python's json module")
    func typedTableReadableByOthers() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            let students = try db.register(Student.self)
            try students.insert(contentsOf: [
                Student(name: "Zoë 😀 李", email: "zoe@u", gpa: 3.9), Student(name: "Bob", email: "bob@u"),
            ])
            try db.save()
            try db.close()
        }
        let binary = try #require(linedbBinary, "build linedb first (swift build)")
        let (status, output) = try run(binary, ["select", dir.db, "student", "--where", "email=bob@u"])
        #expect(status == 0, "\(output)")
        #expect(output == #"{"id":2,"name":"Bob","email":"bob@u","gpa":0.0}"# + "\n")

        let script = """
            import json, sys
            root = sys.argv[1]
            schema = json.load(open(root + "/schema/student.schema.json"))
            types = {name: spec["type"] for name, spec in schema["schema"].items()}
            records = [json.loads(line) for line in open(root + "/data/student.records", encoding="utf-8")]
            print(types)
            print([(r["id"], r["name"], r["gpa"], type(r["gpa"]).__name__) for r in records])
            """
        let (pyStatus, pyOutput) = try run("/usr/bin/env", ["python3", "-c", script, dir.db])
        #expect(pyStatus == 0, "\(pyOutput)")
        #expect(
            pyOutput == """
                {'id': 'int', 'name': 'str', 'email': 'str', 'gpa': 'float'}
                [(1, 'Zoë 😀 李', 3.9, 'float'), (2, 'Bob', 0.0, 'float')]

                """)
    }
}
