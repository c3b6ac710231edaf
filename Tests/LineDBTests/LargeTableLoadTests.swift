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
        try expectOpenRefused(dir, records: lines, mentioning: ["student.records:50000:", "invalid JSON"])

        lines = original
        lines[54_999] = lines[9]  // key 10 again, near the end
        try expectOpenRefused(dir, records: lines, mentioning: ["student.records:55000", "already used"])
    }

    /// Writes `records` as the records file, then expects the open to fail with an error that mentions each of
    /// `texts`, and to change no file.
    func expectOpenRefused(
        _ dir: TempDir, records: [String], mentioning texts: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        dir.write("db/data/student.records", records.joined(separator: "\n") + "\n")
        let before = dir.snapshot()
        #expect(sourceLocation: sourceLocation) {
            _ = try Database(path: dir.db)
        } throws: { error in
            let text = "\(error)"
            return texts.allSatisfy { text.contains($0) }
        }
        #expect(dir.snapshot() == before, "the refused open changed a file", sourceLocation: sourceLocation)
    }

    @Test("a UNIQUE value repeated deep in a large file (hashed on the parsing threads) refuses the open and names it")
    func duplicateUniqueDeepInside() throws {
        let dir = TempDir()
        try makeDatabase(dir)
        var lines = dir.lines("db/data/student.records")
        // Line 55,000 keeps its own key but takes the e-mail of line 10 (student9@...).
        lines[54_999] = lines[54_999].replacingOccurrences(of: "student54999@", with: "student9@")
        try expectOpenRefused(dir, records: lines, mentioning: ["email", "student9@university.edu"])
        // Every other e-mail is still found through the index once the duplicate is gone.
        lines[54_999] = lines[54_999].replacingOccurrences(of: "student9@", with: "student54999@")
        dir.write("db/data/student.records", lines.joined(separator: "\n") + "\n")
        let db = try Database(path: dir.db)
        for i in [0, 9, 31_337, 54_999, Self.rows - 1] {
            #expect(try db.find("student", where: "email", equals: .string("student\(i)@university.edu")).first?["id"]
                == .int(i + 1))
        }
    }

    @Test("the browser's copy of a large table: in slot order, its key order checked across the two halves")
    func browseCopy() throws {
        let dir = TempDir()
        try makeDatabase(dir)
        let db = try Database(path: dir.db)
        let t = try db.state.withLock { () throws(LineDBError) in try db.table("student") }
        let serial = Database.copyValues(of: t, parallelFrom: .max)
        let parallel = Database.copyValues(of: t, parallelFrom: 1)
        #expect(serial.keysAscend && parallel.keysAscend)
        #expect(serial.rows.count == Self.rows && parallel.rows == serial.rows)
        #expect(parallel.rows.map { $0[0] } == (1...Self.rows).map { JSONValue.int($0) })

        // Keys out of order only where the halves meet: the last row of the first half gets the biggest key.
        let half = Self.rows / 2
        _ = try db.update("student", key: .int(half), set: ["id": .int(Self.rows + 1)])
        let swapped = Database.copyValues(of: t, parallelFrom: 1)
        #expect(!swapped.keysAscend)
        #expect(try db.browseSnapshot(of: "student").rows.map { $0[0].intValue! }
            == Array(1..<half) + Array((half + 1)...(Self.rows + 1)))
    }

    @Test("the browser's copy of tiny tables: none, one row, two rows out of order (each half one row)")
    func browseCopyTiny() throws {
        let t = TableState(schema: studentSchema)
        #expect(Database.copyValues(of: t, parallelFrom: 1).rows.isEmpty)
        t.append(Row(values: [.int(2), .string("b"), .string("b@u"), .double(1)]))
        let one = Database.copyValues(of: t, parallelFrom: 1)
        #expect(one.keysAscend && one.rows.count == 1)
        t.append(Row(values: [.int(1), .string("a"), .string("a@u"), .double(1)]))
        let two = Database.copyValues(of: t, parallelFrom: 1)
        #expect(!two.keysAscend && two.rows.map { $0[0] } == [.int(2), .int(1)])
    }
}
