import Foundation
import LineDB
import Synchronization
import Testing

@testable import LineDBBrowser

/// The lines of the grid's area (the history view's), from its left edge.
private func historyArea(_ d: Driver) -> [String] {
    let r = d.state.layout.grid
    let grid = d.grid
    return (r.row..<r.row + r.height).map { y in
        (r.column..<r.column + r.width).map { grid[y, $0].text }.joined()
    }
}

/// The fixture saved on disk, then student 1 edited three times, a checkpoint (the versions so far go to an
/// archive), and one edit more in the live WAL: student 1 has 5 versions (the insert and 4 updates).
private func editedHistory(in dir: BrowserTempDir) throws -> Database {
    let db = try Fixture.saved(in: dir)
    _ = try db.update("student", key: 1, set: ["name": "Alicia"])
    _ = try db.update("student", key: 1, set: ["gpa": 3.9])
    _ = try db.update("student", key: 1, set: ["name": "Alice B."])
    _ = try db.checkpoint()
    _ = try db.update("student", key: 1, set: ["email": "alice@uni.edu"])
    return db
}

/// Presses `r` and carries out the effect as the app does (the read on its own thread), then waits for it.
private func openHistory(_ d: inout Driver, _ db: Database) {
    d.press(.character("r"))
    guard case .recordHistory(let table, let key)? = d.effects.last else {
        Issue.record("r asked for no history: \(d.state.message)")
        return
    }
    d.effects.removeLast()
    d.state.startRecordHistory(HistoryRead.start(database: db, table: table, key: key))
    d.state.finishWork()
    d.state.scrollToCursor()
}

/// A driver over `db` with the student table open, the cursor on the record with key `key`.
private func onStudent(_ db: Database, key: Int, rows: Int = 24, columns: Int = 80, readOnly: Bool = false) -> Driver {
    var d = Driver(db, rows: rows, columns: columns, readOnly: readOnly)
    d.press(.enter)  // tables: student, teacher
    #expect(d.state.table?.name == "student")
    while d.state.currentKey != .int(key) && d.state.row + 1 < d.state.view.count { d.press(.character("j")) }
    return d
}

@Suite("Browser: a record's history (r): versions newest first, changed cells marked, Enter restores one (pending)")
struct RecordHistoryTests {
    @Test("r opens the versions newest first: number, lsn, time, operation, file; changed fields marked old → new")
    func opens() throws {
        let dir = BrowserTempDir()
        let db = try editedHistory(in: dir)
        var d = onStudent(db, key: 1)
        openHistory(&d, db)
        let hv = try #require(d.state.recordHistory)
        let expected = try db.history(of: "student", key: 1)
        #expect(hv.versions.count == 5 && expected.count == 5)
        #expect(hv.versions.map(\.lsn) == expected.map(\.lsn))
        #expect(hv.versions.map(\.operation) == [.update, .update, .update, .update, .insert])
        let area = historyArea(d)
        #expect(area[0].contains("student 1: history, 5 versions, newest first"))
        // The newest version's header: number, lsn, time (seconds), operation, the live WAL.
        let newest = expected[0]
        #expect(area[1].hasPrefix("▸ 5/5  lsn \(newest.lsn)  \(newest.timestamp.prefix(10)) "))
        #expect(area[1].contains("UPDATE  transaction.log"))
        // Its fields: the email changed (marked, old → new), the others unmarked with their values.
        let email = try #require(area.first { $0.contains(" email ") })
        #expect(email.hasPrefix(" * ") && email.contains("s1@uni.edu → alice@uni.edu"))
        let name = try #require(area.first { $0.contains(" name ") })
        #expect(name.hasPrefix("   ") && name.contains("Alice B.") && !name.contains("→"))
        // The marker is a character, not only a colour (NO_COLOR), and the changed value is drawn as pending.
        let r = d.state.layout.grid
        let emailRow = r.row + area.firstIndex(of: email)!
        #expect(d.grid[emailRow, r.column + 1].text == "*")
        #expect(d.grid[emailRow, r.column + email.distance(to: "alice@uni.edu")].style == .pending)
        #expect(d.statusArea.contains("history of student 1: version 5 of 5"))
        // Everything fits the 80x24 screen: no line of the area is wider than the area.
        for line in area { #expect(DisplayWidth.of(line) == r.width) }
    }

    @Test("j/k, PgDn/PgUp, g/G move between versions; the older versions come from the archive")
    func scrolls() throws {
        let dir = BrowserTempDir()
        let db = try editedHistory(in: dir)
        var d = onStudent(db, key: 1)
        openHistory(&d, db)
        d.press(.character("j"))
        #expect(d.state.recordHistory?.selected == 1)
        #expect(d.statusArea.contains("history of student 1: version 4 of 5"))
        let archived = try #require(d.state.recordHistory?.versions[1].file)
        #expect(archived.hasPrefix("transaction.2") && archived.hasSuffix(".log.gz"))  // gzipped at checkpoint
        let selectedHeader = try #require(historyArea(d).first { $0.hasPrefix("▸ 4/5") })
        #expect(selectedHeader.contains("UPDATE  transaction.2"))
        d.press(.character("G"))
        #expect(d.state.recordHistory?.selected == 4)
        let oldest = historyArea(d)
        #expect(oldest.contains { $0.hasPrefix("▸ 1/5") && $0.contains("INSERT") })
        // The insert set every field: marked +.
        #expect(oldest.contains { $0.hasPrefix(" + name") && $0.contains("Alice") })
        #expect(d.statusArea.contains("version 1 of 5"))
        d.press(.character("g"))
        #expect(d.state.recordHistory?.selected == 0 && d.state.recordHistory?.top == 0)
        d.press(.pageDown)
        let hv = try #require(d.state.recordHistory)
        #expect(hv.top > 0 && hv.selected > 0)
        #expect(historyArea(d).contains { $0.hasPrefix("▸ \(5 - hv.selected)/5") })
        d.press(.pageUp)
        #expect(d.state.recordHistory?.top == 0)
        d.press(.character("k"))
        #expect(d.state.recordHistory?.selected == 0)
        // A key that does not work here is said, and changes nothing.
        d.press(.character("e"))
        #expect(d.state.messageIsError && d.state.message.contains("does not work in the history view"))
        #expect(d.state.mode == .normal && d.state.pending.isEmpty)
        d.press(.escape)
        #expect(d.state.recordHistory == nil && d.state.message == "back to the grid")
        #expect(d.state.currentKey == .int(1))
    }

    @Test("r works from the record view too, and Esc goes back to it on the same record")
    func fromRecordView() throws {
        let dir = BrowserTempDir()
        let db = try editedHistory(in: dir)
        var d = onStudent(db, key: 1)
        d.press(.character("v"))
        #expect(d.state.recordView != nil)
        openHistory(&d, db)
        #expect(d.state.recordHistory?.versions.count == 5)
        #expect(historyArea(d)[0].contains("student 1: history"))
        d.press(.escape)
        #expect(d.state.recordHistory == nil && d.state.recordView != nil)
        #expect(d.state.message == "back to the record view" && d.state.currentKey == .int(1))
        #expect(historyArea(d)[0].contains("student: record 1 of 10"))
    }

    @Test("Enter puts the version in as pending edits (one undo step); u undoes it; s saves those values")
    func restoreUndoSave() throws {
        let dir = BrowserTempDir()
        let db = try editedHistory(in: dir)
        var d = onStudent(db, key: 1)
        openHistory(&d, db)
        d.press(.character("G"))  // the insert: Alice, s1@uni.edu, gpa 2.0
        let inserted = try #require(d.state.recordHistory?.versions.last?.record)
        d.press(.enter)
        #expect(d.state.recordHistory == nil)
        #expect(d.state.message.contains("record 1: version 1 of 5 (lsn") && d.state.message.contains("restored"))
        #expect(d.state.message.contains("name, email, gpa changed (pending"))
        let table = try #require(d.state.table)
        let row = try #require(table.rowIndex(forKey: 1))
        for (c, column) in table.schema.columns.enumerated() {
            #expect(table.rows[row][c] == inserted[column.name], "\(column.name)")
        }
        #expect(d.state.pending.count == 3 && table.isPending(row: row, column: 1))
        // One undo step takes the three back.
        d.press(.character("u"))
        #expect(d.state.pending.isEmpty)
        let current = try db.select("student").first { $0["id"] == 1 }!
        #expect(d.state.table!.rows[row][1] == current["name"] && current["name"] == "Alice B.")
        // Again, and saved: the save's changes write the old values.
        d.press(.character("r"))
        guard case .recordHistory(let t, let k)? = d.effects.last else { Issue.record("no history effect"); return }
        d.state.startRecordHistory(HistoryRead.start(database: db, table: t, key: k))
        d.state.finishWork()
        d.press(.character("j"), .character("j"), .character("j"), .enter)  // version 2: the first rename
        let version2 = try #require(try db.history(of: "student", key: 1).last { $0.record?["name"] == "Alicia" }?.record)
        #expect(d.state.pending.count == 3)  // name, email and gpa differ from now
        d.press(.character("s"))
        guard case .save(let changes, false)? = d.effects.last else { Issue.record("no save"); return }
        var written = try #require(try db.select("student").first { $0["id"] == 1 })
        for change in changes {
            guard case .update(let key, let c, _, let new) = change.kind, key == 1 else { continue }
            written[change.columns[c]] = new
        }
        #expect(written == version2)
    }

    @Test("the app reads the history off the main loop, shows it, and Enter then s saves the version's values")
    func throughTheApp() throws {
        let dir = BrowserTempDir()
        let db = try editedHistory(in: dir)
        let app = BrowserApp(database: db)
        let terminal = PacedTerminal(rows: 24, columns: 80, [
            (.idle, [.enter, .character("r")]),
            (.idle, [.character("G"), .enter, .character("s")]),
            (.idle, [])])
        _ = try app.run(on: terminal)
        let screens = terminal.frames.map { $0.lines.joined(separator: "\n") }
        #expect(screens.contains { $0.contains("student 1: history, 5 versions") && $0.contains("▸ 5/5") })
        #expect(terminal.statusLines.contains { $0.contains("reading history… of student 1") })
        let saved = try db.select("student").first { $0["id"] == 1 }!
        #expect(saved["name"] == "Alice" && saved["email"] == "s1@uni.edu" && saved["gpa"] == 2.0)
        // The restore is itself history (one UPDATE a cell, in one transaction), on top of the five versions.
        let after = try db.history(of: "student", key: 1)
        let now = try db.select("student").first { $0["id"] == 1 }
        #expect(after.count == 8 && after[0].record == now)
    }

    @Test("Enter on a delete is refused (it has no values); the record's later life is shown too")
    func deleteVersionRefused() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let before = try db.delete("student", key: 2)
        var again = before
        again["name"] = "Again"
        _ = try db.insert("student", again)
        var d = onStudent(db, key: 2, columns: 132)
        openHistory(&d, db)
        #expect(d.state.recordHistory?.versions.map(\.operation) == [.insert, .delete, .insert])
        #expect(historyArea(d).contains { $0.contains("DELETE (values before it)") })
        d.press(.character("j"), .enter)
        #expect(d.state.messageIsError && d.state.message.contains("is the record's delete"))
        #expect(d.state.message.contains("nothing changed"))
        #expect(d.state.pending.isEmpty && d.state.recordHistory != nil)
        d.press(.character("j"), .enter)  // the first life
        #expect(d.state.pending.count == 1)
        #expect(d.state.table!.rows[d.state.table!.rowIndex(forKey: 2)!][1] == before["name"])
    }

    @Test("read-only: the history opens, Enter says it is read-only and changes nothing")
    func readOnlyRefused() throws {
        let dir = BrowserTempDir()
        let writer = try editedHistory(in: dir)
        let reader = try Fixture.reader(in: dir)
        #expect(reader.isReadOnly)
        var d = onStudent(reader, key: 1, readOnly: true)
        openHistory(&d, reader)
        #expect(d.state.recordHistory?.versions.count == 5)
        d.press(.character("G"), .enter)
        #expect(d.state.messageIsError && d.state.message.hasPrefix("read-only"))
        #expect(d.state.pending.isEmpty)
        _ = writer
    }

    @Test("a key changed by an update: the old key's versions show; Enter restores the fields, keeps the key")
    func followedKey() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        _ = try db.update("student", key: 3, set: ["name": "Zoë Renamed"])
        _ = try db.update("student", key: 3, set: ["id": 33])
        var d = onStudent(db, key: 33)
        openHistory(&d, db)
        let hv = try #require(d.state.recordHistory)
        #expect(hv.versions.count == 3)
        #expect(historyArea(d).contains { $0.contains("(key 3 → 33)") })
        d.press(.character("G"), .enter)  // the insert, under key 3
        #expect(d.state.message.contains("that version's key was 3: the record keeps its key 33"))
        let table = try #require(d.state.table)
        #expect(table.rowIndex(forKey: 33) != nil && table.rowIndex(forKey: 3) == nil)
        #expect(table.rows[table.rowIndex(forKey: 33)!][1] == "Zoë")
    }

    @Test("Esc while the history is read cancels it: the view never opens, nothing changes")
    func cancel() throws {
        let dir = BrowserTempDir()
        let db = try editedHistory(in: dir)
        var d = onStudent(db, key: 1)
        d.press(.character("r"))
        // A read held back until the test lets it go (a busy key over ten archives, in slow motion).
        let gate = Mutex(false)
        let run = HistoryRead.start(table: "student", key: 1) {
            while !gate.withLock({ $0 }) { usleep(1000) }
            return try db.history(of: "student", key: 1)
        }
        d.state.startRecordHistory(run)
        #expect(d.statusArea.contains("reading history… of student 1  (Esc cancels)"))
        d.state.work(until: .now + .milliseconds(20))
        #expect(d.state.runningHistory != nil && d.state.recordHistory == nil)
        d.press(.escape)
        #expect(d.state.runningHistory == nil && d.state.message.contains("reading the history cancelled"))
        gate.withLock { $0 = true }
        run.wait(until: .now + .seconds(10))
        d.state.finishWork()
        #expect(d.state.recordHistory == nil && d.state.pending.isEmpty)
    }

    @Test("hostile values show as visible glyphs inside their line, old → new included")
    func hostile() throws {
        let nasty = ["\u{1B}[2J\u{1B}[H", "\u{1B}]0;pwned\u{7}", "\u{9B}31m red", "abc\u{202E}dcba\u{202C}",
                     "\u{2066}x\u{2069}", "a\u{0}b", "a\tb", "a\r\nb", "漢字かなカナ한글" + String(repeating: "漢", count: 60),
                     "e" + String(repeating: "\u{301}", count: 50), "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
                     String(repeating: "ab漢\u{301}\u{1F600}", count: 2000), "a\u{7F}b", "\u{200E}\u{200F}\u{61C}"]
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        for text in nasty { _ = try db.update("student", key: 1, set: ["name": .string(text)]) }
        for columns in [80, 132] {
            var d = onStudent(db, key: 1, columns: columns)
            openHistory(&d, db)
            #expect(d.state.recordHistory?.versions.count == nasty.count + 1)
            let r = d.state.layout.grid
            var seen = ""
            for _ in 0..<(nasty.count + 2) {
                let grid = d.grid
                for y in 0..<grid.rows {
                    for x in 0..<grid.columns {
                        #expect(!grid[y, x].text.unicodeScalars.contains { VisibleText.isHidden($0) }, "hidden at \(y),\(x)")
                    }
                    // Nothing is drawn past the grid's area.
                    if y > r.row && y < r.row + r.height && r.column + r.width < grid.columns {
                        #expect(grid[y, r.column + r.width].text == " " || grid[y, r.column + r.width].text == "│")
                    }
                }
                seen += historyArea(d).joined(separator: "\n")
                d.press(.character("j"))
            }
            #expect(seen.contains("\\u{1B}[2J") && seen.contains("\\u{202E}") && seen.contains("⇥"))
            #expect(seen.contains(" → "))
        }
    }

    @Test("r refuses where there is no saved record: a pending insert, a sheet; the help lists r")
    func refusals() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var d = onStudent(db, key: 1)
        d.press(.character("a"))
        d.type("New")
        d.press(.tab)
        d.type("new@uni.edu")
        d.press(.enter)
        #expect(d.state.pending.count == 1)
        d.press(.character("G"))
        d.press(.character("r"))
        #expect(d.state.messageIsError && d.state.message.contains("is not saved under this key yet"))
        #expect(!d.effects.contains { if case .recordHistory = $0 { return true } else { return false } })
        // On a sheet (a frequency sheet of the name column): its rows are not records.
        d.press(.character("u"), .character("g"), .character("l"), .character("F"))
        #expect(d.state.sheet != nil)
        d.press(.character("r"))
        #expect(d.state.messageIsError && d.state.message.contains("a sheet's rows have no history"))
        #expect(!d.effects.contains { if case .recordHistory = $0 { return true } else { return false } })
        d.press(.escape, .character("?"))
        #expect(d.helpScreens().contains { $0.contains("r") && $0.contains("history; Enter restores") })
    }
}

private extension String {
    /// The display column at which `text` starts in this line.
    func distance(to text: String) -> Int {
        guard let range = range(of: text) else { return 0 }
        return DisplayWidth.of(String(self[..<range.lowerBound]))
    }
}
