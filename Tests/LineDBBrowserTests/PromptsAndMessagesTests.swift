import LineDB
import Testing

@testable import LineDBBrowser

/// Every prompt, question and status message a key can bring up, as the screen shows it.
@Suite("Browser prompts, questions and messages")
struct PromptsAndMessagesTests {
    @Test("keys with nothing to act on say so: undo, redo, save, preview, discard, next match, an unbound key")
    func nothingToDo() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)
        for (key, message) in [
            (Key.character("u"), "nothing to undo"), (.control("r"), "nothing to redo"), (.character("s"), "nothing to save"),
            (.character("p"), "no pending changes"), (.character("D"), "no pending changes"),
            (.character("n"), "no search: press / first"), (.function(5), "F5: no action (? shows the keys)"),
        ] {
            d.press(key)
            #expect(d.state.message == message)
            #expect(d.status.contains(message), "\(d.status)")
            #expect(d.state.mode == .normal)
        }
    }

    @Test("each question is shown on the key-hint line, and n or Esc cancels it with a message")
    func questionsCancelled() throws {
        var d = Driver(try Fixture.memory(), columns: 140)
        d.press(.enter, .character("d"))
        #expect(d.hints.contains("Delete record 1 of student? y yes, n no"))
        d.press(.character("n"))
        #expect(d.state.message == "delete cancelled" && d.state.pending.isEmpty)
        d.press(.character("c"))
        #expect(d.hints.contains("Checkpoint: save every table, archive the WAL, start a new one? y yes, n no"))
        d.press(.escape)
        #expect(d.state.message == "checkpoint cancelled" && d.effects.isEmpty)
        d.press(.character("e"))
        #expect(d.hints.contains("Editing id: Enter accept  Esc cancel  Ctrl-N null  ←→ Home End move"))
        d.press(.escape)
        #expect(d.state.message == "edit cancelled")
        d.press(.character("a"))
        #expect(d.hints.contains("Add a record: Tab/↓ next field  ↑ previous  Enter add  Esc cancel  Ctrl-N null"))
        d.press(.escape)
        #expect(d.state.message == "add cancelled")

        // With a pending change: the checkpoint question says it is not included; discard and quit ask.
        d.press(.character("d"), .character("y"), .character("c"))
        #expect(d.hints.contains("Checkpoint without your 1 unsaved change: save every table"))
        d.press(.character("n"), .character("D"))
        #expect(d.hints.contains("Discard all 1 pending change? y yes, n no"))
        d.press(.character("n"))
        #expect(d.state.pending.count == 1)
        d.press(.character("q"))
        #expect(d.hints.contains("1 unsaved change: s save and quit, d discard and quit, c cancel"))
        d.press(.character("c"))
        #expect(d.state.message == "quit cancelled" && d.effects.isEmpty)
        d.press(.character("D"), .character("y"))
        #expect(d.state.message == "discarded 1 pending change" && d.state.pending.isEmpty)
    }

    @Test("the search and filter prompts, and what a filter with each operator says")
    func promptsAndFilters() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 120)
        d.press(.enter, .character("/"))
        #expect(d.hints.hasPrefix("Search: "))
        d.press(.escape, .character("$"), .character("h"), .character("f"))  // gpa
        #expect(d.hints.hasPrefix("Filter gpa: "))
        d.type("> 3")
        d.press(.enter)
        let table = try #require(d.state.table)
        let over = table.rows.filter { ($0[3].doubleValue ?? 0) > 3 }.count
        #expect(d.state.message == "filter gpa > 3: \(over) of 20 rows")
        d.press(.backspace)
        #expect(d.state.message == "filter cleared: 20 rows")
        d.press(.character("f"))
        d.type("<= 2.4")
        d.press(.enter)
        let under = table.rows.filter { ($0[3].doubleValue ?? 9) <= 2.4 }.count
        #expect(under > 0 && d.state.view.count == under)
        #expect(d.state.view.allSatisfy { (table.rows[$0][3].doubleValue ?? 9) <= 2.4 })
        d.press(.backspace, .character("f"))
        d.type("= 2.8")
        d.press(.enter)
        #expect(!d.state.view.isEmpty && d.state.view.allSatisfy { table.rows[$0][3] == .double(2.8) })
        d.press(.backspace, .character("f"))
        d.type("< x")  // not a float: refused, nothing filtered
        d.press(.enter)
        #expect(d.state.message == "filter gpa < x: 'x' is not a number (gpa is float); nothing filtered")
        #expect(d.state.messageIsError && d.state.view.count == 20 && d.state.filters.isEmpty)
        d.press(.character("f"))
        d.type(">=")
        d.press(.enter)
        #expect(d.state.message == "filter gpa >=: nothing to compare with (e.g. >= 3); nothing filtered")
    }

    @Test("a terminal too small and a read-only database say so")
    func refusals() throws {
        var small = Driver(try Fixture.memory(), rows: 5, columns: 19)
        small.press(.enter)
        #expect(small.lines[0].hasPrefix("Terminal too small"))
        var ro = Driver(try Fixture.memory(), readOnly: true)
        ro.press(.enter, .character("e"))
        #expect(ro.state.messageIsError && ro.state.message.contains("read-only"))
        ro.press(.character("c"))
        #expect(ro.state.message == "read-only: only the writer can checkpoint")
    }

    @Test("the line editor moves with ← → (by character, wide ones too) and inserts there")
    func editorArrows() {
        var editor = LineEditor("李雷ab")
        #expect(editor.cursor == 4)
        _ = editor.handle(.left)
        _ = editor.handle(.left)
        _ = editor.handle(.left)
        _ = editor.handle(.character("x"))
        #expect(editor.string == "李x雷ab" && editor.cursor == 2)
        _ = editor.handle(.right)
        _ = editor.handle(.right)
        _ = editor.handle(.right)
        _ = editor.handle(.right)  // stops at the end
        #expect(editor.cursor == 5)
        _ = editor.handle(.control("a"))
        _ = editor.handle(.control("k"))
        #expect(editor.string.isEmpty)
    }
}
