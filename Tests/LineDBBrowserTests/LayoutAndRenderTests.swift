import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser layout and rendering")
struct LayoutAndRenderTests {
    @Test("the first screen at 80x24: tables by name with counts, the first table open, headers, rows, status")
    func firstScreen() throws {
        let d = Driver(try Fixture.memory())
        let lines = d.lines
        #expect(lines.count == 24)
        #expect(lines[0].hasPrefix("▶ Tables (2)"))  // the focused pane's marker
        #expect(lines[0].contains("student: 10 records"))
        #expect(lines[1].hasPrefix(" student") && lines[1].contains("10"))
        #expect(lines[2].hasPrefix(" teacher") && lines[2].contains("2"))
        #expect(lines[1].contains("id* int"))  // the key column is marked, types hinted
        #expect(lines[1].contains("name str"))
        #expect(lines[2].contains("Alice") && lines[2].contains("s1@uni.edu"))
        #expect(lines[3].contains("李雷"))
        #expect(d.status.contains("testdb") && d.status.contains("student  row 1 of 10") && d.status.contains("RW"))
        #expect(d.hints.contains("? help") && d.hints.contains("q quit"))
        #expect(d.state.focus == .tables)
        #expect(lines.contains { $0.hasPrefix(" WAL") })  // no WAL for an in-memory database, but the pane is there
        #expect(!lines.joined().contains("Schema:"))  // 80 columns: the schema pane is the first to go
    }

    @Test("the key hints fit the width: at 80 columns the least needed give way, help, quit and save stay")
    func hintsFit() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)  // the grid's hints
        #expect(d.hints.contains("? help  q quit  e edit") && d.hints.contains("s save"), "\(d.hints)")
        #expect(!d.hints.contains("…") && DisplayWidth.of(String(d.hints.reversed().drop { $0 == " " }.reversed())) <= 79)
        #expect(!d.hints.contains("preview"))  // the first to go
        var wide = Driver(try Fixture.memory(), rows: 24, columns: 160)
        wide.press(.enter)
        #expect(wide.hints.contains("p preview") && wide.hints.contains("[ ] sort"))
        let tables = Driver(try Fixture.memory())
        #expect(tables.hints.contains("s save") && tables.hints.contains("c checkpoint"), "\(tables.hints)")
        #expect(!tables.hints.contains("…"))
    }

    @Test("a wide terminal shows the schema pane with type, key, unique, nullable and default")
    func wideLayout() throws {
        let d = Driver(try Fixture.memory(), rows: 50, columns: 160)
        let lines = d.lines
        #expect(lines[0].contains("Schema: student"))
        let id = try #require(lines.first { $0.contains(" id ") && $0.contains("PK") })
        #expect(id.contains("int"))
        #expect(lines.contains { $0.contains("email") && $0.contains("unique") && !$0.contains("not null") })
        #expect(lines.contains { $0.contains("name") && $0.contains("not null") })
        #expect(lines.contains { $0.contains("gpa") && $0.contains("=0.0") })
        let layout = Layout(rows: 50, columns: 160)
        #expect(layout.schema != nil && layout.wal != nil && layout.tables != nil)
    }

    @Test("panes are hidden in order: schema, then WAL, then tables, and never overlap")
    func hiddenPanes() {
        let wide = Layout(rows: 50, columns: 160)
        let narrow = Layout(rows: 24, columns: 80)
        #expect(narrow.schema == nil && narrow.wal != nil && narrow.tables != nil)
        let short = Layout(rows: 16, columns: 80)
        #expect(short.wal == nil && short.tables != nil)
        let thin = Layout(rows: 16, columns: 50)
        #expect(thin.tables == nil && thin.grid.column == 0 && thin.grid.width == 50)
        for layout in [wide, narrow, short, thin] {
            var owner = [[Int]](repeating: [Int](repeating: -1, count: 160), count: 50)
            let rects = [layout.tables, layout.grid, layout.schema, layout.wal, layout.status, layout.hints]
            for (i, rect) in rects.enumerated() {
                guard let rect else { continue }
                for r in rect.row..<rect.row + rect.height {
                    for c in rect.column..<rect.column + rect.width {
                        #expect(owner[r][c] == -1, "panes \(owner[r][c]) and \(i) overlap at \(r),\(c)")
                        owner[r][c] = i
                    }
                }
            }
        }
    }

    @Test("numbers are right-aligned, text left-aligned, null is shown distinctly")
    func alignment() throws {
        let d = Driver(try Fixture.memory(), rows: 24, columns: 100)
        let grid = d.grid
        // Columns: id ║ name │ email │ gpa │ born. gpa's last digit sits just before its separator on every
        // row;
        // names start just after theirs.
        let pinned = try #require(displayColumns(of: "║", row: 1, in: grid).first)
        let separators = displayColumns(of: "│", row: 1, in: grid).filter { $0 > pinned }
        try #require(separators.count >= 3)
        for r in 2..<8 {
            #expect(grid[r, separators[2] - 2].text.first?.isNumber == true, "row \(r): \(grid.lines[r])")
            #expect(grid[r, pinned + 2].text != " ", "row \(r): \(grid.lines[r])")
            #expect(grid[r, pinned - 2].text.first?.isNumber == true)  // the key, right-aligned
        }
        let nullRow = 4  // the third student has no birth date
        let nullCells = displayColumns(of: "∅", row: nullRow, in: grid).filter { grid[nullRow, $0].style == .null }
        #expect(nullCells.count == 1)  // null is a dim ∅ (issue 14 item 7), never text
        #expect(!grid.lines[nullRow].contains("null"))
    }

    @Test("wide CJK, emoji and combining characters keep every column separator aligned")
    func wideCharacters() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("s", .str),
                                                       Column("n", .int)]))
        for s in ["abc", "李雷韩梅梅", "😀😀", "e\u{301}e\u{301}e\u{301}", "Zoë", "한국어"] {
            try db.insert("t", ["s": .string(s), "n": 7])
        }
        var d = Driver(db)
        d.press(.enter)
        let grid = d.grid
        let header = displayColumns(of: "│", row: 1, in: grid)
        #expect(header.count >= 3)
        for r in 2..<8 {
            #expect(displayColumns(of: "│", row: r, in: grid) == header, "row \(r): \(grid.lines[r])")
            #expect(displayColumns(of: "║", row: r, in: grid) == displayColumns(of: "║", row: 1, in: grid))
        }
        #expect(grid.lines[3].contains("李雷韩梅梅"))
    }

    @Test("long text is clipped with an ellipsis")
    func clipping() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("s", .str)]))
        try db.insert("t", ["s": .string(String(repeating: "long words ", count: 20))])
        let d = Driver(db)
        // Clipped at 40 columns and the few left at the grid's edge (GridGeometry.sliver): "…" ends the cell.
        #expect(d.lines[2].hasSuffix(" long words long words long words long words long… "), "\(d.lines[2])")
        #expect(!d.lines[2].contains(String(repeating: "long words ", count: 5)))
    }

    @Test("fill and put outside the grid change nothing and do not fail")
    func outsideTheGrid() {
        var grid = ScreenGrid(rows: 2, columns: 4)
        grid.fill(row: 0, column: 6, height: 1, width: 3, style: .error)
        grid.fill(row: 5, column: 0, height: 2, width: 2, style: .error)
        grid.fill(row: 0, column: -5, height: 1, width: 2, style: .error)
        grid.put("x", row: 9, column: 0)
        #expect(grid.lines == ["    ", "    "] && grid.cells.allSatisfy { $0.style == .normal })
    }
}
