import Foundation
import LineDB
import Testing

@testable import LineDBBrowser

@Suite("Export questions, the WAL pane's keys and following the WAL while keys keep coming")
struct ExportAndFollowTests {
    @Test("x to an existing file asks before replacing it: n leaves it, y replaces it; the status names the absolute path")
    func exportOverwrite() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let path = dir.path + "/students.jsonl"
        try "keep me\n".write(toFile: path, atomically: true, encoding: .utf8)
        // A relative path with `..` is resolved against the current directory.
        let relative = dir.path + "/sub/../students.jsonl"
        let ask: [Key] = [.character("x"), .character("l"), .control("u")] + keys(relative) + [.enter]
        let terminal = MemoryTerminal(rows: 24, columns: 120)
        terminal.type(ask)
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        #expect(app.state?.mode == .confirm(.overwriteExport(table: "student", path: path, format: .jsonl)))
        #expect(terminal.screen.contains("\(path) exists: replace it? y yes, n no"))

        let no = MemoryTerminal(rows: 24, columns: 120)
        no.type(ask + [.character("n")])
        let kept = BrowserApp(database: db)
        _ = try kept.run(on: no)
        #expect(kept.state?.message == "export cancelled: \(path) left as it was")
        #expect(dir.read("students.jsonl") == "keep me\n")

        let yes = MemoryTerminal(rows: 24, columns: 120)
        yes.type(ask + [.character("y")])
        let replaced = BrowserApp(database: db)
        _ = try replaced.run(on: yes)
        #expect(replaced.state?.message == "exported 10 records of student to \(path) (jsonl)")
        #expect(dir.read("students.jsonl").split(separator: "\n").count == 10)
    }

    @Test("export says what it leaves out: the question and the result count the unsaved changes of the table")
    func exportWithPendingChanges() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let path = dir.path + "/out.csv"
        let deleteOne: [Key] = [.enter, .character("d"), .character("y")]
        let terminal = MemoryTerminal(rows: 24, columns: 140)
        terminal.type(deleteOne + [.character("x")])
        _ = try BrowserApp(database: db).run(on: terminal)
        #expect(terminal.screen.contains(
            "Export all of student (as saved: 1 unsaved change not included): j JSON, l JSONL, c CSV, t TSV, m MD, v view, Esc cancel"))
        let export = MemoryTerminal(rows: 24, columns: 140)
        export.type(deleteOne + [.character("x"), .character("c"), .control("u")] + keys(path) + [.enter])
        let app = BrowserApp(database: db)
        _ = try app.run(on: export)
        #expect(app.state?.message == "exported 10 records of student to \(path) (csv); 1 unsaved change not included")
        let cancel = MemoryTerminal(rows: 24, columns: 140)
        cancel.type([.character("x"), .escape])
        let cancelled = BrowserApp(database: db)
        _ = try cancelled.run(on: cancel)
        #expect(cancelled.state?.message == "export cancelled")
    }

    @Test("x to a directory is refused with a message; nothing is asked or written")
    func exportToDirectory() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let terminal = MemoryTerminal(rows: 24, columns: 140)
        terminal.type([.character("x"), .character("c"), .control("u")] + keys(dir.path) + [.enter])
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        #expect(app.state?.mode == .normal)
        #expect(app.state?.message == "export: \(dir.path) is a directory; give a file name (x to try again)")
        #expect(app.state?.messageIsError == true)
    }

    @Test("x to a file in a missing directory: the engine's error in the status line, and no directory is created")
    func exportToMissingDirectory() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let path = dir.path + "/nonexistent/dir/out.csv"
        let terminal = MemoryTerminal(rows: 24, columns: 240)
        terminal.type([.character("x"), .character("c"), .control("u")] + keys(path) + [.enter])
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        #expect(app.state?.message == "export failed: cannot export to \(path): the directory \(dir.path)/nonexistent/dir "
            + "does not exist (create it first); nothing was written")
        #expect(app.state?.messageIsError == true)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/nonexistent"))
    }

    @Test("~ in the export path is the home directory")
    func exportTilde() {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        #expect(BrowserApp.absolutePath("~/x.csv") == URL(fileURLWithPath: home + "/x.csv").standardizedFileURL.path)
        #expect(BrowserApp.absolutePath("/a/b/../c.json") == "/a/c.json")
        #expect(BrowserApp.absolutePath("c.json") == FileManager.default.currentDirectoryPath + "/c.json")
    }

    @Test("the WAL pane names an entry by its table's primary key, also when the key is not the first column")
    func walPaneKeyColumn() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        try db.createTable(TableSchema("room", columns: [Column("seats", .int), Column("code", .str, primaryKey: true)]))
        try db.insert("room", ["seats": 30, "code": "R1"])
        try db.update("room", key: "R1", set: ["seats": 40])
        let terminal = MemoryTerminal(rows: 24, columns: 100)
        _ = try BrowserApp(database: db).run(on: terminal)
        let lines = terminal.screen.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("INSERT  room         code=R1  {") })
        #expect(lines.contains { $0.contains("UPDATE  room         code=R1  seats: 30 → 40") })
        #expect(!lines.contains { $0.contains("seats=30") })
    }

    @Test("while keys keep coming (a held j), the WAL pane and a read-only grid still follow the writer within a tick")
    func followWhileTyping() throws {
        let dir = BrowserTempDir()
        let writer = try Fixture.saved(in: dir)
        let reader = try Fixture.reader(in: dir)
        #expect(reader.isReadOnly)
        // 30 keys 20 ms apart (600 ms) and never a pause for the wait to time out; the writer inserts first.
        var steps: [ScriptedTerminal.Step] = [
            .key(.enter), .run { try writer.insert("student", ["name": "Zero", "email": "zero@uni.edu"]) },
        ]
        for _ in 0..<30 {
            steps += [.run { usleep(20_000) }, .key(.character(steps.count % 2 == 0 ? "j" : "k"))]
        }
        steps.append(.key(.character("q")))
        let terminal = ScriptedTerminal(rows: 24, columns: 120, steps)
        let app = BrowserApp(database: reader)
        app.tickMilliseconds = 150
        #expect(try app.run(on: terminal) == .quit)
        // Seen before the keys stopped: the last frame drawn before q is one of the held key's.
        let seen = terminal.frames.dropLast().contains { frame in
            frame.lines.contains { $0.contains("INSERT  student") && $0.contains("Zero") }
        }
        #expect(seen, "the WAL pane never showed the writer's insert while keys kept coming")
        #expect(app.state?.table?.rows.count == 11)
    }

    @Test("a refused edit says why the browser is read-only: another process writes, or read-only was asked for")
    func readOnlyReason() throws {
        let dir = BrowserTempDir()
        let writer = try Fixture.saved(in: dir)
        let beside = MemoryTerminal(rows: 24, columns: 120)
        beside.type([.enter, .character("e")])
        let besideApp = BrowserApp(database: try Fixture.reader(in: dir))
        _ = try besideApp.run(on: beside)
        #expect(besideApp.state?.message
            == "read-only: this browser cannot change the database (another process writes it)")
        try writer.close()
        let asked = MemoryTerminal(rows: 24, columns: 120)
        asked.type([.enter, .character("e")])
        let askedApp = BrowserApp(database: try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true)))
        _ = try askedApp.run(on: asked)
        #expect(askedApp.state?.message == "read-only: this browser cannot change the database (opened read-only)")
    }
}
