import Foundation
import Testing
@testable import LineDB

/// Files big enough (> 4 MiB) to be parsed in parallel chunks: line numbers and order must still be exact.
@Suite("Loading large records files")
struct LargeTableLoadTests {
    static let rows = 60_000

    func makeDatabase(_ dir: TempDir) throws {
        var options = DatabaseOptions()
        options.syncMode = .off
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        let records: [Record] = (0..<Self.rows).map { i in
            ["name": .string("Student \(i) with a longer name ✓"), "email": .string("student\(i)@university.edu"),
             "gpa": .double(Double(i % 400) / 100)]
        }
        try db.insert("student", records: records)
        try db.checkpoint()
        try db.close()
    }

    @Test("a large file loads in file order with every record")
    func loadsInOrder() throws {
        let dir = TempDir()
        try makeDatabase(dir)
        #expect(dir.bytes("db/data/student.records").count > 4 << 20)
        let db = try Database(path: dir.db)
        #expect(try db.count("student") == Self.rows)
        let all = try db.select("student")
        #expect(all.map { $0["id"]!.intValue! } == Array(1...Self.rows))
        #expect(db.unsavedTables.isEmpty && db.warnings.isEmpty)
    }

    @Test("a bad line and a duplicate key deep in a large file are reported with their exact line numbers")
    func errorsNameTheLine() throws {
        let dir = TempDir()
        try makeDatabase(dir)
        var lines = dir.lines("db/data/student.records")
        let original = lines
        lines[49_999] = #"{"id": 50000, "name": "broken"#
        dir.write("db/data/student.records", lines.joined(separator: "\n") + "\n")
        let before = dir.snapshot()
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            return text.contains("student.records:50000:") && text.contains("invalid JSON")
        }
        #expect(dir.snapshot() == before)

        lines = original
        lines[54_999] = lines[9]  // key 10 again, near the end
        dir.write("db/data/student.records", lines.joined(separator: "\n") + "\n")
        #expect {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            return text.contains("student.records:55000") && text.contains("already used")
        }
    }
}
