import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 14 item 6: the cell editor keeps the row in view, keeps a refused text, and never swallows a key silently;
/// a refused `$EDITOR` edit opens the editor again on the user's text with the reason at the top.
@Suite("Browser: editing never loses text", .serialized)
struct EditSafetyTests {
    @Test("the cell editor stays in its cell: the row's other cells are drawn while it is open")
    func rowStaysVisible() throws {
        var d = try onColumn(1, students: 10)
        let before = d.lines[2]
        #expect(before.contains("s1@uni.edu") && before.contains("2001-02-01"), "\(before)")
        d.press(.character("e"))
        let editing = d.lines[2]
        #expect(editing.contains("Alice"), "\(editing)")
        #expect(editing.contains("s1@uni.edu") && editing.contains("2.0") && editing.contains("2001-02-01"),
                "the editor blanked the row: \(editing)\n\(before)")
        // A long text scrolls inside the cell: the cursor's end shows, the next cells still do.
        d.type(String(repeating: "x", count: 60) + "END")
        let long = d.lines[2]
        #expect(long.contains("END") && long.contains("2001-02-01"), "\(long)")
    }

    @Test("hostile text in the cell editor (wide, bidi, control, combining) stays inside its cell; the row's separators hold")
    func hostileTextStaysInCell() throws {
        var d = try onColumn(1, students: 10)
        let header = displayColumns(of: "│", row: 1, in: d.grid)
        d.press(.character("e"))
        d.type(String(repeating: "世\u{202E}e\u{301}\u{1B}[31m界", count: 200))
        let grid = d.grid
        #expect(displayColumns(of: "│", row: 2, in: grid) == header, "\(grid.lines[2])")
        #expect(grid.lines[2].contains("s1@uni.edu") && !grid.lines[2].contains("\u{1B}"), "\(grid.lines[2])")
        #expect(grid.lines[2].contains("·"), "the invisible characters show as ·: \(grid.lines[2])")
    }

    @Test("a refused value keeps the text and the editor; a command key is not swallowed silently; Esc says dropped")
    func refusedEdit() throws {
        var d = try onColumn(3, students: 10)  // gpa
        d.press(.character("e"), .control("u"))
        d.type("abc")
        d.press(.enter)
        guard case .edit(let edit) = d.state.mode else { Issue.record("the editor closed"); return }
        #expect(edit.editor.string == "abc" && edit.refusal == "gpa: 'abc' is not a number")
        #expect(d.hints.contains("Refused: fix the text, Enter tries again; Esc drops the edit"), "\(d.hints)")
        // ↓ (a move in the grid) is not an editing key: it is said, the refusal stays in view, the text is intact.
        d.press(.down)
        #expect(d.state.messageIsError)
        #expect(d.state.message.hasPrefix("gpa: 'abc' is not a number — ↓ is not an editing key"), "\(d.state.message)")
        guard case .edit(let still) = d.state.mode else { Issue.record("the editor closed"); return }
        #expect(still.editor.string == "abc" && d.state.row == 0)
        // Esc leaves and says the edit was dropped, quoting the text.
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.pending.isEmpty)
        #expect(d.state.message == "edit of gpa dropped; the cell keeps its value (your text was 'abc')")
        // Without a refusal, a non-editing key says what works too (no silent nothing).
        d.press(.character("e"), .tab)
        #expect(d.state.message.contains("Tab is not an editing key: Enter accepts, Esc drops the edit"),
                "\(d.state.message)")
        #expect(!d.state.messageIsError)
    }

    @Test("the help lists the new keys and the editor's Ctrl-N (null; empty str text is \"\")")
    func help() throws {
        let groups = Renderer.helpGroups(.standard)
        let editor = try #require(groups.first { $0.0 == "In the editor and prompts" })
        #expect(editor.1.contains { $0.0 == "Ctrl-N" && $0.1 == "null ∅ (empty str: \"\")" })
        var d = try onColumn(0, students: 10)
        d.press(.character("?"))
        let lines = d.helpScreens()
        for (keys, what) in [("Del A", "null ∅ / duplicate row"), ("y Y P", "copy cell/record; paste"),
                             ("c w", "checkpoint / take over"), ("Ctrl-N", "null ∅")] {
            #expect(lines.contains { $0.contains(keys) && $0.contains(what) }, "\(keys) \(what)\n\(lines.joined(separator: "\n"))")
        }
    }
}

/// `E` with a refusal: the editor opens again on the user's text, with the reason as `#` lines at the top.
extension EditSafetyTests {
    /// The fixture on disk, `EDITOR` set to `sh editor.sh` running `script`, keys typed: the app after them.
    func run(script: String, keys: [Key]) throws -> (BrowserApp, MemoryTerminal, BrowserTempDir) {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let editor = dir.path + "/editor.sh"
        try ("#!/bin/sh\nD=\"$(dirname \"$0\")\"\n" + script + "\n").write(toFile: editor, atomically: true, encoding: .utf8)
        setenv("EDITOR", "sh " + editor, 1)
        defer { unsetenv("EDITOR") }
        let terminal = MemoryTerminal(rows: 24, columns: 100)
        terminal.type(keys)
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        return (app, terminal, dir)
    }

    @Test("a refused record edit reopens the editor with the error on top and the user's text; fixed, it goes through")
    func reopenAfterRefusal() throws {
        // Round 1: a bad gpa. Round 2 (the file starts with the reason): the gpa fixed.
        let script = #"""
            n=$(ls "$D" | grep -c '^seen')
            cp "$1" "$D/seen$n.json"
            if [ "$n" = 0 ]; then sed -i 's/"Alice"/"Ada"/; s/"gpa": 2.0/"gpa": "high"/' "$1"
            else sed -i 's/"gpa": "high"/"gpa": 3.5/' "$1"; fi
            """#
        let (app, terminal, dir) = try run(script: script, keys: [.enter, .character("E")])
        #expect(terminal.suspensions == 2)
        let second = dir.read("seen1.json")
        #expect(second.hasPrefix("# linedb: NOT CHANGED: gpa: \"high\" is not a float; record 1 not changed\n"),
                "\(second)")
        // The user's text, as left: the other change (Ada) is still there.
        #expect(second.contains(#""name": "Ada""#) && second.contains(#""gpa": "high""#), "\(second)")
        let state = try #require(app.state)
        #expect(state.message == "record 1: name, gpa changed (pending: s saves, u undoes)", "\(state.message)")
        #expect(state.currentRow?[1] == "Ada" && state.currentRow?[3] == 3.5)
    }

    @Test("leaving the reopened text as it was gives up, says why, and the next E opens that text again")
    func giveUpKeepsText() throws {
        let script = #"""
            n=$(ls "$D" | grep -c '^seen')
            cp "$1" "$D/seen$n.json"
            if [ "$n" = 0 ]; then sed -i 's/"Alice"/"Ada"/; s/"id": 1,/"id": 1/' "$1"; fi
            """#
        let (app, terminal, dir) = try run(script: script, keys: [.enter, .character("E"), .character("E")])
        #expect(terminal.suspensions == 3)
        let state = try #require(app.state)
        #expect(state.pending.isEmpty)
        #expect(state.messageIsError && state.message.hasPrefix("record 1 not changed: invalid JSON"), "\(state.message)")
        #expect(state.message.hasSuffix("(your text is kept: E opens it again)"), "\(state.message)")
        // The third E opened the kept text (with the reason), not the saved record.
        let third = dir.read("seen2.json")
        #expect(third == dir.read("seen1.json") && third.contains(#""name": "Ada""#), "\(third)")
        #expect(third.hasPrefix("# linedb: NOT CHANGED: record 1 not changed: invalid JSON"), "\(third)")
    }
}
