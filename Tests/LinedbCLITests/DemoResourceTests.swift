import Foundation
import LineDB
import Testing

/// The demo database: the committed package resource (Resources/university), its generator
/// `make-demo`, and `linedb demo` copying the bundle or, without it, generating the same bytes.
@Suite("linedb demo and its bundled database")
struct DemoResourceTests {
    /// The committed resource, found from this file's place in the repository.
    static let resource: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources/university").path

    /// Every regular file under `directory` (relative path → bytes), without the writer lock `.lock`.
    static func tree(_ directory: String) -> [String: Data] {
        let fm = FileManager.default
        var files: [String: Data] = [:]
        for case let name as String in fm.enumerator(atPath: directory)?.allObjects ?? [] where name != ".lock" {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = fm.contents(atPath: directory + "/" + name)
            }
        }
        return files
    }

    /// Expects `directory` to hold exactly the committed resource's files, byte for byte.
    static func expectSameAsResource(_ directory: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = tree(resource)
        let actual = tree(directory)
        #expect(expected.count == 10, "the committed resource has \(expected.keys.sorted())",
            sourceLocation: sourceLocation)
        #expect(actual.keys.sorted() == expected.keys.sorted(), sourceLocation: sourceLocation)
        let differing = expected.keys.filter { actual[$0] != nil && actual[$0] != expected[$0] }.sorted()
        #expect(differing.isEmpty, "files differ from the committed resource: \(differing)",
            sourceLocation: sourceLocation)
    }

    @Test("make-demo regenerates exactly the committed resource (run `swift run make-demo` when this fails)")
    func resourceIsNotStale() throws {
        let dir = Scratch()
        let makeDemo = URL(fileURLWithPath: try CLI.binary.get()).deletingLastPathComponent()
            .appendingPathComponent("make-demo").path
        try #require(FileManager.default.isExecutableFile(atPath: makeDemo), "no make-demo next to linedb")
        let result = try CLI.runProgram(makeDemo, [dir.path + "/university"], stdin: nil)
        #expect(result.status == 0, "\(result)")
        Self.expectSameAsResource(dir.path + "/university")
        let check = try CLI.runProgram(makeDemo, ["--check"], stdin: nil)
        #expect(check.status == 0 && check.stdout.contains("up to date"), "\(check)")
    }

    @Test("linedb demo copies the bundled resource; a linedb copied alone onto a PATH generates the same bytes")
    func copiedAndGeneratedAreIdentical() throws {
        let dir = Scratch()
        let copied = try CLI.run(["demo", dir.path + "/copied/university"])
        #expect(copied.status == 0, "\(copied)")
        #expect(copied.stdout.contains("Copied the bundled demo database"), "\(copied)")
        Self.expectSameAsResource(dir.path + "/copied/university")

        // An installed binary without LineDB_linedb.resources next to it.
        try FileManager.default.createDirectory(atPath: dir.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try CLI.binary.get(), toPath: dir.path + "/bin/linedb")
        let generated = try CLI.runProgram(dir.path + "/bin/linedb", ["demo", dir.path + "/generated"], stdin: nil)
        #expect(generated.status == 0, "\(generated)")
        #expect(generated.stdout.contains("Generated the demo database"), "\(generated)")
        #expect(!dir.list("").contains(where: { $0.contains(".tmp-") }), "a staging directory was left behind")
        Self.expectSameAsResource(dir.path + "/generated")
        let check = try CLI.run(["check", dir.path + "/generated"])
        #expect(check.status == 0 && check.stdout.contains("341 WAL entries, 1 archive"), "\(check)")
    }

    @Test("linedb demo fills an empty directory, refuses a non-empty one that is not a database, keeps a database")
    func existingDirectories() throws {
        let dir = Scratch()
        try FileManager.default.createDirectory(atPath: dir.path + "/empty", withIntermediateDirectories: true)
        let empty = try CLI.run(["demo", dir.path + "/empty"])
        #expect(empty.status == 0 && dir.exists("empty/schema/student.schema.json"), "\(empty)")
        #expect(dir.list("empty") == ["data", "schema", "wal"])  // no .demo.tmp-PID left, and no .lock
        try FileManager.default.createDirectory(atPath: dir.path + "/here", withIntermediateDirectories: true)
        let here = try CLI.runProgram("/bin/sh", ["-c", "cd '\(dir.path)/here' && '\(try CLI.binary.get())' demo ."],
            stdin: nil)
        #expect(here.status == 0 && dir.list("here") == ["data", "schema", "wal"], "\(here)")

        dir.write("notes.txt", "mine")
        try FileManager.default.createDirectory(atPath: dir.path + "/other", withIntermediateDirectories: true)
        dir.write("other/notes.txt", "mine")
        let refused = try CLI.run(["demo", dir.path + "/other"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("is not empty and is not a LineDB database"), "\(refused)")
        #expect(dir.list("other") == ["notes.txt"] && dir.read("other/notes.txt") == "mine")
        let file = try CLI.run(["demo", dir.path + "/notes.txt"])
        #expect(file.status == 2 && file.stderr.contains("is not a directory"), "\(file)")

        // A database the user changed stays as it is, change included.
        dir.replace("empty/data/course.records", "MA101", with: "MA999")
        let again = try CLI.run(["demo", dir.path + "/empty"])
        #expect(again.status == 0 && again.stdout.contains("left untouched"), "\(again)")
        #expect(dir.read("empty/data/course.records").contains("MA999"))
    }

    @Test(
        "the README's demo examples run on a fresh linedb demo and print what they promise",
        .enabled(if: ReadmeTests.readme.contains("## The demo database"), "README.md has no demo section yet"))
    func readmeExamples() throws {
        let block = try #require(ReadmeTests.shellBlock(after: "## The demo database"))
        let dir = Scratch()
        let binary = try CLI.binary.get()
        let script = """
            set -euo pipefail
            cd '\(dir.path)'
            linedb() { '\(binary)' "$@"; }
            linedb demo >/dev/null
            \(block)
            """
        let result = try CLI.runProgram("/bin/bash", ["-c", script], stdin: nil)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Seminar in Mathematics") && result.stdout.contains("Zoë Øvergaard"), "\(result)")
        #expect(result.stdout.contains("DELETE"), "\(result)")
    }

    @Test("the demo holds what issue 6 asks for: thousands of records, many scripts, nulls, all types, WAL, archive")
    func content() throws {
        let files = Self.tree(Self.resource)
        let text = { (name: String) in String(decoding: files[name] ?? Data(), as: UTF8.self) }
        let archives = files.keys.filter { $0.hasPrefix("wal/transaction.2") && $0.hasSuffix(".log") }
        #expect(archives == ["wal/transaction.20250901_090808.log"])

        let dir = Scratch()  // opened from a copy: the test never writes into the repository
        try FileManager.default.copyItem(atPath: Self.resource, toPath: dir.db)
        let db = try Database(path: dir.db)
        defer { try? db.close() }
        #expect(db.tableNames.sorted() == ["course", "enrolment", "instructor", "student"])
        let counts = try db.tableNames.map { try db.count($0) }
        #expect((3_000...20_000).contains(counts.reduce(0, +)), "\(counts)")
        let types = Set(try db.tableNames.flatMap { try db.schema(of: $0).columns.map(\.type) })
        #expect(types == Set(ColumnType.allCases))

        let entries = try db.walEntries()
        #expect((200...1_000).contains(entries.count))
        let operations = Set(entries.map(\.operation))
        #expect(operations.isSuperset(of: ["CHECKPOINT", "INSERT", "UPDATE", "DELETE"]), "\(operations)")

        let names = text("data/student.records") + text("data/instructor.records")
        let scalars = names.unicodeScalars
        #expect(names.contains("Élodie") || names.contains("François"), "accents")
        #expect(scalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "CJK")
        #expect(scalars.contains { $0.properties.isEmojiPresentation }, "emoji")
        #expect(scalars.contains { (0x0300...0x036F).contains($0.value) }, "combining marks")
        #expect(names.contains("\"email\":null") && names.contains("\"profile\":null"), "nulls")
        // No clock in the files: every WAL timestamp is one of the generator's fixed 2025-09-01 stamps.
        #expect(!entries.contains { !$0.timestamp.hasPrefix("2025-09-01T") })
    }
}
