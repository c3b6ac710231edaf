import Foundation
import LineDB
import Testing

@testable import LineDBBrowser
import LineDBTestSupport

/// The as-of view (issue 15, "In the browser"): the database as of a WAL entry in the panes, read-only, marked
/// where it differs from now; `,` `.` step one entry; `=` the diff to now as a sheet; Esc back to now.
@Suite("The as-of view: the database as of a WAL entry")
struct AsOfViewTests {
    /// The fixture, saved, then three changes: Bob (id 6) renamed Robert, Carol (id 7) deleted, Newcomer inserted.
    /// Returns the database, the WAL's entries and the LSN just before the rename.
    static func edited(in dir: BrowserTempDir) throws -> (Database, [WALEntry], Int) {
        let db = try Fixture.saved(in: dir)
        let before = try db.historyFiles().reach.latestLSN
        try db.update("student", key: 6, set: ["name": "Robert"])
        try db.delete("student", key: 7)
        try db.insert("student", ["name": "Newcomer", "email": "new@uni.edu"])
        return (db, try WALPaneTests.entries(of: dir), before)
    }

    /// Carries out the as-of builds the keys asked for, as the app does on its thread.
    static func build(_ d: inout Driver, _ db: Database) throws {
        let effects = d.effects
        d.effects = []
        for case .buildAsOf(let moment, let generation) in effects {
            d.state.asOfBuilt(try db.pastStepper(asOf: moment), generation: generation, context: db)
        }
        d.state.scrollToCursor()
    }

    /// The WAL pane focused, every entry in it, the cursor on the entry with `lsn`.
    static func onEntry(_ db: Database, _ all: [WALEntry], lsn: Int) throws -> Driver {
        var d = WALPaneTests.walFocused(db)
        d.state.appendWAL(all)
        let i = try #require(d.state.wal.firstIndex { $0.lsn == lsn })
        for _ in 0..<(d.state.wal.count - 1 - i) { d.press(.character("k")) }
        return d
    }

    /// The names column of the past grid, in view order.
    static func names(_ d: Driver) -> [String] {
        d.state.view.map { d.state.table!.rows[$0][1].stringValue ?? "" }
    }

    @Test("Enter on a WAL entry, then a: the grid shows the table as of that entry, a banner names the LSN and time, cells that differ from now are marked * and rows gone now ×")
    func enterFromWALEntry() throws {
        let dir = BrowserTempDir()
        let (db, all, before) = try Self.edited(in: dir)
        var d = try Self.onEntry(db, all, lsn: before)
        d.press(.enter)
        guard case .walEntry = d.state.mode else { Issue.record("Enter opens the entry view"); return }
        #expect(d.lines.contains { $0.contains("a as of this") }, "the entry view offers the as-of view")
        d.press(.character("a"))
        #expect(d.effects.contains { if case .buildAsOf(.lsn(before), _) = $0 { return true } else { return false } })
        #expect(d.state.asOfBuild != nil && d.statusArea.contains("building the database as of lsn \(before)"))
        try Self.build(&d, db)
        let past = try #require(d.state.asOf)
        #expect(past.lsn == before)
        // The banner: on the status line (visible at 80x24) and the grid's title.
        let time = AsOfView.shortTime(try #require(all.first { $0.lsn == before }?.timestamp))
        #expect(d.status.contains("AS OF lsn \(before) · \(time)"), "status: \(d.status)")
        #expect(d.status.contains("│ RO") && !d.status.contains("RW"), "the past is read-only: \(d.status)")
        #expect(d.lines.contains { $0.contains("AS OF lsn \(before): student") })
        // The rows then: Bob, Carol, no Newcomer.
        #expect(Self.names(d).contains("Bob") && Self.names(d).contains("Carol") && !Self.names(d).contains("Newcomer"))
        #expect(!Self.names(d).contains("Robert"))
        // Marked: Bob's name differs from now (*); Carol's row does not exist now (×); Alice is as now.
        let bob = try #require(d.lines.firstIndex { $0.contains("Bob") })
        let nameColumn = try #require(d.lines[bob].range(of: "Bob")).lowerBound
        let x = d.lines[bob].distance(from: d.lines[bob].startIndex, to: nameColumn)
        #expect(d.grid[bob, x - 1].text == "*" && d.grid[bob, x].style == .pending)
        let carol = try #require(d.lines.firstIndex { $0.contains("Carol") })
        #expect(d.lines[carol].contains("×"))
        let alice = try #require(d.lines.firstIndex { $0.contains("Alice") })
        #expect(!d.lines[alice].contains("*") && !d.lines[alice].contains("×"))
        // The tables pane: the tables then, with their counts then.
        #expect(d.state.tables.map(\.name) == ["student", "teacher"])
        #expect(d.state.tables.first { $0.name == "student" }?.count == 10)
    }

    @Test("in the past every edit key is refused, naming the LSN and the way back; nothing becomes pending")
    func editsRefused() throws {
        let dir = BrowserTempDir()
        let (db, all, before) = try Self.edited(in: dir)
        var d = try Self.onEntry(db, all, lsn: before)
        d.press(.enter, .character("a"))
        try Self.build(&d, db)
        while d.state.focus != .grid { d.press(.tab) }
        for key in ["e", "d", "a", "A", "s", "x", ":", "u"] {
            d.press(.character(Character(key)))
            #expect(d.state.message == "viewing the past (lsn \(before)): read-only; Esc returns to now", "key \(key)")
            #expect(d.state.messageIsError && d.state.mode == .normal && d.state.pending.isEmpty, "key \(key)")
        }
        d.press(.delete)  // set null
        #expect(d.state.message.hasPrefix("viewing the past") && d.state.pending.isEmpty)
        d.press(.enter)  // Enter on a cell edits it, now
        #expect(d.state.message.hasPrefix("viewing the past") && d.state.mode == .normal)
    }

    @Test(". and , step one entry: exactly one record changes, and back; the tables pane's count follows")
    func stepping() throws {
        let dir = BrowserTempDir()
        let (db, all, before) = try Self.edited(in: dir)
        var d = try Self.onEntry(db, all, lsn: before)
        d.press(.enter, .character("a"))
        try Self.build(&d, db)
        let then = d.state.table!.rows
        d.press(.character("."))
        #expect(d.state.asOf?.lsn == before + 1)
        var rows = d.state.table!.rows
        #expect(rows.count == then.count)
        #expect(zip(rows, then).filter { $0 != $1 }.count == 1, "one record changed")
        #expect(Self.names(d).contains("Robert") && !Self.names(d).contains("Bob"))
        #expect(d.state.message.contains("UPDATE student id=6"))
        #expect(d.status.contains("AS OF lsn \(before + 1)"))
        // Robert is as now: no mark on his row any more.
        let robert = try #require(d.lines.firstIndex { $0.contains("Robert") })
        #expect(!d.lines[robert].contains("*"))
        d.press(.character("."))  // the delete of Carol
        rows = d.state.table!.rows
        #expect(rows.count == then.count - 1 && !Self.names(d).contains("Carol"))
        #expect(d.state.tables.first { $0.name == "student" }?.count == 9)
        d.press(.character("."))  // the insert: now
        #expect(Self.names(d).contains("Newcomer") && d.state.table!.rows.count == then.count)
        d.press(.character("."))
        #expect(d.state.message.contains("no later entry"))
        d.press(.character(","), .character(","), .character(","))
        #expect(d.state.asOf?.lsn == before)
        #expect(d.state.table!.rows == then, "three steps back: the rows as they were")
    }

    @Test("moves, search and sort work on the past rows")
    func findOnPastRows() throws {
        let dir = BrowserTempDir()
        let (db, all, before) = try Self.edited(in: dir)
        var d = try Self.onEntry(db, all, lsn: before)
        d.press(.enter, .character("a"))
        try Self.build(&d, db)
        while d.state.focus != .grid { d.press(.tab) }
        d.press(.character("l"), .character("]"))  // name, descending
        let sorted = Self.names(d)
        #expect(sorted == sorted.sorted { JSONValue.compare(.string($0), .string($1)) > 0 } && sorted.contains("Carol"))
        d.press(.character("/"))
        d.type("Carol")
        d.press(.enter)
        #expect(d.state.table!.rows[d.state.view[d.state.row]][1] == "Carol")
        // A step with a sort on: the view keeps its order.
        d.press(.character("."))
        #expect(Self.names(d) == Self.names(d).sorted { JSONValue.compare(.string($0), .string($1)) > 0 })
        #expect(Self.names(d).contains("Robert"))
        // A filter on the past rows, and the frequency sheet of them.
        d.press(.character(","))
        filter(&d, "= Carol")
        #expect(Self.names(d) == ["Carol"])
        d.press(.control("f"))
        d.press(.character("F"))
        #expect(d.state.sheet != nil && d.state.table!.rows.contains { $0[0] == "Carol" } && !d.state.table!.rows.contains { $0[0] == "Robert" })
    }

    @Test("= opens the diff between the moment and now as a sheet: one line per changed cell, + and - records; Esc back to the past")
    func diffSheet() throws {
        let dir = BrowserTempDir()
        let (db, all, before) = try Self.edited(in: dir)
        var d = try Self.onEntry(db, all, lsn: before)
        d.press(.enter, .character("a"))
        try Self.build(&d, db)
        d.press(.character("="))
        let sheet = try #require(d.state.sheet)
        #expect(sheet.kind == .asOfDiff(lsn: before))
        let rows = d.state.table!.rows
        #expect(rows.contains { $0[0] == "~" && $0[2] == 6 && $0[3] == "name" && $0[4] == "Bob" && $0[5] == "Robert" })
        #expect(rows.contains { $0[0] == "-" && $0[2] == 7 && $0[5] == .null })
        #expect(rows.contains { $0[0] == "+" && $0[2] == 11 })
        #expect(rows.count == 3)
        #expect(d.lines.contains { $0.contains("Since lsn \(before)") })
        d.press(.escape)
        #expect(d.state.sheet == nil && d.state.asOf?.lsn == before && Self.names(d).contains("Bob"))
        // Enter on a line: back to the past view, on that record.
        d.press(.character("="))
        let deleted = try #require(d.state.view.firstIndex { d.state.table!.rows[$0][0] == "-" })
        d.press([Key](repeating: .character("j"), count: deleted))
        d.press(.enter)
        #expect(d.state.sheet == nil && d.state.focus == .grid)
        #expect(d.state.table!.rows[d.state.view[d.state.row]][1] == "Carol")
    }

    @Test("Esc returns to now: the live grid as it was, cursor and focus restored; a build in progress is cancelled by Esc")
    func escapeRestores() throws {
        let dir = BrowserTempDir()
        let (db, all, before) = try Self.edited(in: dir)
        var d = try Self.onEntry(db, all, lsn: before)
        // The grid's cursor somewhere first.
        while d.state.focus != .grid { d.press(.tab) }
        d.press(.character("j"), .character("j"), .character("l"))
        let (row, column) = (d.state.row, d.state.column)
        while d.state.focus != .wal { d.press(.tab) }
        let liveRows = d.state.table!.rows
        d.press(.enter, .character("a"))
        // Esc while it is built: cancelled, the result dropped.
        let pending = d.effects
        d.press(.escape)
        #expect(d.state.asOfBuild == nil && d.state.message.contains("cancelled"))
        d.effects = pending
        try Self.build(&d, db)
        #expect(d.state.asOf == nil, "a cancelled build is not shown")
        d.effects = []
        d.press(.enter, .character("a"))
        try Self.build(&d, db)
        #expect(d.state.asOf != nil)
        d.press(.tab)
        d.press(.character("G"))
        d.press(.escape)
        #expect(d.state.asOf == nil)
        #expect(d.state.table!.rows == liveRows && Self.names(d).contains("Robert"))
        #expect(d.state.row == row && d.state.column == column && d.state.focus == .wal)
        #expect(!d.status.contains("AS OF") && !d.lines.contains { $0.contains("×") })
    }

    @Test("the palette's as-of asks for a moment: an LSN, a time or -2h; tables created later are absent, dropped ones present; nonsense is refused with the prompt kept")
    func paletteAsOf() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        try db.createTable(TableSchema("course", columns: [Column("code", .str, primaryKey: true)]))
        try db.insert("course", ["code": "C1"])
        let withCourse = try db.historyFiles().reach.latestLSN
        try db.dropTable("course")
        var d = Driver(db)
        d.press(.character(" "))
        d.type("as-of")
        d.press(.enter)
        guard case .prompt(let prompt) = d.state.mode, prompt.purpose == .asOf else {
            Issue.record("the palette's as-of opens a prompt"); return
        }
        d.type("yesterday at noon")
        d.press(.enter)
        #expect(d.state.messageIsError && d.state.message.contains("as of yesterday at noon"))
        guard case .prompt = d.state.mode else { Issue.record("the prompt stays"); return }
        d.press(.escape, .character(" "))
        d.type("as-of")
        d.press(.enter)
        d.type("\(withCourse)")
        d.press(.enter)
        try Self.build(&d, db)
        #expect(d.state.tables.map(\.name) == ["course", "student", "teacher"], "dropped since: present")
        #expect(d.state.tables.first { $0.name == "course" }?.count == 1)
        // LSN 1: only the first CREATE_TABLE: student, empty; teacher was created later.
        d.press(.escape)
        d.press(.character(" "))
        d.type("as-of")
        d.press(.enter)
        d.type("1")
        d.press(.enter)
        try Self.build(&d, db)
        #expect(d.state.tables.map(\.name) == ["student"] && d.state.tables[0].count == 0)
        #expect(d.lines.contains { $0.contains("AS OF lsn 1: student: 0 records") })
        // Enter on the tables pane opens the past table, not today's.
        d.press(.escape)
        #expect(d.state.asOf == nil && d.state.tables.map(\.name) == ["student", "teacher"])
    }
}

/// The as-of view over hostile values (the cases of a hostile-input generator outside the repository, when it is
/// there): strings as keys and values, JSON values, each changed once; every step draws a frame of the terminal's
/// size with no control character on it.
@Suite("The as-of view over hostile values")
struct AsOfViewHostileTests {
    @Test("stepping through updates of hostile keys and values: each frame 80x24 with no control characters; back at the start the rows are as they were")
    func hostileSteps() throws {
        let dir = BrowserTempDir()
        let cases = HostileValues.all.map { ($0.name, $0.kind.rawValue, $0.text) }
        try #require(cases.count > 50)
        let db = try Database(path: dir.db)
        try db.createTable(TableSchema("h", columns: [
            Column("k", .str, primaryKey: true), Column("v", .str), Column("j", .json),
        ]))
        var keys: [String] = []
        for (name, kind, text) in cases where kind != "raw" {
            let key = kind == "str" ? text : name
            guard !keys.contains(where: { String.exactlyEqual($0, key) }) else { continue }
            var record: Record = ["k": .string(key), "v": .string(kind == "str" ? text : name)]
            if kind == "json", let value = try? JSONParser.parse(text) { record["j"] = value }
            do { try db.insert("h", record) } catch { continue }  // (refused values are refused, not shown)
            keys.append(key)
        }
        try #require(keys.count > 40)
        let start = try db.historyFiles().reach.latestLSN
        for key in keys { try db.update("h", key: .string(key), set: ["v": .string("changed")]) }
        var d = Driver(db)
        d.press(.enter)
        let live = d.state.table!.rows
        d.press(.character(" "))
        d.type("as-of")
        d.press(.enter)
        d.type("\(start)")
        d.press(.enter)
        try AsOfViewTests.build(&d, db)
        #expect(d.state.asOf?.lsn == start)
        let then = d.state.table!.rows
        #expect(then.count == live.count && then != live)
        func frameIsSafe(_ d: Driver) -> Bool {
            let lines = d.lines
            return lines.count == 24 && lines.allSatisfy { line in
                DisplayWidth.of(line) <= 80 && !line.unicodeScalars.contains { $0.value < 32 || (0x7F...0x9F).contains($0.value) }
            }
        }
        #expect(frameIsSafe(d))
        for _ in keys {
            d.press(.character("."))
            #expect(frameIsSafe(d), "at lsn \(d.state.asOf?.lsn ?? 0)")
        }
        #expect(d.state.table!.rows == live, "stepped to now: the rows are today's")
        for _ in keys { d.press(.character(",")) }
        #expect(d.state.table!.rows == then, "stepped back: the rows as they were")
        d.press(.escape)
        #expect(d.state.asOf == nil && d.state.table!.rows == live)
    }
}
