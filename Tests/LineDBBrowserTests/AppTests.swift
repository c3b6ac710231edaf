import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// A terminal whose script can run code between keys (another writer, a resize).
final class ScriptedTerminal: Terminal {
    enum Step {
        case key(Key)
        case run(() throws -> Void)
        /// Lets the app poll the WAL once (a `nil` key).
        case tick
    }

    var size: (rows: Int, columns: Int)
    private var steps: [Step]
    private(set) var frames: [ScreenGrid] = []

    init(rows: Int = 24, columns: Int = 80, _ steps: [Step]) {
        size = (rows, columns)
        self.steps = steps
    }

    func draw(_ grid: ScreenGrid) { frames.append(grid) }

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        // A look for keys typed ahead (no wait) does not run the code between keys.
        if timeoutMilliseconds == 0, let step = steps.first, case .key = step {} else if timeoutMilliseconds == 0 {
            return nil
        }
        while !steps.isEmpty {
            switch steps.removeFirst() {
            case .key(let key): return key
            case .run(let body): try! body()
            case .tick: return nil
            }
        }
        return .character("q")
    }

    var screen: [String] { frames.last?.lines ?? [] }
}

@Suite("Browser app against a database on disk")
struct AppTests {
    @Test("editing a cell and pressing s writes one transaction to the WAL and the records file")
    func editAndSave() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let terminal = MemoryTerminal(rows: 24, columns: 80)
        terminal.type([.enter, .right, .character("e"), .control("u")] + keys("Ada") + [.enter, .character("s")])
        let app = BrowserApp(database: db)
        #expect(try app.run(on: terminal) == .inputClosed)
        let lines = terminal.screen.split(separator: "\n").map(String.init)
        let status = statusArea(try #require(terminal.frames.last))
        #expect(status.contains("saved 1 change"))
        #expect(!status.contains("pending"))
        let records = dir.read("db/data/student.records").split(separator: "\n")
        #expect(unpadded(records.first) == #"{"id":1,"name":"Ada","email":"s1@uni.edu","gpa":2.0,"born":"2001-02-01"}"#)
        let wal = try db.walEntries()
        let update = try #require(wal.last { $0.operation == "UPDATE" })
        #expect(update.record.objectValue?["name"] == "Ada" && update.oldRecord.objectValue?["name"] == "Alice")
        #expect(update.txn != nil)  // one transaction
        #expect(wal.last?.operation == "COMMIT")
        // The WAL pane shows the entries of the save.
        #expect(lines.contains { $0.contains("UPDATE") && $0.contains("\"Alice\" → \"Ada\"") })
        // Reopening shows the change.
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.get("student", key: 1)?["name"] == "Ada")
    }

    @Test("add and delete are saved together; a refused save writes nothing")
    func addDeleteSave() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let terminal = MemoryTerminal(rows: 24, columns: 80)
        terminal.type([.enter, .character("a")] + keys("Grace") + [.enter, .character("g"), .character("d"),
                                                                    .character("y"), .control("s")])
        _ = try BrowserApp(database: db).run(on: terminal)
        #expect(try db.count("student") == 10)
        #expect(try db.get("student", key: 1) == nil)
        #expect(try db.get("student", key: 11)?["name"] == "Grace")
        let records = dir.read("db/data/student.records")
        #expect(records.contains("Grace") && !records.contains("\"id\":1,"))
        #expect(terminal.screen.contains("saved 2 changes"))
    }

    @Test("q with unsaved changes asks; s saves and quits")
    func quitSaving() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let terminal = MemoryTerminal(rows: 24, columns: 80)
        terminal.type([.enter, .right, .character("e")] + keys("!") + [.enter, .character("q")])
        let app = BrowserApp(database: db)
        #expect(try app.run(on: terminal) == .inputClosed)  // it asked, nothing answered
        #expect(terminal.screen.contains("1 unsaved change: s save and quit"))
        let third = MemoryTerminal(rows: 24, columns: 80,
                                   keys: [.enter, .right, .character("e")] + keys("!") + [.enter, .character("q"),
                                                                                          .character("s")])
        #expect(try BrowserApp(database: db).run(on: third) == .quit)
        #expect(try db.get("student", key: 1)?["name"] == "Alice!")
        #expect(dir.read("db/data/student.records").contains("Alice!"))
    }

    @Test("x exports the table in the chosen format to a path with a default; c checkpoints after confirmation")
    func exportAndCheckpoint() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let path = dir.path + "/students.csv"
        let terminal = MemoryTerminal(rows: 24, columns: 80)
        terminal.type([.character("x"), .character("c")])
        _ = try BrowserApp(database: db).run(on: terminal)
        #expect(terminal.screen.contains("Export as csv to: ./student.csv"))
        terminal.type([.escape, .character("x"), .character("c"), .control("u")] + keys(path) + [.enter])
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        #expect(app.state?.message == "exported 10 records of student to \(path) (csv)")
        #expect(statusArea(try #require(terminal.frames.last)).contains("exported 10 records of student to /tmp/"))
        let csv = dir.read("students.csv").split(separator: "\n")
        #expect(csv.first == "id,name,email,gpa,born" && csv.count == 11)
        terminal.type([.character("c")])
        _ = try BrowserApp(database: db).run(on: terminal)
        #expect(terminal.screen.contains("Checkpoint: save every table, archive the WAL"))
        terminal.type([.character("c"), .character("y")])
        _ = try BrowserApp(database: db).run(on: terminal)
        #expect(terminal.screen.contains("checkpoint done"))
        #expect(dir.list("db/wal").contains { $0.hasPrefix("transaction.") && $0 != "transaction.log" })
    }

    @Test("read-only: follows another writer live, keeping the cursor on the same record")
    func followWriter() throws {
        let dir = BrowserTempDir()
        let writer = try Fixture.saved(in: dir)
        let reader = try Fixture.reader(in: dir)
        #expect(reader.isReadOnly)
        let terminal = ScriptedTerminal([
            .key(.enter), .key(.down), .key(.down),  // cursor on Zoë (key 3)
            .run { try writer.insert("student", ["id": 0, "name": "Zero", "email": "z@uni.edu"]) },
            .tick,
            .run { try writer.update("student", key: 3, set: ["name": "Zoé"]) },
            .tick,
            .key(.character("e")),
            .run { _ = try writer.checkpoint() },
            .run { try writer.delete("student", key: 10) },
            .tick,
            .key(.escape),
        ])
        let app = BrowserApp(database: reader)
        #expect(try app.run(on: terminal) == .quit)
        let state = try #require(app.state)
        #expect(state.table?.rows.count == 10)  // +1 inserted, -1 deleted after the checkpoint
        #expect(state.currentRow?[1] == "Zoé")  // the cursor followed key 3 past the insert above it
        let screen = terminal.screen.joined(separator: "\n")
        #expect(screen.contains("Zero") && screen.contains("Zoé"))
        #expect(screen.contains("RO"))
        #expect(screen.contains("DELETE"))
        // The edit attempt was refused with a message.
        let refused = terminal.frames.contains { $0.text.contains("read-only: this browser cannot change") }
        #expect(refused)
    }

    @Test("the WAL pane tails the log (time, operation, table, key, change) and its cursor scrolls back when focused")
    func walPane() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        try db.update("teacher", key: "T2", set: ["name": "Grace Hopper"])
        let terminal = MemoryTerminal(rows: 24, columns: 100)
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        var lines = terminal.screen.split(separator: "\n").map(String.init)
        let title = try #require(lines.firstIndex { $0.hasPrefix(" WAL: ") })
        let last = lines[21]
        #expect(last.contains("UPDATE  teacher      code=T2  name: \"Hopper\" → \"Grace Hopper\""))
        #expect(last.range(of: #"^ \d\d:\d\d:\d\d UPDATE"#, options: .regularExpression) != nil)
        #expect(title == 16)
        // The pane's cursor (5 lines shown) goes up 6 entries: the pane scrolls back by 2.
        terminal.type([.tab, .tab] + Array(repeating: .character("k"), count: 6))
        let scrolled = BrowserApp(database: db)
        _ = try scrolled.run(on: terminal)
        lines = terminal.screen.split(separator: "\n").map(String.init)
        let count = try #require(scrolled.state?.wal.count)
        #expect(scrolled.state?.focus == .wal && scrolled.state?.walPane.cursor == count - 7)
        #expect(!lines[21].contains("Grace Hopper") && lines[21].contains("INSERT  teacher      code=T1"))
        #expect(lines[17].hasPrefix("▶"))
    }
}
