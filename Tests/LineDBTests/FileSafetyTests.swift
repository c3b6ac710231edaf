import Foundation
import Testing
@testable import LineDB

/// Issue 12, items 5, 6 and 13: nothing outside the database is written (symbolic links are refused, directories
/// are followed), export creates no directory, a write-protected records file makes its table read-only, and a
/// database on a read-only file system opens read-only when asked to fall back.
@Suite("File safety: symbolic links, export directories, read-only files and file systems")
struct FileSafetyTests {
    /// A closed database with table `student` (2 records saved), a checkpoint archive in `wal/`, and one more
    /// record only in the WAL.
    private static func makeDatabase(_ dir: TempDir) throws {
        let db = try Database(path: dir.db)
        try db.createTable(studentSchema)
        try db.insert("student", ["name": "Ann", "email": "ann@u.edu"])
        try db.insert("student", ["name": "Ben", "email": "ben@u.edu"])
        try db.checkpoint()
        try db.insert("student", ["name": "Cy", "email": "cy@u.edu"])
        try db.close()
    }

    /// Moves `relative` (inside the database) out to `outside/<name>` and puts a symbolic link to it in its place.
    /// Returns the outside file's path.
    @discardableResult
    private static func replaceWithLink(_ dir: TempDir, _ relative: String, content: String? = nil) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path + "/outside", withIntermediateDirectories: true)
        let inside = dir.db + "/" + relative
        let outside = dir.path + "/outside/" + (relative as NSString).lastPathComponent
        if let content {
            try? fm.removeItem(atPath: inside)
            try content.write(toFile: outside, atomically: false, encoding: .utf8)
        } else {
            try fm.moveItem(atPath: inside, toPath: outside)
        }
        try fm.createSymbolicLink(atPath: inside, withDestinationPath: outside)
        return outside
    }

    private static func archiveName(_ dir: TempDir) throws -> String {
        try #require(dir.list("db/wal").first { $0 != "transaction.log" && $0.hasPrefix("transaction.") })
    }

    // MARK: - Item 5: symbolic links

    @Test(
        "a database file that is a symbolic link: a writer refuses to open, naming it; the file outside is unchanged",
        arguments: [".lock", "data/student.records", "wal/transaction.log", "ARCHIVE", "schema/student.schema.json",
                    "quarantine/q.bin"])
    func writerRefusesLinkedFile(kind: String) throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        let relative = kind == "ARCHIVE" ? "wal/" + (try Self.archiveName(dir)) : kind
        if kind.hasPrefix("quarantine/") {
            try FileManager.default.createDirectory(atPath: dir.db + "/quarantine", withIntermediateDirectories: true)
        }
        let outside = try Self.replaceWithLink(
            dir, relative, content: kind == ".lock" || kind.hasPrefix("quarantine/") ? "precious\n" : nil)
        let before = dir.bytes("outside/" + (relative as NSString).lastPathComponent)
        do {
            let db = try Database(path: dir.db)
            // Old code: the open succeeded; this write then went through the link.
            _ = try? db.insert("student", ["name": "Dee", "email": "dee@u.edu"])
            _ = try? db.save()
            _ = try? db.checkpoint()
            try? db.close()
            Issue.record("the open of a database whose \(relative) is a symbolic link succeeded")
        } catch {
            let message = error.description
            #expect(message.contains(dir.db + "/" + relative) && message.contains("is a symbolic link"), "\(message)")
            #expect(message.contains(outside), "the message names the target: \(message)")
            let hint = kind == ".lock" ? "remove the link (rm \(dir.db)/.lock)" : "replace the link with a copy of the file"
            #expect(message.contains(hint), "the message says what to do: \(message)")
        }
        #expect(dir.bytes("outside/" + (relative as NSString).lastPathComponent) == before)
        let still = try FileManager.default.destinationOfSymbolicLink(atPath: dir.db + "/" + relative)
        #expect(still == outside, "the link itself is left as it was")
    }

    @Test("fuzz: 60 random sets of linked or dangling database files; a writer opens only without links, and nothing outside changes")
    func fuzzLinks() throws {
        let template = TempDir()
        try Self.makeDatabase(template)
        let archive = "wal/" + (try Self.archiveName(template))
        let kinds = [".lock", "data/student.records", "wal/transaction.log", archive, "schema/student.schema.json"]
        var rng = SeededRandom(seed: 12_005)
        var refused = 0
        for round in 0..<60 {
            let dir = TempDir()
            try FileManager.default.removeItem(atPath: dir.path)
            FaultHelpers.copyTree(template.path, to: dir.path)
            let fm = FileManager.default
            try fm.createDirectory(atPath: dir.path + "/outside", withIntermediateDirectories: true)
            var links: [String] = []
            for (i, kind) in kinds.enumerated() where Int.random(in: 0..<10, using: &rng) < 3 {
                let inside = dir.db + "/" + kind
                let outside = dir.path + "/outside/f\(i)"
                if Bool.random(using: &rng) {
                    try? fm.moveItem(atPath: inside, toPath: outside)  // a link to the real content
                } else {
                    try? fm.removeItem(atPath: inside)  // a dangling link: its target must never be created
                }
                try fm.createSymbolicLink(atPath: inside, withDestinationPath: outside)
                links.append(inside)
            }
            let before = FaultHelpers.snapshot(dir.path + "/outside")
            do {
                let db = try Database(path: dir.db)
                #expect(links.isEmpty, "round \(round): a writer opened with links \(links)")
                _ = try? db.insert("student", ["name": .string("R\(round)"), "email": .string("r\(round)@u.edu")])
                if Bool.random(using: &rng) { _ = try? db.save() } else { _ = try? db.checkpoint() }
                try db.close()
            } catch {
                #expect(!links.isEmpty, "round \(round): \(error)")
                #expect(links.contains { error.description.hasPrefix($0 + ": is a symbolic link") }, "round \(round): \(error)")
                refused += 1
            }
            // A reader writes nothing either (a dangling link reads as a missing file).
            if let reader = try? Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true)) {
                try reader.close()
            }
            #expect(FaultHelpers.snapshot(dir.path + "/outside") == before, "round \(round): links \(links)")
            #expect(FaultHelpers.list(dir.path + "/outside").count == before.count, "round \(round): a target was created")
        }
        #expect(refused > 20 && refused < 60, "refused \(refused) of 60: the rounds should mix both cases")
    }

    @Test("a dangling .lock link: refused, and its target is not created")
    func danglingLockLink() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        try FileManager.default.removeItem(atPath: dir.db + "/.lock")
        try FileManager.default.createSymbolicLink(atPath: dir.db + "/.lock", withDestinationPath: dir.path + "/made")
        #expect(throws: LineDBError.self) { try Database(path: dir.db) }
        #expect(!dir.exists("made"))
    }

    @Test("a reader opens through a linked records file, WAL or schema (reading is harmless), with a warning each")
    func readerReadsThroughLinks() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        for relative in ["data/student.records", "wal/transaction.log", "schema/student.schema.json"] {
            try Self.replaceWithLink(dir, relative)
        }
        let before = FaultHelpers.snapshot(dir.path + "/outside")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try db.count("student") == 3)
        for relative in ["data/student.records", "wal/transaction.log", "schema/student.schema.json"] {
            #expect(db.warnings.contains { $0.contains(dir.db + "/" + relative) && $0.contains("symbolic link") },
                "\(db.warnings)")
        }
        try db.close()
        #expect(FaultHelpers.snapshot(dir.path + "/outside") == before)
    }

    @Test("a linked directory (data/ on another disk) is followed: the database works and writes there")
    func linkedDirectoryIsFollowed() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        let fm = FileManager.default
        try fm.moveItem(atPath: dir.db + "/data", toPath: dir.path + "/elsewhere")
        try fm.createSymbolicLink(atPath: dir.db + "/data", withDestinationPath: dir.path + "/elsewhere")
        let db = try Database(path: dir.db)
        try db.insert("student", ["name": "Dee", "email": "dee@u.edu"])
        try db.save()
        try db.close()
        #expect(dir.lines("elsewhere/student.records").count == 4)
    }

    @Test("a link that is not one of the database's files (data/notes.txt) is left alone: the writer opens")
    func foreignLinkIgnored() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        dir.write("notes.txt", "mine\n")
        try FileManager.default.createSymbolicLink(atPath: dir.db + "/data/notes.txt", withDestinationPath: dir.path + "/notes.txt")
        let db = try Database(path: dir.db)
        try db.insert("student", ["name": "Dee", "email": "dee@u.edu"])
        try db.checkpoint()
        try db.close()
        #expect(dir.read("notes.txt") == "mine\n")
    }

    @Test("a durable replace (export) refuses a symbolic link at the target and leaves its target unchanged")
    func durableReplaceRefusesLink() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        dir.write("target.json", "keep me\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.json", withDestinationPath: dir.path + "/target.json")
        let db = try Database(path: dir.db)
        defer { try? db.close() }
        #expect {
            try db.export("student", to: dir.path + "/link.json")
        } throws: { error in
            "\(error)".contains(dir.path + "/link.json") && "\(error)".contains("symbolic link")
                && "\(error)".contains("give the path of the file itself")
        }
        #expect(dir.read("target.json") == "keep me\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir.path + "/link.json")) != nil)
        #expect(dir.list("").filter { $0.contains("tmp") }.isEmpty, "no temporary file left: \(dir.list(""))")
    }

    // MARK: - Item 6: export creates no directory

    @Test("export to a missing directory: an error naming it, and nothing is created")
    func exportMissingDirectory() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        let db = try Database(path: dir.db)
        defer { try? db.close() }
        for format in ExportFormat.allCases {
            #expect {
                try db.export("student", to: dir.path + "/missing/deeper/out.\(format.rawValue)", format: format)
            } throws: { error in
                "\(error)".contains("the directory \(dir.path)/missing/deeper does not exist")
            }
        }
        #expect(!dir.exists("missing"))
        dir.write("plain", "a file\n")
        #expect {
            try db.export("student", to: dir.path + "/plain/out.json")
        } throws: { error in "\(error)".contains("\(dir.path)/plain is not a directory") }
        #expect(dir.read("plain") == "a file\n")
    }

    // MARK: - Item 13: write-protected records files

    private static func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test("a write-protected records file makes its table read-only: writes refused naming the file, others work")
    func writeProtectedTableAtOpen() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        let db0 = try Database(path: dir.db)
        try db0.createTable(TableSchema("other", columns: [Column("id", .int, primaryKey: true)]))
        try db0.checkpoint()
        try db0.close()
        let file = dir.db + "/data/student.records"
        try Self.chmod(file, 0o444)
        defer { try? Self.chmod(file, 0o644) }
        let before = dir.bytes("db/data/student.records")
        let db = try Database(path: dir.db)
        #expect(db.warnings.contains { $0.contains(file) && $0.contains("write-protected") }, "\(db.warnings)")
        for attempt in [
            { _ = try db.insert("student", ["name": "Dee", "email": "dee@u.edu"]) },
            { _ = try db.update("student", key: 1, set: ["name": "Anna"]) },
            { _ = try db.delete("student", key: 1) },
            { try db.dropTable("student") },
        ] as [() throws -> Void] {
            #expect {
                try attempt()
            } throws: { error in
                "\(error)".contains("read-only") && "\(error)".contains(file) && "\(error)".contains("write-protected")
            }
        }
        try db.insert("other", ["id": 1])
        try db.checkpoint()
        try db.close()
        #expect(dir.bytes("db/data/student.records") == before)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o444)
        #expect(dir.lines("db/data/other.records") == [#"{"id":1}"#])
    }

    @Test(
        "a records file write-protected after the open: a save refuses before writing, for an append and a rewrite",
        arguments: ["append", "rewrite"])
    func writeProtectedAtSave(change: String) throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        let db = try Database(path: dir.db)
        defer { try? db.close() }
        try db.save()
        let file = dir.db + "/data/student.records"
        if change == "append" {
            try db.insert("student", ["name": "Dee", "email": "dee@u.edu"])
        } else {
            _ = try db.update("student", key: 1, set: ["name": "Anna"])
        }
        try Self.chmod(file, 0o444)
        defer { try? Self.chmod(file, 0o644) }
        let before = dir.bytes("db/data/student.records")
        #expect {
            try db.save()
        } throws: { error in
            "\(error)".contains("read-only") && "\(error)".contains(file) && "\(error)".contains("write-protected")
        }
        #expect(throws: LineDBError.self) { try db.checkpoint() }
        #expect(dir.bytes("db/data/student.records") == before)
        #expect(dir.list("db/data") == ["student.records"])
        try Self.chmod(file, 0o644)
        try db.save()  // the change was kept (in the WAL and in memory): it is saved once the file is writable
        #expect(dir.read("db/data/student.records").contains(change == "append" ? "Dee" : "Anna"))
    }

    // MARK: - Item 13: a read-only file system

    @Test("a database that cannot be written opens read-only with readOnlyIfLocked and says why; otherwise refused")
    func readOnlyFileSystem() throws {
        let dir = TempDir()
        try Self.makeDatabase(dir)
        guard let ro = ReadOnlyFileSystem(making: dir.db) else {
            print("skipped: \(ReadOnlyFileSystem.skipReason)")
            return
        }
        defer { withExtendedLifetime((dir, ro)) {} }  // unmounted (or made writable) before the directory goes
        let before = FaultHelpers.snapshot(dir.db)
        var options = DatabaseOptions()
        options.readOnlyIfLocked = true
        let db = try Database(path: ro.path, options: options)
        #expect(db.isReadOnly)
        let expected = ro.errno == EROFS ? "read-only file system" : "cannot be written"
        guard case .unwritable(let reason) = db.readOnlyCause else {
            Issue.record("readOnlyCause is \(String(describing: db.readOnlyCause))")
            return
        }
        #expect(reason.contains(ro.path) && reason.contains(expected), "\(reason)")
        #expect(db.warnings.contains { $0.contains(reason) && $0.contains("opened read-only") }, "\(db.warnings)")
        #expect(try db.count("student") == 3)
        #expect {
            _ = try db.insert("student", ["name": "Dee", "email": "dee@u.edu"])
        } throws: { error in "\(error)" == "read-only: \(reason)" }
        try db.close()
        // Without the fallback (a command that writes): a clear refusal, not an errno from deep inside.
        #expect {
            try Database(path: ro.path)
        } throws: { error in
            "\(error)".hasPrefix("read-only: ") && "\(error)".contains(expected)
        }
        #expect(FaultHelpers.snapshot(dir.db) == before)
    }
}
