import Foundation
import Testing
@testable import LineDB

/// Test D4: what a damaged or unusual `data/<table>.records` does at open. Errors name `file:line[:col]` and
/// change nothing; what the on-disk format accepts (extra fields, any key order, escapes, CRLF, BOM, empty or missing
/// file) loads, and an open never rewrites the file.
@Suite("D4: records file damage")
struct RecordsCorruptionTests {
    /// A database with the student table (id int PK, name NOT NULL, email UNIQUE, gpa float), whose WAL holds only
    /// the CREATE_TABLE line, and whose records file is `records`.
    private func database(_ records: [UInt8]) throws -> TempDir {
        let dir = TempDir("d4")
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.close()
        FaultHelpers.write(dir.db + "/data/student.records", records)
        return dir
    }

    private func database(_ records: String) throws -> TempDir { try database(Array(records.utf8)) }

    private let file = "data/student.records"

    /// The open must fail with an error naming `data/student.records:<line>[:<column>]` and the words in
    /// `mentions`, and leave every file as it was.
    private func expectRefused(
        _ records: [UInt8], line: Int, column: Int? = nil, mentions: [String] = [], _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let dir = try database(records)
        let before = dir.snapshot()
        do {
            let db = try Database(path: dir.db)
            Issue.record("\(context): opened with \(try FaultHelpers.state(db))", sourceLocation: sourceLocation)
            try db.close()
        } catch {
            let text = FaultHelpers.text(error)
            let place = "\(file):\(line)" + (column.map { ":\($0)" } ?? "")
            #expect(text.contains(dir.db + "/" + place), "\(context): expected \(place) in: \(text)",
                    sourceLocation: sourceLocation)
            for word in mentions {
                #expect(text.contains(word), "\(context): expected '\(word)' in: \(text)",
                        sourceLocation: sourceLocation)
            }
        }
        #expect(dir.snapshot() == before, "\(context): a refused open changed files", sourceLocation: sourceLocation)
    }

    private func expectRefused(
        _ records: String, line: Int, column: Int? = nil, mentions: [String] = [], _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try expectRefused(Array(records.utf8), line: line, column: column, mentions: mentions, context,
                          sourceLocation: sourceLocation)
    }

    private let ann = #"{"id":1,"name":"Ann","email":"ann@u","gpa":3.0}"#
    private let cid = #"{"id":3,"name":"Cid","email":"cid@u","gpa":1.0}"#

    @Test("D4: a line that is not valid JSON, or not an object, in the middle or at the end (with its newline) is refused at file:line:col")
    func badJSON() throws {
        try expectRefused("\(ann)\n{\"id\":2 \"name\":\"B\",\"email\":\"b@u\"}\n\(cid)\n", line: 2, column: 9,
                          mentions: ["invalid JSON"], "missing comma")
        try expectRefused("\(ann)\n[1,2,3]\n\(cid)\n", line: 2, column: 1, mentions: ["object"], "array line")
        try expectRefused("\(ann)\n42\n\(cid)\n", line: 2, column: 1, mentions: ["object"], "number line")
        try expectRefused("\(ann)\n\(cid)\n{\"id\":4,\"name\":\"D\",\n", line: 3, mentions: ["invalid JSON"],
                          "bad last line that has its newline")
        try expectRefused("\(ann)\n{\"id\":2,\"name\":\"\\uD83D\",\"email\":\"b@u\"}\n\(cid)\n", line: 2,
                          mentions: ["invalid JSON"], "unpaired surrogate escape")
    }

    @Test("D4: a duplicate primary key, a wrong type, null or nothing in NOT NULL are refused at file:line")
    func constraintViolations() throws {
        try expectRefused("\(ann)\n\(cid)\n{\"id\":1,\"name\":\"Again\",\"email\":\"x@u\"}\n", line: 3,
                          mentions: ["id", "1"], "duplicate primary key")
        try expectRefused("\(ann)\n{\"id\":2,\"name\":5,\"email\":\"b@u\"}\n\(cid)\n", line: 2,
                          mentions: ["name", "str"], "int in a str column")
        try expectRefused("\(ann)\n{\"id\":\"two\",\"name\":\"B\",\"email\":\"b@u\"}\n\(cid)\n", line: 2,
                          mentions: ["id", "int"], "str primary key in an int column")
        try expectRefused("\(ann)\n{\"id\":2,\"name\":\"B\",\"gpa\":\"high\"}\n\(cid)\n", line: 2,
                          mentions: ["gpa", "float"], "str in a float column")
        try expectRefused("\(ann)\n{\"id\":2,\"name\":null,\"email\":\"b@u\"}\n\(cid)\n", line: 2,
                          mentions: ["name", "null"], "null in NOT NULL")
        try expectRefused("\(ann)\n{\"id\":2,\"email\":\"b@u\"}\n\(cid)\n", line: 2, mentions: ["name"],
                          "NOT NULL column missing")
        try expectRefused("\(ann)\n{\"name\":\"B\",\"email\":\"b@u\"}\n\(cid)\n", line: 2, mentions: ["id"],
                          "primary key missing")
    }

    @Test("D4: a duplicate UNIQUE value in the records file is refused at file:line of the second occurrence")
    func duplicateUnique() throws {
        try expectRefused("\(ann)\n\(cid)\n{\"id\":4,\"name\":\"D\",\"email\":\"ann@u\"}\n", line: 3,
                          mentions: ["email", "ann@u"], "duplicate UNIQUE value")
    }

    @Test("D4: invalid UTF-8 inside a string is refused at its line")
    func invalidUTF8() throws {
        var bytes = Array("\(ann)\n{\"id\":2,\"name\":\"B".utf8)
        bytes += [0xFF, 0xFE, 0xC3]
        bytes += Array("\",\"email\":\"b@u\"}\n\(cid)\n".utf8)
        try expectRefused(bytes, line: 2, mentions: ["UTF-8"], "invalid UTF-8")
    }

    /// Opens, checks that the open changed no file, and returns the open database.
    private func openUnchanged(_ dir: TempDir, sourceLocation: SourceLocation = #_sourceLocation) throws -> Database {
        let before = dir.snapshot()
        let db = try Database(path: dir.db)
        #expect(dir.snapshot() == before, "an open rewrote files", sourceLocation: sourceLocation)
        return db
    }

    @Test("D4: fields not in the schema are kept, returned, and written back after a rewrite")
    func extraFieldsKept() throws {
        let dir = try database("""
            {"id":1,"name":"Ann","email":"ann@u","gpa":3.0,"nickname":"Annie","tags":[1,{"x":null}]}
            {"gpa":2.0,"email":"bob@u","name":"Bob","id":2}
            \(cid)

            """)
        let db = try openUnchanged(dir)
        #expect(try db.get("student", key: 1)?["nickname"] == "Annie")
        #expect(try db.get("student", key: 2)?["name"] == "Bob")  // any key order
        try db.update("student", key: 1, set: ["gpa": 3.5])
        try db.delete("student", key: 3)
        let summary = try db.save()
        #expect(summary.rewritten["student"] == 2)
        try db.close()
        #expect(dir.lines("db/" + file) == [
            #"{"id":1,"name":"Ann","email":"ann@u","gpa":3.5,"nickname":"Annie","tags":[1,{"x":null}]}"#,
            #"{"id":2,"name":"Bob","email":"bob@u","gpa":2.0}"#,
        ])
        let again = try Database(path: dir.db)
        #expect(try again.get("student", key: 1)?["tags"] == [1, ["x": nil]])
        try again.close()
    }

    @Test("D4: CRLF line ends, a UTF-8 BOM and \\uD83D\\uDE00 escapes are accepted; the next save writes plain LF lines")
    func crlfBomEscapes() throws {
        let escaped = #"{"id":2,"name":"\uD83D\uDE00 \u00e9","email":"b@u"}"#
        let crlf = try database("\(ann)\r\n\(escaped)\r\n\(cid)\r\n")
        var db = try openUnchanged(crlf)
        #expect(try db.count("student") == 3)
        #expect(try db.get("student", key: 2)?["name"] == "😀 é")
        try db.save()
        try db.close()
        #expect(!crlf.read("db/" + file).contains("\r"))
        #expect(crlf.lines("db/" + file)[1] == #"{"id":2,"name":"😀 é","email":"b@u","gpa":0.0}"#)

        let bom = try database([0xEF, 0xBB, 0xBF] + Array("\(ann)\n\(cid)\n".utf8))
        db = try openUnchanged(bom)
        #expect(try db.select("student").map { $0["name"] } == ["Ann", "Cid"])
        try db.save()
        try db.close()
        #expect(bom.bytes("db/" + file).prefix(1) == [UInt8(ascii: "{")])
        #expect(try FaultHelpers.openState(bom.db)["student"]?.count == 2)
    }

    @Test("D4: an empty records file and a missing one are an empty table; the open creates nothing")
    func emptyAndMissing() throws {
        let empty = try database("")
        var db = try openUnchanged(empty)
        #expect(try db.count("student") == 0)
        try db.close()

        let missing = try database("")
        try FileManager.default.removeItem(atPath: missing.db + "/" + file)
        db = try openUnchanged(missing)
        #expect(try db.count("student") == 0)
        #expect(!missing.exists("db/" + file))
        try db.insert("student", ["name": "Ann", "email": "ann@u"])
        try db.save()
        try db.close()
        #expect(missing.lines("db/" + file).count == 1)
    }

    /// Ann and Cid saved and checkpointed (the WAL no longer inserts them), then Dan inserted and appended by a
    /// save: the WAL still inserts Dan.
    private func databaseWithAppend() throws -> TempDir {
        let dir = TempDir("d4")
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["id": 1, "name": "Ann", "email": "ann@u", "gpa": 3.0])
        try db.insert("student", ["id": 3, "name": "Cid", "email": "cid@u", "gpa": 1.0])
        try db.checkpoint()
        try db.insert("student", ["id": 4, "name": "Dan", "email": "dan@u", "gpa": 2.0])
        #expect(try db.save().appended["student"] == 1)
        try db.close()
        return dir
    }

    @Test("D4: a torn last line without a newline, appended by a save whose INSERT the WAL holds, is a torn append: ignored with a warning naming the line, its bytes kept in quarantine/, the WAL restores the record, and the records file is not touched at open")
    func tornLastRecord() throws {
        let dir = try databaseWithAppend()
        let saved = dir.lines("db/" + file)
        #expect(saved.count == 3 && saved[2].hasPrefix(#"{"id":4,"name":"Da"#))
        dir.write("db/" + file, saved[0] + "\n" + saved[1] + "\n" + #"{"id":4,"name":"Da"#)
        let before = dir.snapshot()
        let db = try Database(path: dir.db)
        let after = dir.snapshot()
        #expect(after.filter { !$0.key.contains("quarantine/") } == before, "an open rewrote files")
        let kept = after.filter { $0.key.contains("quarantine/") }
        #expect(kept.count == 1 && kept.values.first == Array("{\"id\":4,\"name\":\"Da\n".utf8), "R13: \(kept.keys)")
        #expect(try db.count("student") == 3)
        #expect(try db.get("student", key: 4)?["name"] == "Dan", "the WAL restores the torn record")
        #expect(db.warnings.contains { $0.contains(file) && $0.contains("line 3") }, "\(db.warnings)")
        try db.insert("student", ["name": "Eve", "email": "eve@u"])
        let summary = try db.save()
        #expect(summary.rewritten["student"] == 4, "a torn file must be rewritten, never appended to: \(summary)")
        try db.close()
        #expect(FaultHelpers.fileProblems(dir.db).isEmpty)
    }

    @Test("D4: an incomplete last records line (or NULs without a newline) with no INSERT of the table in the WAL is damage to a saved record, not a torn append: a writer refuses naming file, line, byte and `linedb recover DB`, changing nothing; check reports the same problem; a reader warns and shows the records before it; recover sets the line aside")
    func cutSavedRecordIsDamage() throws {
        // The records file as the database helper writes it: the WAL holds only the CREATE_TABLE line.
        let cut = "\(ann)\n\(cid)\n{\"id\":4,\"name\":\"Da"
        let nulTail = Array("\(ann)\n\(cid)\n".utf8) + [UInt8](repeating: 0, count: 30)
        for (label, records, kept) in [
            ("cut record", Array(cut.utf8), Array("{\"id\":4,\"name\":\"Da\n".utf8)),
            ("NULs at the end", nulTail, nil),
        ] {
            let offset = ann.utf8.count + cid.utf8.count + 2
            try expectRefused(records, line: 3, mentions: ["(byte \(offset))", "no INSERT", "linedb recover DB"], "\(label)")
            let dir = try database(records)
            let before = dir.snapshot()
            let report = Database.check(path: dir.db)
            #expect(report.problems.count == 1 && report.problems.first?.file == file
                    && report.problems.first?.line == 3 && report.problems.first?.byteOffset == offset,
                    "\(label): \(report.findings)")
            var readOnly = DatabaseOptions()
            readOnly.readOnly = true
            let reader = try Database(path: dir.db, options: readOnly)
            #expect(try reader.count("student") == 2, "\(label)")
            #expect(reader.warnings.contains { $0.contains(file + " line 3 (byte \(offset))") && $0.contains("linedb recover DB") },
                    "\(label): \(reader.warnings)")
            try reader.close()
            #expect(dir.snapshot() == before, "\(label): check or a reader changed files")

            var salvage = DatabaseOptions()
            salvage.salvage = true
            let recovered = try Database(path: dir.db, options: salvage)
            #expect(try recovered.count("student") == 2, "\(label)")
            try recovered.save()
            try recovered.close()
            let quarantined = dir.list("db/quarantine")
            #expect(quarantined.count == (kept == nil ? 0 : 1), "\(label): \(quarantined)")
            if let kept { #expect(quarantined.first.map { dir.bytes("db/quarantine/" + $0) } == kept, "\(label)") }
            #expect(dir.lines("db/" + file) == [ann, cid], "\(label)")
            #expect(Database.check(path: dir.db).isHealthy, "\(label)")
            let db = try Database(path: dir.db)
            #expect(try db.count("student") == 2, "\(label)")
            try db.close()
        }
    }

    @Test("D4: the same rule for a seed (Python) database, whose WAL lines have no lsn or crc: a cut last line is a torn append when the seed WAL inserts into the table, damage when it does not or when the WAL is missing")
    func seedDatabaseCutLine() throws {
        let records = Array(SeedFiles.studentRecords.utf8.dropLast(12))  // cuts Zoe's line
        for (label, wal, opens) in [
            ("seed WAL with an INSERT", Optional(String(SeedFiles.unsavedLog.split(separator: "\n")[0]) + "\n"), true),
            ("seed WAL without an INSERT", Optional(String(SeedFiles.unsavedLog.split(separator: "\n")[2]) + "\n"), false),
            ("no WAL at all", nil, false),
        ] {
            let dir = TempDir("d4-seed")
            for sub in ["schema", "data", "wal"] {
                try FileManager.default.createDirectory(atPath: dir.db + "/" + sub, withIntermediateDirectories: true)
            }
            dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
            FaultHelpers.write(dir.db + "/" + file, records)
            if let wal { dir.write("db/wal/transaction.log", wal) }
            let before = dir.snapshot()
            let report = Database.check(path: dir.db)
            #expect(report.isHealthy == opens, "\(label): \(report.findings)")
            do {
                let db = try Database(path: dir.db)
                #expect(opens, "\(label): opened")
                #expect(db.warnings.contains { $0.contains(file + " line 3") && $0.contains("torn append") },
                        "\(label): \(db.warnings)")
                try db.close()
            } catch {
                #expect(!opens, "\(label): \(error)")
                #expect(FaultHelpers.text(error).contains(file + ":3"), "\(label): \(error)")
                #expect(dir.snapshot() == before, "\(label): a refused open changed files")
            }
        }
    }

    @Test("D4: a 20 MB line does not crash the open: it loads whole or is refused clearly")
    func hugeLine() throws {
        let big = String(repeating: "abcdefghij", count: 2_000_000)
        let dir = try database("\(ann)\n{\"id\":2,\"name\":\"\(big)\",\"email\":\"big@u\"}\n\(cid)\n")
        let before = dir.snapshot()
        do {
            let db = try Database(path: dir.db)
            #expect(try db.count("student") == 3)
            #expect(try db.get("student", key: 2)?["name"]?.stringValue?.utf8.count == big.utf8.count)
            #expect(try db.get("student", key: 3)?["name"] == "Cid")
            try db.close()
        } catch {
            let text = FaultHelpers.text(error)
            #expect(text.contains(file + ":2"), "\(text)")
            #expect(dir.snapshot() == before)
        }
    }
}
