import Foundation
import Testing
@testable import LineDB

/// What `linedb recover` (the package options `salvage` and `salvageWALPrefix`) does, and the clean-state rules
/// that keep a reopened database from rewriting files it does not need to.
@Suite("Recovery: salvage and clean reopen")
struct RecoverySalvageTests {
    func salvageOptions(walPrefix: Bool = false) -> DatabaseOptions {
        var options = DatabaseOptions()
        options.salvage = true
        options.salvageWALPrefix = walPrefix
        return options
    }

    @Test("records sharing a UNIQUE value: refused normally; salvage keeps the first and quarantines the others")
    func duplicateUnique() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            try db.insert("student", ["name": "A", "email": "same@u"])
            try db.insert("student", ["name": "B", "email": "other@u"])
            try db.checkpoint()
            try db.close()
        }
        var lines = dir.lines("db/data/student.records")
        lines[1] = lines[1].replacingOccurrences(of: "other@u", with: "same@u")
        dir.write("db/data/student.records", lines.joined(separator: "\n") + "\n")
        #expect { _ = try Database(path: dir.db) } throws: { "\($0)".contains("student.records:2") }
        let db = try Database(path: dir.db, options: salvageOptions())
        #expect(try db.count("student") == 1)
        #expect(try db.get("student", key: 1)?["name"] == "A")
        #expect(db.warnings.contains { $0.contains("same@u") && $0.contains("quarantine/") })
        let quarantined = dir.list("db/quarantine")
        #expect(quarantined.count == 1)
        #expect(dir.read("db/quarantine/" + quarantined[0]).contains(#""name":"B""#))
        try db.save()
        try db.close()
        #expect(try Database(path: dir.db).count("student") == 1)
    }

    @Test("salvage alone still refuses a WAL damaged in the middle; only the point-in-time option cuts it")
    func walPrefixIsAskedFor() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            for i in 0..<5 { try db.insert("student", ["name": .string("S\(i)"), "email": .string("s\(i)@u")]) }
            try db.close()
        }
        var lines = dir.lines("db/wal/transaction.log")
        lines[2] = lines[2].replacingOccurrences(of: "S1", with: "X1")  // CRC no longer matches
        dir.write("db/wal/transaction.log", lines.joined(separator: "\n") + "\n")
        let before = dir.snapshot()
        #expect(throws: LineDBError.self) { _ = try Database(path: dir.db, options: salvageOptions()) }
        #expect(dir.snapshot() == before)
        let db = try Database(path: dir.db, options: salvageOptions(walPrefix: true))
        #expect(try db.count("student") == 1)
        #expect(db.warnings.contains { $0.contains("point-in-time") && $0.contains("3 later entries") })
    }

    @Test("a table whose unsaved inserts were deleted again is clean after a save, also in the next process")
    func noNeedlessRewrite() throws {
        let dir = TempDir()
        do {
            let db = try Database(path: dir.db)
            try db.createTable(studentSchema)
            for i in 0..<3 { try db.insert("student", ["name": .string("S\(i)"), "email": .string("s\(i)@u")]) }
            try db.delete("student", key: 3)
            let summary = try db.save()
            #expect(summary.appended == ["student": 2] && summary.rewritten.isEmpty)
            try db.close()
        }
        let db = try Database(path: dir.db)
        #expect(db.unsavedTables.isEmpty, "replaying the WAL over the saved file found changes")
        #expect(try db.save().isEmpty)
        #expect(dir.lines("db/data/student.records").count == 2)
    }
}
