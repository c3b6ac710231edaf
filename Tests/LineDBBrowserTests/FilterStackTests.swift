import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser filters: a stack of short forms and SQL expressions, the count, remove-last")
struct FilterStackTests {
    /// `student` open, the cursor on column `c`.
    @Test("a second filter narrows the first; Backspace removes the last; Ctrl-F removes them all")
    func stacking() throws {
        var d = try onColumn(3, students: 200)  // gpa
        let table = try #require(d.state.table)
        func gpa(_ r: Int) -> Double { table.rows[r][3].doubleValue ?? 0 }
        func name(_ r: Int) -> String { table.rows[r][1].stringValue ?? "" }
        filter(&d, ">= 3")
        let first = table.rows.indices.filter { gpa($0) >= 3 }
        #expect(d.state.view == first && d.state.filters.count == 1)
        d.press(.left, .left)  // name
        filter(&d, "li")
        let both = first.filter { name($0).lowercased().contains("li") }
        #expect(!both.isEmpty && both.count < first.count)
        #expect(d.state.view == both && d.state.filters.count == 2)
        #expect(d.state.message == "filter name contains li: \(both.count) of 200 rows")
        // The cursor stays on its record when the last filter goes.
        d.press(.character("G"))
        let key = d.state.currentKey
        d.press(.backspace)
        #expect(d.state.view == first && d.state.filters == [.column(RowFilter(column: 3, text: ">= 3"))])
        #expect(d.state.currentKey == key)
        #expect(d.state.message == "last filter removed: \(first.count) of 200 rows")
        filter(&d, "li")
        d.press(.control("f"))
        #expect(d.state.filters.isEmpty && d.state.view == Array(0..<200))
        d.press(.backspace)
        #expect(d.state.message == "no filter to remove" && d.state.view.count == 200)
    }

    @Test("a filter narrows a sorted view in its order; removing it sorts every row the others keep again")
    func stackingWhileSorted() throws {
        var d = try onColumn(3, students: 300)
        let table = try #require(d.state.table)
        d.press(.character("]"))  // gpa descending
        filter(&d, "> 2.5")
        d.press(.left, .left)
        filter(&d, "carol")
        let sortedDown = { (rows: [Int]) in
            rows.sorted { a, b in
                let c = JSONValue.compare(table.rows[a][3], table.rows[b][3])
                return c != 0 ? c > 0 : a < b
            }
        }
        let expected = sortedDown(table.rows.indices.filter {
            (table.rows[$0][3].doubleValue ?? 0) > 2.5 && TextMatcher("carol").matches(table.rows[$0][1])
        })
        #expect(!expected.isEmpty && d.state.view == expected)
        d.press(.backspace)
        #expect(d.state.view == sortedDown(table.rows.indices.filter { (table.rows[$0][3].doubleValue ?? 0) > 2.5 }))
        var again = d.state
        again.recomputeView()
        #expect(again.view == d.state.view)
    }

    @Test("the grid's title shows 'shown of total' with separators and the filters; the oldest give way at 80x24")
    func display() throws {
        var d = try onColumn(3, students: 1500)
        filter(&d, "> 2.5")
        let n = d.state.view.count
        #expect(n > 1000)
        #expect(d.lines[0].contains("student: \(BrowserState.grouped(n)) of 1,500 │ gpa > 2.5"))
        d.press(.left, .left)
        filter(&d, "o")
        filter(&d, "!= Bob")
        filter(&d, "~ a rather long text to find that takes room")
        let title = d.lines[0]
        // The newest filter is shown (cut), the older ones give way to "…".
        #expect(title.contains("│ … › name contains a rather long"))
        #expect(!title.contains("gpa > 2.5"))
        #expect(DisplayWidth.of(title) <= 80)
        d.press(.backspace)
        #expect(d.lines[0].contains("│ … › name contains o › name != Bob") && DisplayWidth.of(d.lines[0]) <= 80, "\(d.lines[0])")
        d.state.viewport = (24, 119)
        #expect(d.lines[0].contains("│ gpa > 2.5 › name contains o › name != Bob"))
        #expect(BrowserState.grouped(336_776) == "336,776" && BrowserState.grouped(1_234) == "1,234")
        #expect(BrowserState.grouped(999) == "999" && BrowserState.grouped(1_000_000) == "1,000,000")
    }

    @Test("the prompt names the column for a short form and says WHERE for SQL, as the text is typed")
    func promptLabel() throws {
        var d = try onColumn(3)
        d.press(.character("f"))
        #expect(d.hints.hasPrefix("Filter gpa: "))
        d.type("gpa")
        #expect(d.hints.hasPrefix("Filter gpa: gpa"))  // one word: text to find
        d.type(" > 3")
        #expect(d.hints.hasPrefix("Filter WHERE gpa > 3"))
        d.press(.home)
        d.type("~")
        #expect(d.hints.hasPrefix("Filter gpa: ~gpa > 3"))
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.filters.isEmpty)
    }

    @Test("today's short forms read as before; SQL starts with a column, a function, a quoted name, ( or NOT")
    func reading() {
        let names = ["id", "name", "email", "gpa", "born", "dep-delay"]
        for text in ["> 3", ">= 3", "<= 3", "< 3", "= Bob", "!= null", "= null", "li", "contains li", "~ gpa > 3",
                     "not found", "(555) 123", "gpa", "gpa ", "\"a\"", "3.5", "Bob Smith", "zoë", "= 'x' AND y",
                     "nobody > 3", "", "  ", "Mr.Smith x", "a.b"] {
            #expect(ViewFilter.read(text, column: 1, names: names) == .column(RowFilter(column: 1, text: text)),
                    "\(text)")
        }
        let sql: [(String, String)] = [
            ("gpa > 3", "gpa > 3"), ("  name LIKE 'A%'  ", "name LIKE 'A%'"), ("born IS NULL", "born IS NULL"),
            ("json_extract(email,'$.x') = 1", "json_extract(email,'$.x') = 1"), ("GPA>3", "GPA>3"),
            ("(gpa > 3 OR gpa < 2) AND id < 9", "(gpa > 3 OR gpa < 2) AND id < 9"),
            ("NOT name = 'x'", "NOT name = 'x'"), ("not (gpa > 3)", "not (gpa > 3)"),
            ("where 1 = 1", "1 = 1"), ("WHERE  'JFK' = name", "'JFK' = name"), ("\"dep-delay\" > 3", "\"dep-delay\" > 3"),
            ("lower(name) = 'bob'", "lower(name) = 'bob'"), ("[dep-delay] > 1", "[dep-delay] > 1"),
            ("student.born IS NULL", "student.born IS NULL"),
        ]
        for (text, expression) in sql {
            #expect(ViewFilter.read(text, column: 1, names: names) == .expression(expression), "\(text)")
        }
        #expect(ViewFilter.expressionStart(in: "  where  a > 1") == 9)
        #expect(ViewFilter.expressionStart(in: " a > 1") == 1)
    }

    @Test("the filter sees pending edits: a cell changed and a record added, not saved")
    func pendingEdits() throws {
        var d = try onColumn(1)
        d.press(.character("e"), .control("u"))
        d.type("Quentin")
        d.press(.enter, .character("a"))  // the form starts on the name
        d.type("Quincy")
        d.press(.enter)
        #expect(d.state.pending.count == 2)
        d.press(.character("0"), .character("l"))
        filter(&d, "qu")
        let table = try #require(d.state.table)
        #expect(d.state.view.map { table.rows[$0][1] } == ["Quentin", "Quincy"])
    }

    @Test("without a SQL engine an expression keeps the prompt open with the text; nothing changes")
    func noEvaluator() throws {
        var d = try onColumn(3)
        d.state.evaluator = nil
        filter(&d, "> 3")
        let view = d.state.view
        d.press(.character("f"))
        d.type("gpa > 3 AND name LIKE 'A%'")
        d.press(.enter)
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("the prompt closed"); return }
        #expect(prompt.editor.string == "gpa > 3 AND name LIKE 'A%'")
        #expect(d.state.messageIsError && d.state.message.hasPrefix("SQL error: "))
        #expect(d.state.view == view && d.state.filters.count == 1 && d.state.task == nil)
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.view == view)
    }

    @Test("an empty filter changes nothing; a short form that cannot apply is refused as before")
    func refusals() throws {
        var d = try onColumn(3)
        filter(&d, "> 3")
        let view = d.state.view
        filter(&d, "  ")
        #expect(d.state.message == "no filter typed: the filters are unchanged" && d.state.view == view)
        filter(&d, "< x")
        #expect(d.state.message == "filter gpa < x: 'x' is not a number (gpa is float); the filters are unchanged")
        #expect(d.state.view == view && d.state.filters.count == 1)
    }

    @Test("Esc while a stacked filter or a remove-last runs: the filters, the view and the cursor stay as they were")
    func cancel() throws {
        let app = BrowserApp(database: try Fixture.memory(studentCount: 3000))
        app.sliceMilliseconds = 0
        app.workChunk = 50
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l"), .character("f")] + keys("li") + [.enter]),
            (.idle, [.character("j"), .character("j")]),
            (.idle, [.character("f")] + keys("!= Alice") + [.enter]), (.frames(3), [.escape]),
            (.idle, [.character("f")] + keys("!= Alice") + [.enter]),
            (.idle, [.backspace]), (.frames(3), [.escape]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        let table = try #require(state.table)
        let li = table.rows.indices.filter { TextMatcher("li").matches(table.rows[$0][1]) }
        let both = li.filter { table.rows[$0][1] != "Alice" }
        // The first Esc left "li" alone (row 3 kept); the second kept both filters.
        #expect(state.filters == [.column(RowFilter(column: 1, text: "li")),
                                  .column(RowFilter(column: 1, text: "!= Alice"))])
        #expect(state.view == both && both.count < li.count)
        #expect(terminal.statusLines.contains { $0.contains("filtering… ") && $0.contains("(Esc cancels)") })
        #expect(terminal.statusLines.filter { $0.contains("filtering cancelled") }.count >= 2)
        let afterFirstEsc = terminal.frames[terminal.groupFrames[3]].lines
        #expect(afterFirstEsc[0].contains("of 3,000 │ name contains li") && !afterFirstEsc[0].contains("Alice"))
        #expect(afterFirstEsc[22].contains("row 3 of \(li.count) (filtered from 3000)"))
    }

    @Test("a long filter shows its first screen of matches before it ends; the cursor moves in them; Esc puts back")
    func firstScreenEarly() throws {
        func app() throws -> BrowserApp {
            let app = BrowserApp(database: try Fixture.memory(studentCount: 3000))
            app.sliceMilliseconds = 0
            app.workChunk = 100
            return app
        }
        let moving = try app()
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l"), .character("l"), .character("l"), .character("f")] + keys("> 2.2")
                + [.enter]),
            (.frames(2), [.character("j"), .character("j")]),
        ])
        _ = try moving.run(on: terminal)
        let state = try #require(moving.state)
        let table = try #require(state.table)
        let expected = table.rows.indices.filter { (table.rows[$0][3].doubleValue ?? 0) > 2.2 }
        #expect(state.view == expected && state.row == 2)  // the cursor stayed where it was moved
        // A frame while it ran: its first matches, counted "≥", the filter named, the progress.
        let early = try #require(terminal.frames.firstIndex { $0.lines[0].contains("student: ≥") })
        #expect(terminal.frames[early].lines[0].contains("of 3,000 │ gpa > 2.2"))
        #expect(terminal.statusLines[early].contains("filtering… "))
        #expect(terminal.frames.last!.lines[0].contains("student: \(BrowserState.grouped(expected.count)) of 3,000"))

        let cancelling = try app()
        let esc = PacedTerminal([
            (.idle, [.enter, .character("l"), .character("l"), .character("l"), .character("j")]),
            (.idle, [.character("f")] + keys("> 2.2") + [.enter]), (.frames(3), [.escape]),
        ])
        _ = try cancelling.run(on: esc)
        let after = try #require(cancelling.state)
        #expect(after.filters.isEmpty && after.view == Array(0..<3000) && after.row == 1)
        #expect(esc.frames.contains { $0.lines[0].contains("student: ≥") })
        #expect(esc.frames.last!.lines[0].contains("student: 3000 records"))
    }
}
