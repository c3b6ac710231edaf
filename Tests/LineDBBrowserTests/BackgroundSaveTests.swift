import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Holds the database's state lock from a thread of its own (an open transaction that waits), so that a save the
/// browser starts meanwhile really runs in the background, blocked in the engine, until ``release()``.
final class LockHolder: @unchecked Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// Starts the transaction and returns once it holds the lock.
    init(_ database: Database) {
        let thread = Thread { [self] in
            _ = try? database.transaction { _ in
                entered.signal()
                gate.wait()
            }
            done.signal()
        }
        thread.start()
        entered.wait()
    }

    /// Ends the transaction (it wrote nothing): the save waiting for the lock goes on.
    func release() {
        gate.signal()
        done.wait()
    }
}

/// Types a cell edit in the grid: `e`, clear, the text, Enter.
private func edit(_ text: String) -> [ScriptedTerminal.Step] {
    ([.character("e"), .control("u")] + keys(text) + [.enter]).map { .key($0) }
}

/// Waits for the app's background job to end (its thread), then lets the loop take in its outcome (one turn).
private func settle(_ app: @escaping () -> BrowserApp) -> [ScriptedTerminal.Step] {
    [.run { _ = app().backgroundSave?.wait(milliseconds: 60_000) }, .tick]
}

/// Keys, with code run before some of them; once they are out, SIGTERM (after `atSignal` ran).
final class SignalAfterKeys: Terminal {
    let size = (rows: 24, columns: 80)
    private var keys: [Key]
    private var before: [Int: () -> Void]
    private let atSignal: () -> Void
    private var given = 0
    private var signalled = false

    init(_ keys: [Key], before: [Int: () -> Void], atSignal: @escaping () -> Void) {
        self.keys = keys
        self.before = before
        self.atSignal = atSignal
    }

    func draw(_ grid: ScreenGrid) {}

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        if given < keys.count {
            // Code before a key runs once the keys before it were handled: no look-ahead past it.
            if timeoutMilliseconds == 0 && before[given] != nil { return nil }
            before.removeValue(forKey: given)?()
            given += 1
            return keys[given - 1]
        }
        if !signalled {
            signalled = true
            atSignal()
        }
        return nil
    }

    func pendingTermination() -> Int32? { signalled ? SIGTERM : nil }
}

@Suite("Saves and checkpoints in the background")
struct BackgroundSaveTests {
    @Test("SIGTERM during a save waits for it; the recovery file holds what is still pending (a refused save's edits too)",
          arguments: [false, true])
    func signalDuringSave(refused: Bool) throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var holder: LockHolder?
        let first = refused ? "taken@uni.edu" : "first@uni.edu"
        let script: [Key] = [.enter, .right, .right, .character("e"), .control("u")] + keys(first)
            + [.enter, .character("s"), .character("j"), .character("e"), .control("u")] + keys("second@uni.edu")
            + [.enter]
        let sAt = script.firstIndex(of: .character("s"))!
        let terminal = SignalAfterKeys(script, before: [
            3: { if refused { try! db.insert("student", ["name": "Other", "email": "taken@uni.edu"]) } },
            sAt: { holder = LockHolder(db) },
        ], atSignal: {
            // The save is blocked in the engine when the signal comes; it goes on a moment later.
            guard let held = holder else { return }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { held.release() }
        })
        let app = BrowserApp(database: db)
        let exit = try app.run(on: terminal)
        guard case .terminated(SIGTERM, let file?) = exit else { Issue.record("exit \(exit)"); return }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(text.contains("second@uni.edu"))
        #expect(text.contains(first) == refused)
        #expect(app.state?.saving == nil)
        #expect(try db.get("student", key: 1)?["email"] == (refused ? "s1@uni.edu" : "first@uni.edu"))
        #expect(try db.get("student", key: 2)?["email"] == "s2@uni.edu")
    }

    @Test("during a save keys act at once; an edit made meanwhile is the next pending set, and s queues one more save")
    func keysAndEditsDuringSave() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var holder: LockHolder?
        var app: BrowserApp!
        var during: [BrowserState] = []
        var steps: [ScriptedTerminal.Step] = [.key(.enter), .key(.right)] + edit("Ada")
        steps += [.run { holder = LockHolder(db) }, .key(.character("s"))]
        steps += [.tick, .run { during.append(app.state!) }]
        steps += [.key(.character("j")), .key(.character("j")), .run { during.append(app.state!) }]
        steps += edit("Zed") + [.key(.character("s")), .tick, .run { during.append(app.state!) }]
        steps += [.run { holder?.release() }] + settle { app } + settle { app } + [.run { during.append(app.state!) }]
        let terminal = ScriptedTerminal(steps)
        app = BrowserApp(database: db)
        #expect(try app.run(on: terminal) == .quit)
        try #require(during.count == 4)
        // The save is running (blocked in the engine): the status line says so, the edit is no longer pending.
        #expect(during[0].saving?.changes.count == 1)
        #expect(during[0].pending.isEmpty)
        #expect(during[0].savingStatus?.hasPrefix("saving 1 (WAL) ") == true)
        // j j moved the cursor while it ran.
        #expect(during[1].row == 2 && during[1].saving != nil)
        // The edit made meanwhile is pending (shown as such), the first save's change still shows in the grid.
        #expect(during[2].pending.count == 1 && during[2].saving?.saveQueued == true)
        #expect(during[2].table?.rows[0][1] == "Ada" && during[2].table?.rows[2][1] == "Zed")
        #expect(terminal.frames.contains { $0.text.contains("1 pending │ saving 1 (WAL) ") && $0.text.contains(" s +save") })
        // Both saves are done: two transactions, both in the records file.
        #expect(during[3].saving == nil && during[3].pending.isEmpty)
        let records = dir.read("db/data/student.records")
        #expect(records.contains(#""name":"Ada""#) && records.contains(#""name":"Zed""#))
        let updates = try db.walEntries().filter { $0.operation == "UPDATE" }
        #expect(updates.count == 2 && Set(updates.compactMap(\.txn)).count == 2)
        #expect(during[3].message.hasPrefix("saved 1 change"))
    }

    @Test("q during a save waits for it, says so, then quits with everything saved")
    func quitWaitsForSave() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var holder: LockHolder?
        var app: BrowserApp!
        var during: BrowserState?
        let steps: [ScriptedTerminal.Step] = [.key(.enter), .key(.right)] + edit("Ada") + [
            .run { holder = LockHolder(db) }, .key(.character("s")), .key(.character("q")), .tick,
            .run { during = app.state }, .run { holder?.release() },
        ]
        let terminal = ScriptedTerminal(steps)
        app = BrowserApp(database: db)
        #expect(try app.run(on: terminal) == .quit)
        #expect(during?.saving?.quitWhenDone == true)
        #expect(during?.message == "saving… quit when done")
        #expect(terminal.frames.contains { $0.text.contains("saving 1 (WAL) ") && $0.text.contains(" s +quit") })
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.get("student", key: 1)?["name"] == "Ada")
    }

    @Test("a save the engine refuses keeps its edits pending, before the ones made during it; nothing is written")
    func failingSaveKeepsEdits() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var holder: LockHolder?
        var app: BrowserApp!
        var during: BrowserState?
        var asked: BrowserState?
        // Another write takes an e-mail address behind the browser's back: its save of the same address is refused
        // by the engine (UNIQUE), after the browser accepted the edit.
        var steps: [ScriptedTerminal.Step] = [.key(.enter), .key(.right), .key(.right)]
        steps += [.run { try db.insert("student", ["name": "Other", "email": "taken@uni.edu"]) }] + edit("taken@uni.edu")
        steps += [.run { holder = LockHolder(db) }, .key(.character("s")), .key(.character("j"))]
        steps += edit("new@uni.edu") + [.run { holder?.release() }] + settle { app } + [.run { during = app.state }]
        steps += [.key(.character("q")), .tick, .run { asked = app.state }, .key(.character("d"))]
        let terminal = ScriptedTerminal(steps)
        app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        let state = try #require(during)
        #expect(state.saving == nil)
        #expect(state.pending.count == 2)
        #expect(state.pending.map(\.key) == [1, 2])
        #expect(state.messageIsError && state.message.hasPrefix("not saved, nothing was written:"))
        #expect(state.message.contains("taken@uni.edu"))
        // Still shown, still marked pending.
        #expect(state.table?.rows[0][2] == "taken@uni.edu" && state.table?.isPending(row: 0, column: 2) == true)
        #expect(try db.get("student", key: 1)?["email"] == "s1@uni.edu")
        #expect(!dir.read("db/data/student.records").contains("taken@uni.edu"))
        // q asks about both unsaved changes.
        #expect(asked?.mode == .confirm(.quit))
        #expect(terminal.frames.contains { $0.text.contains("2 unsaved changes: s save and quit") })
    }

    @Test("records files that cannot be written: the changes are in the WAL, said as clearly as before")
    func recordsFileFailure() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let records = dir.db + "/data/student.records"
        #expect(chmod(records, 0o444) == 0)
        defer { chmod(records, 0o644) }
        let terminal = MemoryTerminal(rows: 24, columns: 120)
        terminal.type([.enter, .right, .character("e"), .control("u")] + keys("Ada") + [.enter, .character("s")])
        let app = BrowserApp(database: db)
        #expect(try app.run(on: terminal) == .inputClosed)
        let state = try #require(app.state)
        #expect(state.message.hasPrefix("the changes are in the WAL, but writing the records files failed:"))
        #expect(state.message.contains("write-protected"))
        #expect(state.pending.isEmpty && state.saving == nil)
        #expect(try db.walEntries().last?.operation == "COMMIT")
    }

    @Test("a checkpoint runs in the background; one confirmed during a save follows it")
    func checkpointQueued() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var holder: LockHolder?
        var app: BrowserApp!
        var during: BrowserState?
        var after: BrowserState?
        let steps: [ScriptedTerminal.Step] = [.key(.enter), .key(.right)] + edit("Ada") + [
            .run { holder = LockHolder(db) }, .key(.character("s")), .key(.character("c")), .key(.character("y")),
            .tick, .run { during = app.state }, .run { holder?.release() },
        ] + settle { app } + settle { app } + [.run { after = app.state }]
        let terminal = ScriptedTerminal(steps)
        app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        #expect(during?.saving?.checkpointQueued == true)
        #expect(after?.message.hasPrefix("checkpoint done: records files written, WAL archived to wal/") == true)
        #expect(dir.list("db/wal").contains { $0.hasPrefix("transaction.") && $0 != "transaction.log" })
        #expect(dir.read("db/data/student.records").contains(#""name":"Ada""#))
    }

    @Test("after a save with deletes under a sort, the grid is what reading the table again gives (edit during it or not)",
          arguments: [true, false])
    func savedRowsMatchReload(editDuring: Bool) throws {
        let db = try Fixture.memory(studentCount: 40)
        var d = Driver(db)
        d.press(.enter)
        d.press(.right, .right, .right)
        d.press(.character("]"))  // sort by gpa, descending
        d.press(.character("d"), .character("y"), .character("j"), .character("d"), .character("y"))
        d.press(.character("a"), .enter)  // refused (name is NOT NULL): the form goes to the name
        d.type("New")
        d.press(.tab)
        d.type("new@uni.edu")
        d.press(.enter)
        d.press(.character("j"), .character("j"), .character("j"))
        let effects = d.state.handle(.character("s"), context: db)
        guard case .save(let changes, _)? = effects.first else { Issue.record("no save effect"); return }
        #expect(changes.count == 3)
        d.state.saveStarted(.save(changes: changes), phase: "writing the WAL")
        // An edit during the save, on the same table.
        d.press(.character("k"))
        if editDuring {
            d.press(.character("e"), .control("u"))
            d.type("3.5")
            d.press(.enter)
        }
        #expect(d.state.pending.count == (editDuring ? 1 : 0))
        try BackgroundSave.write(changes, to: db)
        let keyBefore = d.state.currentKey
        _ = d.state.saveFinished(.saved, context: db)
        var fresh = d.state
        fresh.reload(context: db)
        #expect(d.state.table?.rows == fresh.table?.rows)
        #expect(d.state.table?.baseRows == fresh.table?.baseRows)
        #expect(d.state.view.map { d.state.table!.rows[$0] } == fresh.view.map { fresh.table!.rows[$0] })
        #expect(d.state.currentKey == keyBefore)
        #expect(d.state.pending.count == (editDuring ? 1 : 0) && d.state.table?.deletedKeys.isEmpty == true)
        #expect(d.state.table?.rows.count == 40 - 2 + 1)
        #expect(d.state.table?.nextKey == fresh.table?.nextKey)
    }

    @Test("the save's status fits the status line at 80 columns and survives a resize to 1x1 and back")
    func statusAtEverySize() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter, .right)
        for name in ["A", "B", "C"] {
            d.press(.character("e"), .control("u"))
            d.type(name)
            d.press(.enter, .down)
        }
        guard case .save(let changes, _)? = d.state.handle(.character("s"), context: d.source).first else {
            Issue.record("no save effect")
            return
        }
        d.state.saveStarted(.save(changes: changes), phase: "records")
        d.state.saveProgressed(phase: "records", elapsedMilliseconds: 12_345, fraction: nil)
        _ = d.state.queueSave(thenQuit: false)  // nothing new: not queued
        #expect(d.state.saving?.saveQueued == false)
        d.press(.character("e"), .control("u"))
        d.type("D")
        d.press(.enter)
        d.press(.character("s"))
        d.state.quitWhenSaved(discarding: false)
        #expect(d.state.savingStatus == "saving 3 (records) 12.3 s +save +quit")
        #expect(d.statusArea.contains("│ 1 pending │ saving 3 (records) 12.3 s +"))
        for (rows, columns) in [(1, 1), (2, 3), (5, 20), (24, 80)] {
            d.state.viewport = (rows, columns)
            let grid = Renderer.render(d.state)
            #expect(grid.lines.count == rows && grid.lines.allSatisfy { DisplayWidth.of($0) <= columns })
        }
        #expect(d.statusArea.contains("saving 3 (records) 12.3 s"))
        // With the engine's progress (Database.saveProgress): how much of the records file is written.
        d.state.saveProgressed(phase: "records", elapsedMilliseconds: 2_100, fraction: 0.4)
        #expect(d.state.savingStatus == "saving 3 (records 40%) 2.1 s +save +quit")
    }

    @Test("during a save, keys that need the database say they wait for it and change nothing; moves and search work")
    func keysThatWaitForTheSave() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter, .right, .character("e"), .control("u"))
        d.type("Ada")
        d.press(.enter)
        guard case .save(let changes, _)? = d.state.handle(.character("s"), context: d.source).first else {
            Issue.record("no save effect")
            return
        }
        d.state.saveStarted(.save(changes: changes), phase: "WAL")
        for key in [Key.character("x"), .character(":")] {
            d.press(key)
            #expect(d.state.mode == .normal && d.state.messageIsError)
            #expect(d.state.message.hasSuffix("waits for the save to end (saving…; the grid, search and moves work meanwhile)"))
        }
        d.press(.left, .left)  // to the key column, then to the tables pane
        #expect(d.state.focus == .tables)
        d.press(.down, .enter)  // teacher: another table
        #expect(d.state.message.hasPrefix("opening teacher waits for the save"))
        #expect(d.state.table?.name == "student")
        d.press(.up, .enter)  // the open table itself: no database needed
        #expect(d.state.focus == .grid && !d.state.messageIsError)
        d.press(.down, .down)
        #expect(d.state.row == 2)
        d.press(.character("/"))
        d.type("Zo")
        d.press(.enter)
        #expect(d.state.search == "Zo" && d.state.row == 2)
        #expect(d.state.saving != nil && d.state.pending.isEmpty)
    }
}
