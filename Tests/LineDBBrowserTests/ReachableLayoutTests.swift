import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 14 section A: every pane reachable and everything readable at 80x24, 120x40 and 200x60.
@Suite("Reachable and readable at 80x24")
struct ReachableLayoutTests {
    static let sizes = [(24, 80), (40, 120), (60, 200)]

    /// The titles of the panes on screen that carry the focus marker.
    func focusedTitles(_ d: Driver) -> [String] {
        d.lines.flatMap { line in
            line.components(separatedBy: "│").filter { $0.hasPrefix(Renderer.focusMarker) }
        }
    }

    @Test("S at 80x24 shows the schema in the tables pane's place; Tab reaches it; T gives the place back")
    func schemaAt80() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)
        #expect(d.state.layout.schema == nil && !d.lines.joined().contains("Schema: student"))
        d.press(.character("S"))
        let layout = d.state.layout
        let schema = try #require(layout.schema, "S did nothing at 80x24")
        #expect(layout.tables == nil && schema.column == 0 && layout.grid.column == schema.width + 1)
        #expect(d.lines[0].contains("Schema: student"))
        #expect(d.lines.contains { $0.hasPrefix(" email") && $0.contains("unique") })
        #expect(d.state.message.contains("tables' place"))
        // Tab cycles through what is visible: grid, schema, WAL, and back.
        var seen: [BrowserState.Focus] = []
        for _ in 0..<3 {
            d.press(.tab)
            seen.append(d.state.focus)
        }
        #expect(seen == [.wal, .schema, .grid], "\(seen)")
        d.press(.tab)
        #expect(d.state.focus == .wal)
        d.press(.character("T"))
        #expect(d.state.layout.tables != nil && d.state.layout.schema == nil)
        d.press(.character("S"), .character("S"))  // shown, then hidden again
        #expect(d.state.layout.schema == nil && d.state.layout.tables != nil)
    }

    @Test("every pane can be shown and focused at every size from 80x24, and W shows the WAL on a short screen")
    func everyPaneReachable() throws {
        for (rows, columns) in [(24, 80), (18, 80), (24, 60), (40, 120), (60, 200)] {
            for pane in [BrowserState.Focus.tables, .schema, .wal] {
                var d = Driver(try Fixture.memory(), rows: rows, columns: columns)
                d.press(.enter)
                if !d.state.visibleFocuses.contains(pane) {
                    d.press(.character(pane == .tables ? "T" : pane == .schema ? "S" : "W"))
                }
                #expect(d.state.visibleFocuses.contains(pane), "\(pane) at \(columns)x\(rows)")
                var reached = false
                for _ in 0..<4 where !reached {
                    d.press(.tab)
                    reached = d.state.focus == pane
                }
                #expect(reached, "Tab never reached \(pane) at \(columns)x\(rows)")
                #expect(focusedTitles(d).count == 1, "\(columns)x\(rows): \(focusedTitles(d))")
            }
        }
    }

    @Test("the focused pane's title starts with ▶ (no colour needed), and only one pane has it")
    func focusMarker() throws {
        for (rows, columns) in Self.sizes {
            var d = Driver(try Fixture.memory(), rows: rows, columns: columns)
            #expect(focusedTitles(d).map { $0.hasPrefix("▶ Tables") } == [true], "\(columns)x\(rows)")
            d.press(.enter)
            #expect(focusedTitles(d).map { $0.hasPrefix("▶ student: 10 records") } == [true])
            d.press(.tab)
            let expected = columns >= 120 ? "▶ Schema: student" : "▶ WAL"
            #expect(focusedTitles(d).map { $0.hasPrefix(expected) } == [true], "\(columns)x\(rows): \(focusedTitles(d))")
        }
    }

    @Test("moving in the tables list shows the highlighted table's rows and columns without opening it")
    func tablePreview() throws {
        var d = Driver(try Fixture.memory())
        d.press(.down)  // teacher, still not open
        #expect(d.state.table?.name == "student")
        let lines = d.lines.map { String($0.prefix(18)) }
        let heading = try #require(lines.firstIndex { $0.hasPrefix("─ teacher: 2 ") }, "\(lines)")
        #expect(lines[heading + 1].contains(" code") && lines[heading + 1].contains("str")
                && lines[heading + 1].contains(" \(SchemaWords.key.1)"), "\(lines)")
        #expect(lines[heading + 2].contains(" name") && lines[heading + 2].contains("not"))
        // Wide: the schema pane shows it.
        var wide = Driver(try Fixture.memory(), rows: 60, columns: 200)
        wide.press(.down)
        #expect(wide.lines[0].contains("Schema: teacher (2 rows)"), "\(wide.lines[0])")
        #expect(wide.lines.contains { $0.contains(" code ") && $0.contains("PK") })
        wide.press(.up)
        #expect(wide.lines[0].contains("Schema: student"))
    }

    @Test("the status line shows row k of N, of the filter, and the column's name and type")
    func statusPosition() throws {
        var d = try onColumn(1, students: 20)
        d.press(.down, .down)
        #expect(d.status.contains("student  row 3 of 20") && d.status.contains("name: str"), "\(d.status)")
        d.press(.right, .right)
        #expect(d.status.contains("gpa: float"))
        filter(&d, "> 3")
        let count = d.state.view.count
        #expect(count > 0 && count < 20)
        #expect(d.status.contains("of \(count) (filtered from 20)") && d.status.contains("gpa: float"), "\(d.status)")
    }

    /// "refused: word1 word2 …" of about `length` characters.
    func sentence(_ length: Int) -> String {
        var text = "refused:"
        var i = 0
        while text.count < length - 4 {
            i += 1
            text += " word\(i)"
        }
        return text + " END"
    }

    @Test("a long message wraps onto lines of its own above the status line (the grid gives them up), not cut")
    func longMessageWraps() throws {
        for (rows, columns) in Self.sizes {
            var d = Driver(try Fixture.memory(), rows: rows, columns: columns)
            d.press(.enter)
            let gridHeight = d.state.layout.grid.height
            // Too long to go beside the position: a line of its own.
            let one = sentence(columns - 10)
            d.state.fail(one)
            #expect(d.state.layout.grid.height == gridHeight - 1, "\(columns)x\(rows)")
            #expect(d.status.contains("student  row 1 of 10"), "the position stays on its line: \(d.status)")
            #expect(d.lines[rows - 3].trimmingCharacters(in: .whitespaces) == one, "\(d.lines[rows - 3])")
            // Longer than a line: wrapped at a space onto two, nothing cut.
            let two = sentence(columns * 3 / 2)
            d.state.fail(two)
            #expect(d.state.layout.grid.height == gridHeight - 2)
            let wrapped = [d.lines[rows - 4], d.lines[rows - 3]].map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(wrapped.joined(separator: " ") == two, "\(wrapped)")
            #expect(d.status.contains("student  row 1 of 10"))
            // Longer than two lines: the rest is in the recent messages.
            d.state.fail(String(repeating: "long ", count: columns))
            #expect(d.state.layout.grid.height == gridHeight - 2)
            #expect(d.lines[rows - 3].hasSuffix("… (Ctrl-P shows all)"), "\(d.lines[rows - 3])")
            d.press(.down)  // the message goes, the grid takes its lines back
            #expect(d.state.layout.grid.height == gridHeight && d.state.message.isEmpty)
        }
    }

    @Test("Ctrl-P shows the recent messages, newest last, errors marked; Esc closes; at most 100 are kept")
    func recentMessages() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)
        d.press(.character("d"), .character("n"))  // a question, answered no
        d.press(.tab, .character("e"))  // refused in the WAL pane
        d.press(.control("p"))
        #expect(d.state.mode == .messages)
        let lines = d.lines
        let title = try #require(lines.firstIndex { $0.contains("Recent messages, newest last") })
        let refusal = try #require(lines.firstIndex { $0.contains("✗ e acts on the records grid") }, "\(lines)")
        #expect(refusal > title)
        d.press(.escape)
        #expect(d.state.mode == .normal)
        for i in 1...130 { d.state.say("message \(i)") }
        #expect(d.state.messageLog.count == 100 && d.state.messageLog.last?.text == "message 130")
        d.press(.control("p"))
        let shown = d.lines.joined(separator: "\n")
        #expect(shown.contains("message 130 ") && !shown.contains("message 31 ") && shown.contains("↑↓ scroll"))
        #expect(!d.state.messageLog.contains { $0.text == "message 30" })
        d.press(.character("g"))
        #expect(d.lines.joined(separator: "\n").contains("message 31 "))
        d.press(.control("p"))
        #expect(d.state.mode == .normal)
    }

    @Test("the help: one column at 80x24 scrolling to its end, several when wide; every line readable whole")
    func helpLayout() throws {
        var everyText = Set(Renderer.helpGroups(.standard).flatMap { $0.1.map(\.1) })
        everyText.insert(SchemaWords.legend)
        for (rows, columns) in Self.sizes {
            var d = Driver(try Fixture.memory(), rows: rows, columns: columns)
            d.press(.character("?"))
            let page = Renderer.helpPage(.standard, rows: rows, columns: columns)
            #expect(page.columns.count == 1 || columns > 80, "\(columns)x\(rows): \(page.columns.count)")
            // Scrolling only when one column is taller than the screen; from 120x40 every key is in sight.
            #expect(columns == 80 || page.height <= Renderer.overlayRoom(rows: rows, columns: columns).height)
            var seen = ""
            for _ in 0..<8 {
                seen += d.lines.joined(separator: "\n") + "\n"
                d.press(.pageDown)
            }
            for text in everyText {
                #expect(seen.contains(text), "\(columns)x\(rows): \"\(text)\" not shown whole")
            }
            #expect(!seen.contains("…"), "\(columns)x\(rows): a help line is cut")
        }
    }

    @Test("the help's legend and the schema pane say the same words: long where they fit, else the legend's short forms")
    func oneVocabulary() throws {
        #expect(Renderer.helpGroups(.standard).flatMap(\.1).contains { $0 == ("Schema pane", SchemaWords.legend) })
        var d = Driver(try Fixture.memory())
        d.press(.enter, .character("S"))
        var pane = d.lines.map { String($0.prefix(d.state.layout.schema!.width)) }
        for word in [SchemaWords.key.1, SchemaWords.unique.1, SchemaWords.notNull.1] {
            #expect(pane.contains { $0.contains(" \(word)") }, "\(word): \(pane)")
        }
        // A pane too narrow for the long words on some line: the short forms on every line, and their legend.
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true),
            Column("code", .str, nullable: false, unique: true, default: "a-long-default-value"),
        ]))
        d = Driver(db)
        d.press(.enter, .character("S"))
        pane = d.lines.map { String($0.prefix(d.state.layout.schema!.width)) }
        #expect(pane.contains { $0.hasPrefix(" id") && $0.contains(" PK") }, "\(pane)")
        #expect(pane.contains { $0.hasPrefix(" code") && $0.contains(" UQ NN =") })
        #expect(pane.contains { $0.contains(SchemaWords.legend) })
    }

    @Test("writing over half of a wide character blanks its other half: no fragment is left under an overlay edge")
    func wideCharacterEdges() {
        var grid = ScreenGrid(rows: 2, columns: 10)
        grid.put("李雷李雷李", row: 0, column: 0)
        grid.put("│", row: 0, column: 3)  // over the right half of the first 雷: its left half goes too
        #expect(grid.lines[0] == "李 │李雷李", "\(grid.lines[0])")
        grid.fill(row: 0, column: 5, height: 1, width: 2)  // from the right half of 李 to the left half of 雷
        #expect(grid.lines[0] == "李 │    李", "\(grid.lines[0])")
        #expect(wellFormed(grid))
    }

    /// Every right half follows a wide character, and every wide character has its right half.
    func wellFormed(_ grid: ScreenGrid) -> Bool {
        for r in 0..<grid.rows {
            for c in 0..<grid.columns {
                let cell = grid[r, c]
                if cell.isContinuation && (c == 0 || DisplayWidth.of(grid[r, c - 1].text) != 2) { return false }
                if !cell.isContinuation && DisplayWidth.of(cell.text) == 2
                    && (c + 1 >= grid.columns || !grid[r, c + 1].isContinuation) { return false }
            }
        }
        return true
    }

    @Test("overlays over wide characters at every size leave no half character; 200 columns show no ││")
    func overlaysOverWideCharacters() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("w", columns: [Column("id", .int, primaryKey: true), Column("t", .str)]))
        for i in 0..<40 { try db.insert("w", ["t": .string(String(repeating: i % 2 == 0 ? "李" : "😀", count: 60 + i))]) }
        for (rows, columns) in Self.sizes + [(24, 81), (41, 121)] {
            var d = Driver(db, rows: rows, columns: columns)
            d.press(.enter)
            for key in [Key.character("?"), .control("p")] {
                d.press(key)
                #expect(wellFormed(d.grid), "\(columns)x\(rows) \(key)")
                d.press(.escape)
            }
            #expect(!d.lines.contains { $0.contains("││") }, "\(columns)x\(rows)")
        }
    }

    @Test("a resize to 1x1 and back restores the layout, with a pane shown on request")
    func resizeRestores() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter, .character("S"))
        let before = d.lines
        d.state.viewport = (1, 1)
        d.state.scrollToCursor()
        #expect(d.grid.rows == 1)
        d.state.viewport = (24, 80)
        d.state.scrollToCursor()
        #expect(d.lines == before)
    }
}

@Suite("Hostile text in the status area and the recent messages")
struct HostileStatusTests {
    @Test("control characters, bidi overrides, wide and combining characters and 1 MB in a message: visible glyphs, in their lines")
    func hostileMessages() throws {
        let hostile = [
            "line1\nline2\ttab\r\u{7}bell", "\u{202E}reversed\u{202C} after", "李雷韩梅梅😀 e\u{301} wide",
            String(repeating: "x", count: 1_000_000), "\u{200B}\u{FEFF}zero width",
        ]
        for (rows, columns) in ReachableLayoutTests.sizes {
            var d = Driver(try Fixture.memory(), rows: rows, columns: columns)
            d.press(.enter)
            let gridHeight = d.state.layout.grid.height
            for text in hostile {
                d.state.fail("refused: " + text)
                let grid = d.grid
                #expect(grid.rows == rows && d.lines.count == rows)
                #expect(d.state.layout.grid.height >= gridHeight - 2)
                #expect(d.status.contains("student  row 1 of 10"), "\(d.status)")
                let area = d.statusArea
                #expect(area.contains("refused:"))
                if text.hasPrefix("line1") { #expect(area.contains("line1↵line2⇥tab␍·bell"), "\(area)") }
                if text.hasPrefix("\u{202E}") { #expect(area.contains("·reversed· after") && !area.contains("\u{202E}")) }
                if text.hasPrefix("\u{200B}") { #expect(area.contains("··zero width")) }
            }
            d.press(.control("p"), .character("g"))  // the oldest at the top (the 1 MB one takes pages)
            let shown = d.lines.joined(separator: "\n")
            #expect(shown.contains("line1↵line2⇥tab␍·bell") && !shown.contains("\u{202E}"), "\(shown)")
            #expect(d.lines.allSatisfy { DisplayWidth.of($0) == columns })
            #expect(d.state.messageLog.allSatisfy { $0.text.unicodeScalars.count <= BrowserState.loggedMessageLimit + 1 })
        }
    }
}

@Suite("Focus after a resize")
struct FocusAfterResizeTests {
    /// A terminal whose size changes when it gives a `.resize` key; `nil` in the script: no key typed ahead.
    final class ResizingTerminal: Terminal {
        var size: (rows: Int, columns: Int)
        var frames: [ScreenGrid] = []
        var script: [(Key?, (rows: Int, columns: Int)?)]

        init(rows: Int, columns: Int, script: [(Key?, (rows: Int, columns: Int)?)]) {
            size = (rows, columns)
            self.script = script
        }

        func draw(_ grid: ScreenGrid) { frames.append(grid) }

        func nextKey(timeoutMilliseconds: Int) -> Key? {
            guard !script.isEmpty else { return .control("c") }
            let (key, newSize) = script.removeFirst()
            if let newSize { size = newSize }
            return key
        }

        func apply(_ theme: Theme) {}
    }

    @Test("a resize that leaves the focused pane out gives the focus to the grid, which shows the marker")
    func focusFollowsResize() throws {
        let app = BrowserApp(database: try Fixture.memory())
        // At 200x60 the schema pane gets the focus (Enter, Tab); then the terminal shrinks to 80x24.
        let terminal = ResizingTerminal(rows: 60, columns: 200, script: [
            (.enter, nil), (.tab, nil), (nil, nil), (.resize, (24, 80)), (nil, nil),
        ])
        #expect(try app.run(on: terminal) == .quit)
        let wide = try #require(terminal.frames.first { $0.columns == 200 && $0.lines[0].contains("▶ Schema") })
        #expect(wide.lines[0].contains("▶ Schema: student"))
        let narrow = try #require(terminal.frames.last)
        #expect(narrow.columns == 80 && app.state?.focus == .grid)
        #expect(narrow.lines[0].contains("│▶ student: 10 records"), "\(narrow.lines[0])")
    }
}

@Suite("The grid's right edge")
struct GridEdgeTests {
    @Test("no empty stub column or ││ at the grid's right edge, at any width from 80 to 200 columns")
    func noStub() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("name", .str), Column("email", .str), Column("gpa", .float),
            Column("active", .bool), Column("enrolled", .datetime), Column("birthday", .date),
        ]))
        for i in 0..<30 {
            var record = Record()
            record["name"] = .string("name \(i) 李雷")
            record["email"] = .string("student\(i)@example.edu")
            record["gpa"] = .double(Double(i) / 10)
            record["active"] = .bool(i % 2 == 0)
            record["enrolled"] = .string("2021-05-22T15:33:56")
            record["birthday"] = .string("2001-02-03")
            try db.insert("t", record)
        }
        for columns in 80...200 {
            var d = Driver(db, rows: 40, columns: columns)
            d.press(.enter)
            let r = d.state.layout.grid
            let grid = d.grid
            for row in r.row + 1..<r.row + 6 {
                let line = grid.lines[row]
                // Between the grid's last separator and its right edge: content, or a stretch too wide to be a column.
                let edge = r.column + r.width  // the next pane's separator, or the screen's edge
                #expect(!line.contains("││"), "\(columns): \(line)")
                let bars = displayColumns(of: "│", row: row, in: grid).filter { $0 >= r.column && $0 < edge }
                if let last = bars.last, last < edge - 1 {
                    let gap = edge - 1 - last
                    let blank = (last + 1..<edge).allSatisfy { grid[row, $0].text == " " }
                    #expect(gap > GridGeometry.sliver || !blank,
                            "\(columns) columns: an empty stub of \(gap) after the last column: \(line)")
                }
            }
        }
    }
}
