import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// `E`: the record as JSON in `$EDITOR` (here a shell script that rewrites the file with sed), through a
/// MemoryTerminal. Serialized: each test sets `EDITOR` for the process.
@Suite("Browser: E edits the record in $EDITOR", .serialized)
struct RecordEditorTests {
    /// Runs the browser on the fixture database: opens `student`, presses `E` on the first record (Alice) with
    /// `EDITOR` set to a script running `script` on the file (`$1`), then `extra` keys.
    func edit(with script: String, then extra: [Key] = []) throws -> (BrowserApp, MemoryTerminal, BrowserTempDir) {
        let dir = BrowserTempDir()
        let db = try Database(path: dir.db)
        try Fixture.fill(db)
        _ = try db.save()
        let editor = dir.path + "/editor.sh"
        try ("#!/bin/sh\n" + script + "\n").write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        // Run through `sh`, not executed itself: a process another test forks while this file is still open for
        // writing would make exec fail with ETXTBSY (exit 126), a flake seen on the shared machine.
        setenv("EDITOR", "sh " + editor, 1)
        defer { unsetenv("EDITOR") }
        let terminal = MemoryTerminal(rows: 24, columns: 100)
        terminal.type([.enter, .character("E")] + extra)
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        return (app, terminal, dir)
    }

    @Test("the editor sees the record as pretty JSON; changed columns become pending updates that s saves")
    func changesBecomePending() throws {
        let (app, terminal, dir) = try edit(
            with: #"cp "$1" "$(dirname "$0")/seen.json"; sed -i 's/"Alice"/"Ada"/; s/"gpa": 2.0/"gpa": 3/' "$1""#,
            then: [.character("s")])
        #expect(terminal.suspensions == 1)
        #expect(dir.read("seen.json") == """
            {
              "id": 1,
              "name": "Alice",
              "email": "s1@uni.edu",
              "gpa": 2.0,
              "born": "2001-02-01"
            }

            """)
        let state = try #require(app.state)
        #expect(state.message.contains("saved 2 changes"), "\(state.message)")
        let records = dir.read("db/data/student.records").split(separator: "\n")
        #expect(unpadded(records.first) == #"{"id":1,"name":"Ada","email":"s1@uni.edu","gpa":3.0,"born":"2001-02-01"}"#)
    }

    @Test("the pending updates name the changed columns; u undoes the edit as a whole and Ctrl-R redoes it")
    func pendingAndUndo() throws {
        let script = #"sed -i 's/"Alice"/"Ada"/; s/"born": "2001-02-01"/"born": null/' "$1""#
        let (app, _, _) = try edit(with: script)
        let state = try #require(app.state)
        let summaries = [
            #"UPDATE student id=1 name: "Alice" → "Ada""#, #"UPDATE student id=1 born: "2001-02-01" → null"#,
        ]
        #expect(state.pending.map(\.summary) == summaries)
        #expect(state.message == "record 1: name, born changed (pending: s saves, u undoes)")

        let (undone, _, _) = try edit(with: script, then: [.character("u")])
        #expect(undone.state?.pending.isEmpty == true)
        #expect(undone.state?.redoStack.count == 2)
        #expect(undone.state?.message.hasPrefix("undone: ") == true)
        #expect(undone.state?.currentRow?[1] == "Alice")

        let (redone, _, _) = try edit(with: script, then: [.character("u"), .control("r")])
        #expect(redone.state?.pending.map(\.summary) == summaries)
        #expect(redone.state?.currentRow?[1] == "Ada")
    }

    @Test(
        "a refused edit (bad JSON, type, UNIQUE, NOT NULL, key, column) names the column or error, changes nothing",
        arguments: [
            (#"sed -i 's/"id": 1,/"id": 1/' "$1""#, "record 1 not changed: invalid JSON: "),
            (#"sed -i 's/"gpa": 2.0/"gpa": "high"/' "$1""#, #"gpa: "high" is not a float; record 1 not changed"#),
            (#"sed -i 's/s1@uni.edu/s2@uni.edu/' "$1""#, "email: \"s2@uni.edu\" is already used (record 2); UNIQUE"),
            (#"sed -i 's/"Alice"/null/' "$1""#, "name: may not be null (NOT NULL); record 1 not changed"),
            (#"sed -i 's/"id": 1,/"id": 2,/' "$1""#, "id: 2 is already used (record 2); primary key"),
            (#"sed -i 's/"email"/"mail"/' "$1""#, "mail: no such column in student; record 1 not changed"),
            (#"sed -i '/"born"/d; s/"gpa": 2.0,/"gpa": 2.0/' "$1""#, "born: missing from the edited record"),
            ("exit 3", "exited with status 3; record not changed"),
        ])
    func refused(script: String, message: String) throws {
        let (app, _, dir) = try edit(with: script)
        let state = try #require(app.state)
        #expect(state.message.contains(message), "\(state.message)")
        #expect(state.messageIsError)
        #expect(state.pending.isEmpty)
        #expect(dir.read("db/data/student.records").hasPrefix(#"{"id":1,"name":"Alice","#))
    }

    @Test("the help overlay lists E")
    func help() throws {
        let dir = BrowserTempDir()
        let db = try Database(path: dir.db)
        try Fixture.fill(db)
        let terminal = MemoryTerminal(rows: 40, columns: 100, keys: [.character("?")])
        _ = try BrowserApp(database: db).run(on: terminal)
        let lines = terminal.screen.split(separator: "\n")
        #expect(lines.contains { $0.contains("E") && $0.contains("edit record in $EDITOR") }, "\(terminal.screen)")
    }

    @Test("a file left as it was changes nothing")
    func unchanged() throws {
        let (app, terminal, _) = try edit(with: "touch \"$1\"")
        let state = try #require(app.state)
        #expect(terminal.suspensions == 1)
        #expect(state.message == "record 1 unchanged")
        #expect(state.pending.isEmpty)
    }
}
