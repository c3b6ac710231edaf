import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser navigation and scrolling")
struct NavigationTests {
    @Test("Enter on a table opens it and focuses the grid on the first row's first column")
    func openTable() throws {
        var d = Driver(try Fixture.memory())
        d.press(.down)
        #expect(d.state.tableCursor == 1 && d.state.table?.name == "student")  // moving does not open
        d.press(.enter)
        #expect(d.state.table?.name == "teacher" && d.state.focus == .grid)
        #expect(d.state.row == 0 && d.state.column == 0)
        #expect(d.lines[0].contains("teacher: 2 records"))
        #expect(d.lines[2].contains("T1") && d.lines[2].contains("Turing"))
        #expect(d.status.contains("teacher  row 1 of 2"))
    }

    @Test("Enter on the table already open starts its view over without reading the table again")
    func reopenOpenTable() throws {
        /// Counts the reads of each table.
        final class CountingSource: BrowserDataSource {
            let base: Database
            var reads: [String] = []
            var failing = false
            struct Unreadable: Error {}
            init(_ base: Database) { self.base = base }
            func tableSummaries() -> [TableSummary] { base.tableSummaries() }
            func loadTable(_ name: String) throws -> TableData {
                reads.append(name)
                if failing { throw Unreadable() }
                return try base.loadTable(name)
            }
        }
        let source = CountingSource(try Fixture.memory())
        var d = Driver(source)
        #expect(source.reads == ["student"])
        d.press(.enter, .down, .down, .character("l"), .character("]"), .backTab)  // moved, sorted, back to Tables
        #expect(d.state.sort != nil && d.state.column == 1 && d.state.focus == .tables)
        d.press(.enter)
        #expect(source.reads == ["student"], "the open table was read again")
        #expect(d.state.focus == .grid && d.state.row == 0 && d.state.column == 0 && d.state.sort == nil)
        #expect(d.state.view == Array(0..<10))
        d.press(.backTab, .down, .enter)
        #expect(source.reads == ["student", "teacher"] && d.state.table?.name == "teacher")

        // A reload that failed leaves the table as it was read before: Enter on it reads it again.
        source.failing = true
        d.state.reload(context: source)
        #expect(d.state.messageIsError && d.state.message.contains("cannot reload teacher"))
        source.failing = false
        d.press(.backTab, .enter)
        #expect(source.reads == ["student", "teacher", "teacher", "teacher"], "\(source.reads)")
        #expect(!d.state.tableIsStale)
    }

    @Test("records are in primary-key order, not insertion order")
    func keyOrder() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [Column("k", .str, primaryKey: true)]))
        for k in ["m", "c", "x", "a"] { try db.insert("t", ["k": .string(k)]) }
        let d = Driver(db)
        #expect(d.state.view.map { d.state.table!.rows[$0][0] } == ["a", "c", "m", "x"])
        #expect(d.lines[2].contains(" a "))
    }

    @Test("arrows, hjkl, g/G, 0/$ and PgUp/PgDn move the cursor; the grid scrolls with it")
    func movement() throws {
        var d = Driver(try Fixture.memory(studentCount: 40))
        d.press(.enter, .down, .character("j"))
        #expect(d.status.contains("row 3 of 40"))
        d.press(.character("G"))
        #expect(d.status.contains("row 40 of 40"))
        let lines = d.lines
        #expect(lines.contains { $0.contains("Frank 39") })
        #expect(!lines.contains { $0.contains(" 1 ║") })  // the first row scrolled away
        #expect(d.state.top > 0)
        d.press(.character("g"))
        #expect(d.state.row == 0 && d.state.top == 0)
        d.press(.pageDown)
        #expect(d.state.row == d.state.pageSize)
        d.press(.pageUp)
        #expect(d.state.row == 0)
        d.press(.character("$"))
        #expect(d.state.column == 4)
        d.press(.character("h"), .left)
        #expect(d.state.column == 2)
        d.press(.character("0"))
        #expect(d.state.column == 0)
        d.press(.character("k"))
        #expect(d.state.row == 0)  // clamped
    }

    @Test("a wide table scrolls horizontally with the key column pinned")
    func horizontalScroll() throws {
        let db = Database.inMemory()
        var columns = [Column("id", .int, primaryKey: true)]
        for i in 1...12 { columns.append(Column("col\(i)", .str)) }
        try db.createTable(TableSchema("wide", columns: columns))
        for r in 0..<5 {
            var record = Record()
            for i in 1...12 { record["col\(i)"] = .string("value-\(i)-row-\(r)") }
            try db.insert("wide", record)
        }
        var d = Driver(db)
        d.press(.enter)
        #expect(d.lines[1].contains("col1 str"))
        #expect(!d.lines[1].contains("col12"))
        d.press(.character("$"))
        let lines = d.lines
        #expect(lines[1].contains("col12"))
        #expect(!lines[1].contains("col1 str"))
        #expect(lines[1].contains("id*"))  // pinned
        #expect(lines[2].contains(" 1 ║") && lines[2].contains("value-12-row-0"))
        #expect(d.state.left > 1)
        d.press(.character("0"))
        #expect(d.lines[1].contains("col1 str"))
        d.press(.right)
        #expect(d.state.left <= 1)
    }

    @Test("Tab and Shift-Tab move between the panes that are shown")
    func tabCycle() throws {
        var d = Driver(try Fixture.memory())
        d.press(.tab)
        #expect(d.state.focus == .grid)
        d.press(.tab)
        #expect(d.state.focus == .wal)  // no schema pane at 80 columns
        d.press(.tab)
        #expect(d.state.focus == .tables)
        d.press(.backTab)
        #expect(d.state.focus == .wal)
        var wide = Driver(try Fixture.memory(), rows: 50, columns: 160)
        wide.press(.tab, .tab)
        #expect(wide.state.focus == .schema)
    }

    @Test("the help overlay lists every key, grouped, and Esc closes it")
    func help() throws {
        var d = Driver(try Fixture.memory())
        d.press(.character("?"))
        // At 80x24 the help is one column that scrolls: its pages, PgDn after PgDn.
        let pages = d.helpScreens().joined(separator: "\n")
        for text in ["Move", "Find", "Edit", "Database", "Ctrl-R", "PgUp", "checkpoint", "export", "filter", "undo",
                     "T S W", "NN not null", "k j h l", "↑ ↓ ← →", "g G", "Home End", "s Ctrl-S",
                     "In the editor and prompts", "Ctrl-U/K", "Tab ↓ ↑"] {
            #expect(pages.contains(text), "help lacks \(text)")
        }
        // Every line of every group is on one of its pages at 80x24, none cut off at the bottom.
        let shown = Renderer.helpGroups.flatMap { [$0.0] + $0.1.map(\.1) }
        for text in shown { #expect(pages.contains(text), "help at 80x24 lacks \(text)") }
        d.press(.escape)
        #expect(d.state.mode == .normal)
        #expect(!d.lines.joined().contains("Ctrl-R"))
    }

    @Test("q quits at once without pending changes, asks save/discard/cancel with some; Ctrl-C does the same")
    func quit() throws {
        var d = Driver(try Fixture.memory())
        d.press(.character("q"))
        #expect(d.effects == [.quit])
        var e = Driver(try Fixture.memory())
        e.press(.enter, .character("l"), .character("e"), .character("x"), .enter, .control("c"))
        #expect(e.effects.isEmpty)
        #expect(e.hints.contains("1 unsaved change: s save and quit, d discard and quit, c cancel"))
        e.press(.character("c"))
        #expect(e.state.mode == .normal && e.effects.isEmpty)
        e.press(.character("q"), .character("d"))
        #expect(e.effects == [.quit])
    }

    @Test("every frame is laid out for the current size: 160x50, then 80x24, then 50x16")
    func resize() throws {
        var d = Driver(try Fixture.memory(studentCount: 40), rows: 50, columns: 160)
        d.press(.enter, .character("G"))
        #expect(d.lines.count == 50 && d.lines[0].contains("Schema"))
        d.state.viewport = (24, 80)
        d.press(.resize)
        let small = d.lines
        #expect(small.count == 24 && small[0].count == 80 && !small[0].contains("Schema"))
        #expect(small.contains { $0.contains("Frank 39") })  // the cursor row is still on screen
        d.state.viewport = (16, 50)
        d.press(.resize)
        #expect(!d.lines.joined().contains("Tables") && !d.lines.joined().contains("WAL:"))
        #expect(d.lines.contains { $0.contains("Frank 39") })
        #expect(d.status.contains("row 40 of 40"))
    }

    @Test("an unknown key is reported, not fatal")
    func unknownKey() throws {
        var d = Driver(try Fixture.memory())
        d.press(.unknown(999))
        #expect(d.state.message.contains("unknown key") && d.state.messageIsError)
    }

    @Test("T, S and W hide and show the tables, schema and WAL panes; the grid takes the room")
    func hidePanes() throws {
        var d = Driver(try Fixture.memory(), rows: 50, columns: 160)
        let gridWidth = d.state.layout.grid.width
        d.press(.character("S"), .character("W"), .character("T"))
        let lines = d.lines
        #expect(!lines.joined().contains("Schema") && !lines.joined().contains("WAL:") && !lines[0].contains("Tables"))
        #expect(d.state.layout.grid == Rect(row: 0, column: 0, height: 48, width: 160))
        #expect(d.state.focus == .grid)  // the focused tables pane went away
        #expect(lines[2].hasPrefix("       1 ║"))
        d.press(.character("S"))
        #expect(d.lines[0].contains("Schema: student") && d.state.layout.grid.width < 160)
        #expect(d.state.layout.grid.width > gridWidth)
    }

    @Test("an empty database and a tiny terminal draw without failing; keys that need a table say so or do nothing")
    func emptyAndTiny() throws {
        let db = Database.inMemory()
        var d = Driver(db)
        #expect(d.lines[0].contains("Tables (0)") && d.lines[0].contains("No table"))
        d.press(.enter, .character("e"), .character("a"), .character("d"), .character("x"), .character("/"))
        d.press(.escape, .character("G"), .character("$"), .character("f"), .character("]"), .tab, .tab, .tab)
        #expect(d.state.table == nil)
        d.state.viewport = (3, 10)
        #expect(d.lines[0].hasPrefix("Terminal"))
        var small = Driver(try Fixture.memory(), rows: 6, columns: 20)
        small.press(.enter, .character("G"), .character("$"), .character("?"))
        #expect(small.lines.count == 6)
    }

    @Test("column widths fit the values on screen: a long value widens its column only when it scrolls into view")
    func widthsFollowTheScreen() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("s", .str)]))
        for i in 1...60 { try db.insert("t", ["s": .string(i == 50 ? "a considerably longer value" : "x\(i)")]) }
        var d = Driver(db)
        d.press(.enter)
        let narrow = try #require(displayColumns(of: "│", row: 1, in: d.grid).dropFirst().first)
        d.press(.character("G"))
        let wide = try #require(displayColumns(of: "│", row: 1, in: d.grid).dropFirst().first)
        #expect(wide - narrow == DisplayWidth.of("a considerably longer value") - DisplayWidth.of("s str"))
        #expect(d.lines.contains { $0.contains("a considerably longer value") })
    }
}
