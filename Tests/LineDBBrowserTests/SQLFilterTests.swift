import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser filters by SQL expression, evaluated by SQLite over the rows as shown")
struct SQLFilterTests {
    /// `student` open, the cursor on column `c`; SQL expressions evaluated by a real ``SQLFilterEvaluator``.
    @Test("an expression over several columns keeps exactly the rows that pass, in the view's order")
    func expression() throws {
        var d = try onColumn(3, students: 200)
        #expect(d.state.evaluator != nil)
        let table = try #require(d.state.table)
        d.press(.character("]"))  // gpa descending: the filter keeps this order
        let sorted = d.state.view
        filter(&d, "gpa > 3 AND name LIKE 'c%'")
        let expected = sorted.filter {
            (table.rows[$0][3].doubleValue ?? 0) > 3 && (table.rows[$0][1].stringValue ?? "").lowercased().hasPrefix("c")
        }
        #expect(!expected.isEmpty && d.state.view == expected)
        #expect(d.state.filters == [.expression("gpa > 3 AND name LIKE 'c%'")])
        #expect(d.state.message == "filter gpa > 3 AND name LIKE 'c%': \(expected.count) of 200 rows")
        #expect(d.lines[0].contains("student: \(expected.count) of 200, by gpa ↓ │ gpa > 3 AND name LIKE 'c%'"))
        // IS NULL, and a table qualifier: the rows are the table's.
        d.press(.control("f"))
        filter(&d, "student.born IS NULL AND id % 2 = 0")
        let nulls = sorted.filter { table.rows[$0][4].isNull && (table.rows[$0][0].intValue ?? 1) % 2 == 0 }
        #expect(!nulls.isEmpty && d.state.view == nulls, "\(d.state.view) \(nulls) \(d.state.message)")
    }

    @Test("short forms and expressions stack; Backspace removes the last; the result equals a synchronous rebuild")
    func stacking() throws {
        var d = try onColumn(1, students: 300)
        let table = try #require(d.state.table)
        filter(&d, "carol")
        filter(&d, "gpa >= 2.5")
        filter(&d, "~2")
        let expected = table.rows.indices.filter {
            TextMatcher("carol").matches(table.rows[$0][1]) && (table.rows[$0][3].doubleValue ?? 0) >= 2.5
                && TextMatcher("2").matches(table.rows[$0][1])
        }
        #expect(!expected.isEmpty && d.state.view == expected && d.state.filters.count == 3)
        var again = d.state
        again.recomputeView()
        #expect(again.view == expected)
        d.press(.backspace)
        #expect(d.state.filters == [.column(RowFilter(column: 1, text: "carol")), .expression("gpa >= 2.5")])
        #expect(d.state.view == table.rows.indices.filter {
            TextMatcher("carol").matches(table.rows[$0][1]) && (table.rows[$0][3].doubleValue ?? 0) >= 2.5
        })
    }

    @Test("the expression sees pending edits: a changed cell and an added record, not saved")
    func pendingEdits() throws {
        var d = try onColumn(1)
        d.press(.character("e"), .control("u"))
        d.type("Quentin")
        d.press(.enter, .character("a"))
        d.type("Quincy")
        d.press(.enter)
        #expect(d.state.pending.count == 2)
        filter(&d, "name IN ('Quentin', 'Quincy', 'Alice')")  // Alice was renamed: gone
        let table = try #require(d.state.table)
        #expect(d.state.view.map { table.rows[$0][1] } == ["Quentin", "Quincy"])
    }

    @Test("a bad expression: SQLite's message, the prompt open with the text and the cursor there; nothing changes")
    func badExpression() throws {
        var d = try onColumn(3, columns: 119)
        filter(&d, "> 3")
        let view = d.state.view
        d.press(.character("f"))
        d.type("gpa > 2 AN name = 'x'")
        d.press(.enter)
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("the prompt closed"); return }
        #expect(prompt.editor.string == "gpa > 2 AN name = 'x'")
        #expect(d.state.message.hasPrefix("SQL error at 9: near \"AN\": syntax error") && d.state.messageIsError,
                "\(d.state.message)")
        #expect(prompt.editor.cursor == 8)  // at "AN", where SQLite points
        #expect(d.status.contains("SQL error at 9: near \"AN\""))
        #expect(d.state.view == view && d.state.filters.count == 1 && d.state.task == nil)
        // Fixed in place, it applies.
        d.press(.right, .right)
        d.type("D")
        #expect(d.hints.contains("gpa > 2 AND name = 'x'"))
        d.press(.enter)
        #expect(d.state.mode == .normal && d.state.filters.count == 2 && d.state.view.isEmpty)
        // An unknown column, a function that does not exist: the message names it.
        d.press(.backspace, .character("f"))
        d.type("gpa > 2 AND nme = 'x'")
        d.press(.enter)
        #expect(d.state.message.hasPrefix("SQL error at 13: no such column: nme"), "\(d.state.message)")
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.view == view)
    }

    @Test("an expression that fails on a row changes nothing and reopens the prompt with the expression")
    func runtimeError() throws {
        var d = try onColumn(3)
        let view = d.state.view
        filter(&d, "abs(id * 0 - 9223372036854775807 - 1) > 0")
        #expect(d.state.message.contains("integer overflow") && d.state.messageIsError, "\(d.state.message)")
        #expect(d.state.view == view && d.state.filters.isEmpty)
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("no prompt"); return }
        #expect(prompt.editor.string == "abs(id * 0 - 9223372036854775807 - 1) > 0")
    }

    @Test("a filter only reads: a write or a second statement smuggled in is refused and nothing changes")
    func onlyReads() throws {
        let db = try Fixture.memory()
        var d = Driver(db)
        d.press(.enter)
        filter(&d, "id > 0); DELETE FROM student; SELECT (1")
        #expect(d.state.messageIsError && d.state.message.hasPrefix("SQL error"), "\(d.state.message)")
        #expect(try db.count("student") == 10 && d.state.view.count == 10 && d.state.filters.isEmpty)
        d.press(.escape)
        filter(&d, "id > 8); SELECT 1 WHERE (1")
        #expect(d.state.messageIsError && d.state.filters.isEmpty, "\(d.state.message)")
    }

    @Test("json_extract reads a json column; other tables can be read in a subquery")
    func jsonAndSubquery() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("item", columns: [
            Column("id", .int, primaryKey: true), Column("meta", .json), Column("tag", .str),
        ]))
        try db.createTable(TableSchema("wanted", columns: [Column("tag", .str, primaryKey: true)]))
        for i in 1...12 {
            try db.insert("item", ["meta": i % 3 == 0 ? .null : .object(["x": .int(i % 2)]), "tag": .string("t\(i % 4)")])
        }
        try db.insert("wanted", ["tag": "t1"])
        var d = Driver(db)
        d.press(.enter)
        filter(&d, "json_extract(meta,'$.x') = 1")
        let table = try #require(d.state.table)
        #expect(d.state.view.map { table.rows[$0][0] } == [1, 5, 7, 11])
        d.press(.control("f"))
        filter(&d, "tag IN (SELECT tag FROM wanted) AND meta IS NOT NULL")
        #expect(d.state.view.map { table.rows[$0][0] } == [1, 5])
    }

    @Test("over many rows the expression runs in slices with progress; Esc cancels it and nothing changes")
    func slicesAndCancel() throws {
        let app = BrowserApp(database: try Fixture.memory(studentCount: 3000))
        app.sliceMilliseconds = 0
        app.workChunk = 40
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l"), .character("f")] + keys("li") + [.enter]),
            (.idle, [.character("f")] + keys("gpa > 2.5 AND id % 3 = 0") + [.enter]), (.frames(3), [.escape]),
            (.idle, [.control("f"), .character("f")] + keys("gpa > 2.5 AND id % 3 = 0") + [.enter]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        let table = try #require(state.table)
        #expect(terminal.statusLines.contains { $0.contains("filtering… ") && $0.contains("(Esc cancels)") })
        #expect(terminal.statusLines.contains { $0.contains("filtering cancelled") })
        // The cancelled one left "li" as it was (the frame after Esc); the last one ran to its end.
        let afterEsc = terminal.frames[terminal.groupFrames[2]].lines[0]
        #expect(afterEsc.contains("│ name contains li") && !afterEsc.contains("gpa"), "\(afterEsc)")
        let expected = table.rows.indices.filter {
            (table.rows[$0][3].doubleValue ?? 0) > 2.5 && (table.rows[$0][0].intValue ?? 1) % 3 == 0
        }
        #expect(state.filters == [.expression("gpa > 2.5 AND id % 3 = 0")] && state.view == expected)
    }
}
