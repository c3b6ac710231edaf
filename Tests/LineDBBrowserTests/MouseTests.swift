import LineDB
import Testing

@testable import LineDBBrowser

@Suite("The mouse: clicks, the wheel, SGR reports, the config switch")
struct MouseTests {
    func sgr(_ text: String) -> EscapeSequence.Decoded {
        EscapeSequence.decode(Array(text.unicodeScalars.map(\.value)), atEnd: true)
    }

    func click(_ row: Int, _ column: Int) -> Key { .mouse(MouseEvent(.press(button: 0), row: row, column: column)) }

    @Test("xterm's SGR reports decode to mouse keys (1-based to 0-based); others are swallowed whole")
    func decodesSGR() {
        #expect(sgr("[<0;10;5M") == .key(.mouse(MouseEvent(.press(button: 0), row: 4, column: 9)), length: 9))
        #expect(sgr("[<2;1;1M") == .key(.mouse(MouseEvent(.press(button: 2), row: 0, column: 0)), length: 8))
        #expect(sgr("[<0;10;5m") == .key(.mouse(MouseEvent(.release, row: 4, column: 9)), length: 9))
        #expect(sgr("[<64;3;7M") == .key(.mouse(MouseEvent(.wheelUp, row: 6, column: 2)), length: 9))
        #expect(sgr("[<65;300;200M") == .key(.mouse(MouseEvent(.wheelDown, row: 199, column: 299)), length: 13))
        // A drag (motion), a missing number, a zero coordinate: swallowed, never keys.
        #expect(sgr("[<32;3;7M") == .key(nil, length: 9))
        #expect(sgr("[<0;10M") == .key(nil, length: 7))
        #expect(sgr("[<0;0;5M") == .key(nil, length: 8))
        // Split across reads: more is wanted.
        #expect(EscapeSequence.decode(Array("[<0;10".unicodeScalars.map(\.value))) == .needMore)
    }

    @Test("a click on a grid cell puts the cursor there (row and column) and gives the grid the focus")
    func clickCell() throws {
        var d = Driver(try Fixture.memory(studentCount: 30))
        d.press(.enter)
        d.press(.tab)  // away from the grid
        #expect(d.state.focus != .grid)
        let r = d.state.layout.grid
        let placed = GridGeometry(state: d.state, width: r.width).columns
        let target = placed[2]
        d.press(click(r.row + 2 + 5, r.column + target.x + 1))
        #expect(d.state.focus == .grid)
        #expect(d.state.row == 5 && d.state.column == target.index)
        // Scrolled down a page: a click counts from the first row shown.
        d.press(.pageDown)
        let top = d.state.top
        #expect(top > 0)
        d.press(click(r.row + 2, r.column + placed[0].x))
        #expect(d.state.row == top && d.state.column == placed[0].index)
    }

    @Test("the wheel moves the cursor of the pane under the pointer, not the focused one")
    func wheel() throws {
        var d = Driver(try Fixture.memory(studentCount: 30))
        d.press(.enter)
        let r = d.state.layout.grid
        d.press(.mouse(MouseEvent(.wheelDown, row: r.row + 3, column: r.column + 5)))
        #expect(d.state.row == 3)
        d.press(.mouse(MouseEvent(.wheelUp, row: r.row + 3, column: r.column + 5)))
        #expect(d.state.row == 0)
        let tables = try #require(d.state.layout.tables)
        d.press(.mouse(MouseEvent(.wheelDown, row: tables.row + 1, column: tables.column + 1)))
        #expect(d.state.tableCursor == 1 && d.state.row == 0)
    }

    @Test("a click on a table highlights it; a second click (or a double click) opens it")
    func clickTable() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)
        #expect(d.state.table?.name == "student" && d.state.focus == .grid)
        let r = try #require(d.state.layout.tables)
        d.press(click(r.row + 2, r.column + 3))  // teacher, the second line
        #expect(d.state.tableCursor == 1 && d.state.focus == .tables)
        #expect(d.state.table?.name == "student", "one click does not open it")
        d.press(click(r.row + 2, r.column + 3))
        #expect(d.state.table?.name == "teacher" && d.state.focus == .grid)
        // Below the last table: the pane gets the focus, nothing opens.
        d.press(click(r.row + 8, r.column + 3))
        #expect(d.state.focus == .tables && d.state.table?.name == "teacher" && d.state.tableCursor == 1)
    }

    @Test("a click on a WAL entry puts the pane's cursor on it; a second click opens it")
    func clickWAL() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var d = Driver(db)
        d.press(.enter)
        d.state.appendWAL(try WALPaneTests.entries(of: dir))
        let r = try #require(d.state.layout.wal)
        d.press(click(r.row + 1, r.column + 10))  // the first line shown
        #expect(d.state.focus == .wal)
        let shown = d.state.walShown
        #expect(d.state.walPane.cursor == shown[shown.count - (r.height - 1)])
        d.press(click(r.row + 1, r.column + 10))
        guard case .walEntry(let view) = d.state.mode else { Issue.record("not opened: \(d.state.mode)"); return }
        #expect(view.entry.lsn == d.state.wal[shown[shown.count - (r.height - 1)]].lsn)
    }

    @Test("clicks in a prompt or question change nothing; releases and the right button do nothing")
    func clicksElsewhere() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)
        d.press(.character("/"))
        d.type("Ali")
        let r = d.state.layout.grid
        d.press(click(r.row + 4, r.column + 4))
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("prompt closed"); return }
        #expect(prompt.editor.string == "Ali" && d.state.row == 0)
        d.press(.escape)
        d.press(.mouse(MouseEvent(.release, row: r.row + 4, column: r.column + 4)))
        d.press(.mouse(MouseEvent(.press(button: 2), row: r.row + 4, column: r.column + 4)))
        #expect(d.state.row == 0 && !d.state.messageIsError)
    }

    @Test("\"mouse\": false in the config file turns reporting off; on by default; a wrong value is refused")
    func configuration() throws {
        #expect(Configuration.standard.mouse)
        #expect(try Configuration.parse(#"{"mouse": false}"#).mouse == false)
        #expect(try Configuration.parse(#"{"mouse": true}"#).mouse)
        #expect(throws: Configuration.Problem.self) { try Configuration.parse(#"{"mouse": "no"}"#) }
        let db = try Fixture.memory()
        for on in [true, false] {
            let terminal = MemoryTerminal(rows: 24, columns: 80)
            var configuration = Configuration.standard
            configuration.mouse = on
            _ = try BrowserApp(database: db, configuration: configuration).run(on: terminal)
            #expect(terminal.mouseReported == on)
        }
    }
}

@Suite("The mouse in the command palette")
struct PaletteMouseTests {
    @Test("a click on a palette line runs it; the wheel chooses; a click outside the list closes it")
    func clickPalette() throws {
        var d = try onColumn(1)
        d.press(.character(" "))
        d.type("sort")
        let lines = d.lines
        let row = try #require(lines.firstIndex { $0.contains("sort-descending") })
        let column = try #require(lines[row].range(of: "sort-descending")).lowerBound.utf16Offset(in: lines[row])
        d.press(.mouse(MouseEvent(.press(button: 0), row: row, column: column)))
        #expect(d.state.mode == .normal)
        #expect(d.state.sort?.column == 1 && d.state.sort?.descending == true)
        // The wheel moves the choice.
        d.press(.character(" "))
        d.type("sort")
        d.press(.mouse(MouseEvent(.wheelDown, row: row, column: column)))
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("palette closed"); return }
        #expect(BrowserState.paletteSelection(prompt) == 1)
        // At every size the list is where the clicks look for it (Renderer asserts it while drawing).
        for rows in stride(from: 6, through: 40, by: 3) {
            for columns in stride(from: 20, through: 130, by: 11) {
                d.state.viewport = (rows, columns)
                _ = d.lines
            }
        }
        d.state.viewport = (24, 80)
        // Outside the list: closed, nothing run.
        d.press(.mouse(MouseEvent(.press(button: 0), row: 0, column: 0)))
        #expect(d.state.mode == .normal && d.state.sort?.descending == true)
    }
}
