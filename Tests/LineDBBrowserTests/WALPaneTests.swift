import Foundation
import LineDB
import Testing

@testable import LineDBBrowser

@Suite("The WAL pane: its cursor, following, the entry view, its filter")
struct WALPaneTests {
    /// A saved fixture database plus `inserts` more students (ids 11…), one WAL entry each, and the WAL's
    /// entries as the follower reads them.
    static func database(inserts: Int, in dir: BrowserTempDir) throws -> (Database, [WALEntry]) {
        let db = try Fixture.saved(in: dir)
        for i in 0..<inserts {
            try db.insert("student", ["name": .string("New \(i)"), "email": .string("new\(i)@uni.edu")])
        }
        return (db, try entries(of: dir))
    }

    static func entries(of dir: BrowserTempDir) throws -> [WALEntry] {
        try WALFollower(databasePath: dir.db).pollEvents(decodingLast: nil).compactMap {
            if case .entry(let e) = $0 { return e } else { return nil }
        }
    }

    /// A driver at 80x24 with the grid open and the WAL pane focused.
    static func walFocused(_ db: Database) -> Driver {
        var d = Driver(db)
        d.press(.enter)
        while d.state.focus != .wal { d.press(.tab) }
        return d
    }

    @Test("the move keys move the WAL pane's own cursor, with entry k of N; at the bottom it follows, above it counts N new")
    func cursorAndFollowing() throws {
        let dir = BrowserTempDir()
        let (db, all) = try Self.database(inserts: 30, in: dir)
        let n = all.count
        var d = Self.walFocused(db)
        d.state.appendWAL(Array(all.prefix(n - 10)))
        #expect(d.lines.contains { $0.contains("WAL: entry \(n - 10) of \(n - 10)") })
        d.press(.character("k"), .character("k"), .character("k"))
        #expect(d.lines.contains { $0.contains("WAL: entry \(n - 13) of \(n - 10)") })
        let entry = try #require(d.state.walPane.cursor.map { d.state.wal[$0] })
        #expect(entry.lsn == all[n - 14].lsn)
        // The grid's cursor did not move.
        #expect(d.state.row == 0)
        // New entries: the cursor stays on its entry, the title counts them.
        d.state.appendWAL(Array(all[(n - 10)..<(n - 4)]))
        #expect(d.state.walPane.cursor.map { d.state.wal[$0].lsn } == entry.lsn)
        #expect(d.lines.contains { $0.contains("entry \(n - 13) of \(n - 4) · 6 new") })
        // The cursor line is marked in the pane.
        let id = try #require(entry.record.objectValue?["id"])
        #expect(d.lines.contains { $0.hasPrefix("▶") && $0.contains("id=\(ValueText.display(id))") })
        // Another pane focused: the marker stays (dim), the line is no longer highlighted (column 17: the gap
        // between the operation and the table).
        d.press(.tab)
        let marked = try #require(d.lines.firstIndex { $0.hasPrefix("▶") && $0.contains("id=\(ValueText.display(id))") })
        #expect(d.grid[marked, 0].style == .dim && d.grid[marked, 17].style != .selected)
        while d.state.focus != .wal { d.press(.tab) }
        #expect(d.grid[marked, 0].style == .cursor && d.grid[marked, 17].style == .selected)
        // At the newest entry it follows again: new ones move it along.
        d.press(.character("G"))
        #expect(d.state.walPane.cursor == nil && d.state.walPane.unseen == 0)
        d.state.appendWAL(Array(all.suffix(4)))
        #expect(d.lines.contains { $0.contains("WAL: entry \(n) of \(n)") && !$0.contains("new") })
        d.press(.character("g"))
        #expect(d.lines.contains { $0.contains("WAL: entry 1 of \(n)") })
    }

    @Test("the cursor keeps its entry when the oldest entries leave the pane (its limit)")
    func keepsEntryWhenTrimmed() throws {
        let dir = BrowserTempDir()
        let (db, all) = try Self.database(inserts: 3, in: dir)
        var d = Self.walFocused(db)
        // Many copies with their own LSNs, past the pane's limit.
        let many = (0..<(BrowserState.walLimit - 5)).map { i -> WALEntry in
            var e = all[i % all.count]
            e.lsn = 1000 + i
            return e
        }
        d.state.appendWAL(many)
        d.press(.character("k"), .character("k"))
        let lsn = try #require(d.state.walPane.cursor.map { d.state.wal[$0].lsn })
        d.state.appendWAL(Array(many.prefix(20)).map { var e = $0; e.lsn += 10_000; return e })
        #expect(d.state.wal.count == BrowserState.walLimit)
        #expect(d.state.walPane.cursor.map { d.state.wal[$0].lsn } == lsn)
        #expect(d.state.walPane.unseen == 20)
    }

    @Test("Enter opens the entry whole: its JSON pretty-printed, its time; scrollable; Esc goes back")
    func entryView() throws {
        let dir = BrowserTempDir()
        let (db, all) = try Self.database(inserts: 3, in: dir)
        var d = Self.walFocused(db)
        d.state.appendWAL(all)
        d.press(.character("k"))  // the insert of "New 1"
        d.press(.enter)
        guard case .walEntry(let view) = d.state.mode else { Issue.record("no entry view: \(d.state.mode)"); return }
        #expect(view.entry.lsn == all[all.count - 2].lsn)
        let text = d.lines.joined(separator: "\n")
        #expect(text.contains("WAL entry \(all.count - 1) of \(all.count): INSERT"))
        #expect(text.contains("time: " + view.entry.timestamp.replacingOccurrences(of: "T", with: " ")))
        #expect(text.contains(#""operation": "INSERT","#))
        #expect(text.contains(#""name": "New 1","#))
        #expect(text.contains(#""table": "student","#))
        #expect(d.hints.contains("o open its record"))
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.focus == .wal)
    }

    @Test("a long entry scrolls in the view; hostile text shows as visible marks; a 1 MB value is wrapped, whole")
    func entryViewLongAndHostile() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let big = String(repeating: "é", count: 1 << 20)
        try db.insert("student", ["name": "\u{202E}evil\u{1B}[2J\u{7}", "email": .string(big)])
        let all = try Self.entries(of: dir)
        var d = Self.walFocused(db)
        d.state.appendWAL(all)
        d.press(.enter)
        guard case .walEntry(let view) = d.state.mode else { Issue.record("no entry view"); return }
        #expect(view.lines.count > 1000, "the 1 MB value is wrapped into lines")
        #expect(view.lines.joined().filter { $0 == "é" }.count == 1 << 20, "the whole value is there")
        let screen = d.lines.joined(separator: "\n")
        #expect(screen.contains(#"\u{202E}evil\u001b[2J\u0007"#))
        #expect(!screen.unicodeScalars.contains { VisibleText.isHidden($0) && $0 != "\n" })
        d.press(.pageDown)
        guard case .walEntry(let scrolled) = d.state.mode else { Issue.record("closed"); return }
        #expect(scrolled.scroll == d.state.walEntryHeight)
        d.press(.character("G"))
        guard case .walEntry(let end) = d.state.mode else { Issue.record("closed"); return }
        #expect(end.scroll == end.lines.count - d.state.walEntryHeight)
        #expect(d.lines.contains { $0.contains("\(end.lines.count) of \(end.lines.count) lines") })
    }

    @Test("o in the entry view opens its record in the grid, cursor on its key; a deleted record is said")
    func openRecord() throws {
        let dir = BrowserTempDir()
        let (db, _) = try Self.database(inserts: 3, in: dir)
        try db.insert("teacher", ["code": "T9", "name": "Knuth"])
        _ = try db.delete("student", key: 12)
        let all = try Self.entries(of: dir)
        var d = Self.walFocused(db)
        d.state.appendWAL(all)
        // The teacher insert: two above the newest (the delete).
        d.press(.character("k"))
        d.press(.enter, .character("o"))
        #expect(d.state.mode == .normal && d.state.focus == .grid)
        #expect(d.state.table?.name == "teacher")
        #expect(d.state.currentKey == "T9", "\(d.state.message)")
        // The delete's record is gone.
        while d.state.focus != .wal { d.press(.tab) }
        d.press(.character("G"), .enter, .character("o"))
        #expect(d.state.table?.name == "student")
        #expect(d.state.messageIsError && d.state.message.contains("record id=12 of student no longer exists"))
    }

    @Test("f in the WAL pane filters it by table, operation or key; a bad filter is refused, its text kept")
    func filter() throws {
        let dir = BrowserTempDir()
        let (db, _) = try Self.database(inserts: 3, in: dir)
        _ = try db.delete("student", key: 12)
        try db.insert("teacher", ["code": "T9", "name": "Knuth"])
        let all = try Self.entries(of: dir)
        var d = Self.walFocused(db)
        d.state.appendWAL(all)
        d.press(.character("f"))
        guard case .prompt(let prompt) = d.state.mode, prompt.purpose == .walFilter else {
            Issue.record("no WAL filter prompt: \(d.state.mode) \(d.state.message)"); return
        }
        d.type("op=delete")
        d.press(.enter)
        #expect(d.state.walShown.map { d.state.wal[$0].operation } == ["DELETE"])
        #expect(d.lines.contains { $0.contains("WAL: entry 1 of 1 (of \(all.count)) · filter: op=delete") })
        // A key, a table.
        d.press(.character("f"), .control("u"))
        d.type("student key=12")
        d.press(.enter)
        #expect(Set(d.state.walShown.map { d.state.wal[$0].operation }) == ["INSERT", "DELETE"])
        d.press(.character("f"), .control("u"))
        d.type("teacher")
        d.press(.enter)
        #expect(d.state.walShown.allSatisfy { d.state.wal[$0].table == "teacher" })
        #expect(d.state.walShown.count == 4)  // created, T1, T2, T9
        // Refused: the prompt stays with the text, the filter is unchanged.
        d.press(.character("f"), .control("u"))
        d.type("op=frobnicate")
        d.press(.enter)
        guard case .prompt(let kept) = d.state.mode else { Issue.record("prompt closed"); return }
        #expect(kept.editor.string == "op=frobnicate")
        #expect(d.state.messageIsError && d.state.message.contains("unknown operation \"frobnicate\""))
        #expect(d.state.walPane.filter?.text == "teacher")
        // Empty: no filter.
        d.press(.control("u"), .enter)
        #expect(d.state.walPane.filter == nil && d.state.walShown.count == all.count)
        // In the grid, f still filters the grid.
        while d.state.focus != .grid { d.press(.tab) }
        d.press(.character("f"))
        guard case .prompt(let gridPrompt) = d.state.mode, case .filter = gridPrompt.purpose else {
            Issue.record("f in the grid: \(d.state.mode)"); return
        }
    }
}
