import Foundation
import LineDB
import Testing

@testable import LineDBBrowser

@Suite("Browser query sheet: the : prompt runs SQL (LineDBSQL), the result is a sheet")
struct QuerySheetTests {
    /// Runs the app over `keys` on the fixture database; the final state.
    func run(_ keys: [Key], database: Database? = nil) throws -> (BrowserState, MemoryTerminal) {
        let terminal = MemoryTerminal(rows: 24, columns: 120)
        terminal.type(keys)
        let app = BrowserApp(database: try database ?? Fixture.memory(studentCount: 40))
        _ = try app.run(on: terminal)
        return (try #require(app.state), terminal)
    }

    func query(_ sql: String) -> [Key] { [.character(":")] + keys(sql) + [.enter] }

    @Test("a GROUP BY query opens as a sheet: its columns and rows, counted here from the table")
    func groupBy() throws {
        let db = try Fixture.memory(studentCount: 40)
        let (state, terminal) = try run(
            query("SELECT substr(name, 1, 1) AS initial, count(*) AS n, avg(gpa) FROM student GROUP BY initial "
                  + "ORDER BY n DESC, initial"), database: db)
        let sheet = try #require(state.sheet)
        guard case .query(let sql, let links) = sheet.kind else { Issue.record("not a query sheet"); return }
        #expect(sql.hasPrefix("SELECT substr") && links.isEmpty)
        let table = try #require(state.table)
        #expect(table.schema.columns.map(\.name) == ["initial", "n", "avg(gpa)"])
        #expect(table.schema.columns.map(\.type) == [.str, .int, .float])
        var counts: [String: Int] = [:]
        for record in try db.select("student") {
            counts[String(record["name"]!.stringValue!.prefix(1)), default: 0] += 1
        }
        let rows = state.view.map { table.rows[$0] }
        #expect(rows.count == counts.count)
        for row in rows { #expect(row[1] == .int(counts[row[0].stringValue!]!)) }
        #expect(rows.map { $0[1].intValue! } == rows.map { $0[1].intValue! }.sorted(by: >))
        #expect(terminal.screen.contains("Query: SELECT substr(name, 1, 1)"))
        #expect(terminal.screen.contains("query sheet  row 1 of \(counts.count)"))
    }

    @Test("Enter on a row with a table's primary key (under any alias) opens that record in its table")
    func enterOpensRecord() throws {
        // (Keys typed while a query runs wait for it: Enter is typed once the sheet is shown.)
        let app = BrowserApp(database: try Fixture.memory(studentCount: 40))
        let terminal = PacedTerminal(rows: 24, columns: 120, [
            (.idle, query("SELECT email, s.id AS who, name FROM student s WHERE gpa >= 3 ORDER BY email DESC")),
            (.idle, [.character("j"), .character("j"), .enter])])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.sheets.isEmpty)
        let table = try #require(state.table)
        #expect(table.name == "student" && state.focus == .grid)
        let db = try Fixture.memory(studentCount: 40)
        let expected = try db.select("student").filter { $0["gpa"]!.doubleValue! >= 3 }
            .sorted { JSONValue.compare($0["email"]!, $1["email"]!) > 0 }[2]
        #expect(table.rows[state.view[state.row]][0] == expected["id"]!)
        #expect(terminal.statusLines.last!.contains("student record \(ValueText.display(expected["id"]!))"))
    }

    @Test("a failing query says SQLite's message and puts the query back in the prompt; a write is refused")
    func failures() throws {
        let (state, _) = try run(query("SELECT nope FROM student"))
        #expect(state.messageIsError && state.message.contains("no such column: nope"))
        let mended = Prompt(purpose: .query(history: 1), editor: LineEditor("SELECT nope FROM student"))
        #expect(state.mode == .prompt(mended))
        let db = try Fixture.memory(studentCount: 40)
        let (refused, _) = try run(query("DELETE FROM student"), database: db)
        #expect(refused.messageIsError && refused.message.contains("the query prompt only reads"))
        #expect(try db.count("student") == 40 && refused.sheets.isEmpty)
    }

    @Test("↑ and ↓ in the prompt go through the queries of the session; Esc closes the query sheet")
    func history() throws {
        let (state, _) = try run(query("SELECT 1 AS a") + [.escape] + query("SELECT 2 AS b") + [.escape]
            + [.character(":"), .up])
        #expect(state.sheets.isEmpty && state.queryHistory == ["SELECT 1 AS a", "SELECT 2 AS b"])
        #expect(state.mode == .prompt(Prompt(purpose: .query(history: 1), editor: LineEditor("SELECT 2 AS b"))))
        var d = Driver(try Fixture.memory())
        d.state = state
        d.press(.up)
        #expect(d.state.mode == .prompt(Prompt(purpose: .query(history: 0), editor: LineEditor("SELECT 1 AS a"))))
        d.press(.up, .down, .down)
        #expect(d.state.mode == .prompt(Prompt(purpose: .query(history: 2), editor: LineEditor(""))))
    }

    @Test("Esc while a query runs interrupts it: no sheet, nothing else changed")
    func cancel() throws {
        let app = BrowserApp(database: try Fixture.memory(studentCount: 40))
        let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
            + "SELECT count(*) FROM c"
        let terminal = PacedTerminal([(.idle, [.enter, .character("l")]), (.idle, query(slow)),
                                      (.frames(3), [.escape])])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.runningQuery == nil && state.sheets.isEmpty)
        #expect(state.table?.name == "student" && state.column == 1)
        #expect(terminal.statusLines[terminal.groupFrames[2] - 1].contains("running the query… "))
        #expect(terminal.statusLines.last!.contains("query cancelled"))
    }

    @Test("sheets stack: F on a query sheet's column counts its rows; Enter filters the query sheet; Esc pops one")
    func frequencyOfQuery() throws {
        let app = BrowserApp(database: try Fixture.memory(studentCount: 40))
        let terminal = PacedTerminal(rows: 24, columns: 120, [
            (.idle, query("SELECT id, born FROM student WHERE id <= 12")),
            (.idle, [.character("l"), .character("F")]),
            (.idle, [.character("j"), .enter]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        // Back on the query sheet, filtered to the second most frequent birth date.
        #expect(state.sheets.count == 1)
        guard case .query? = state.sheet?.kind else { Issue.record("not on the query sheet"); return }
        let table = try #require(state.table)
        let shownDates = state.view.map { table.rows[$0][1] }
        let db = try Fixture.memory(studentCount: 40)
        var counts: [JSONValue: Int] = [:]
        for record in try db.select("student") where record["id"]!.intValue! <= 12 {
            counts[record["born"]!, default: 0] += 1
        }
        let second = counts.sorted { a, b in a.value != b.value ? a.value > b.value : JSONValue.compare(a.key, b.key) < 0 }[1]
        #expect(shownDates.count == second.value && shownDates.allSatisfy { $0 == second.key })
        #expect(terminal.frames.contains { $0.text.contains("2 sheets: frequency sheet") })
    }
}
