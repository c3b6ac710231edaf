import LineDB
import Testing
@testable import LineDBBrowser

/// Long values cost what is on screen, not their length. Each test works on values of megabytes and ends in well
/// under a second; the code before (the editor re-measured the text from every start position, every key copied
/// the editor's text, every frame measured every visible value whole) did not finish them within the time limit.
@Suite("Browser: long values cost what is on screen", .timeLimit(.minutes(1)))
struct LongValueTests {
    /// `abcdefghij` repeated to `count` characters.
    static func text(_ count: Int) -> String {
        String(String(repeating: "abcdefghij", count: count / 10 + 1).prefix(count))
    }

    /// A table `t` (id, v: str, n: json) with `values` in `v` (row i has id i + 1), `json` in `n`.
    static func database(_ values: [String], json: JSONValue = .null) throws -> Database {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("v", .str), Column("n", .json),
        ]))
        var records: [Record] = []
        for (i, value) in values.enumerated() {
            var record = Record()
            record["id"] = .int(i + 1)
            record["v"] = .string(value)
            record["n"] = json
            records.append(record)
        }
        try db.insert("t", records: records)
        return db
    }

    /// The editor opened on `v` of the first row.
    func editing(_ value: String) throws -> Driver {
        var d = Driver(try Self.database([value, "short"]))
        d.press(.enter, .right, .character("e"))
        guard case .edit = d.state.mode else { throw Failure("the editor did not open: \(d.status)") }
        return d
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The text of the editor's row (the first grid row), from the value column on.
    func editorLine(_ d: Driver) -> String { d.lines[2] }

    @Test("a grid of 10 MB values draws each cell clipped with an ellipsis; moving redraws as fast as short values")
    func gridOfLongValues() throws {
        // Twenty rows share one 10 MB string (no 200 MB needed): every visible cell is 10 MB long.
        let long = Self.text(10_000_000)
        var d = Driver(try Self.database(Array(repeating: long, count: 20) + ["short"]))
        d.press(.enter)
        for _ in 0..<10 {
            let lines = d.lines
            let row = lines[2]
            #expect(row.contains("abcdefghijabcdefghij") && row.contains("…"), "\(row)")
            d.press(.down)
        }
        #expect(d.status.contains("row 11 of 21"), "\(d.status)")
        // The column is as wide as a column gets (40), not as the value.
        let geometry = GridGeometry(state: d.state, width: 80)
        #expect(geometry.columns.first { $0.index == 1 }?.width == GridGeometry.maxColumnWidth)
    }

    @Test("a 10 MB JSON array and a 10 MB string with control characters show their start, clipped")
    func jsonAndControlCharacters() throws {
        let array = JSONValue.array(Array(repeating: .string("abcdefghij"), count: 1_000_000))
        let value = "line 1\nline 2\t" + Self.text(10_000_000)
        let d = Driver(try Self.database([value], json: array))
        var driver = d
        driver.press(.enter)
        let row = driver.lines[2]
        #expect(row.contains("line 1↵line 2⇥abc") && row.contains("…"), "\(row)")
        #expect(row.contains("│ [\"abc"), "\(row)")
        #expect(DisplayWidth.clip(value, to: 12) == "line 1\nline …")
    }

    @Test("a value's grid text cut to a width looks only at the start of the value")
    func displayCut() {
        let array = JSONValue.array(Array(repeating: .string("abcdefghij"), count: 1_000_000))
        #expect(ValueText.display(array, width: 15) == "[\"abcdefghij\",…")
        #expect(ValueText.display(.string("line 1\nline 2\t" + Self.text(10_000_000)), width: 10) == "line 1↵li…")
        #expect(ValueText.display(.string("short"), width: 10) == "short")
        #expect(ValueText.display(.int(12345), width: 3) == "12…")
        let (json, more) = ValueText.json(.object(["k": .string(Self.text(1000)), "l": .int(1)]), limit: 20)
        #expect(json == "{\"k\":\"abcdefghijabcd" && more)
        #expect(ValueText.json(.array([.int(1), .string("é")]), limit: 100) == ("[1,\"é\"]", false))
        // A cut inside a multi-byte character backs off to its start.
        #expect(ValueText.json(.string("ééé"), limit: 4).text == "\"é")
    }

    @Test("the editor opens on a 1 MB value at its end, moves, types and deletes, drawing only what shows")
    func editorOnLongValue() throws {
        let value = Self.text(1_000_000)
        var d = try editing(value)
        // The end of the value, then the cursor cell.
        #expect(editorLine(d).contains("abcdefghij"), "\(editorLine(d))")
        d.type("XYZ")
        #expect(editorLine(d).contains("ghijXYZ"), "\(editorLine(d))")
        d.press(.home)
        #expect(editorLine(d).contains("abcdefghijabcdefghij") && !editorLine(d).contains("XYZ"), "\(editorLine(d))")
        d.type("<")
        #expect(editorLine(d).contains("<abcdefghij"), "\(editorLine(d))")
        d.press(.end, .backspace, .left, .delete)
        #expect(editorLine(d).contains("hijX"), "\(editorLine(d))")
        d.press(.enter)
        let saved = d.state.currentRow?[1] == .string("<" + value + "X")  // (not printed whole if it fails)
        #expect(saved)
    }

    @Test("20,000 keys typed one by one into a 1 MB value: each key changes the text in place (no copy of it)")
    func typingIntoLongValue() throws {
        let value = Self.text(1_000_000)
        var d = try editing(value)
        for _ in 0..<20_000 { _ = d.state.handle(.character("z"), context: d.source) }
        for _ in 0..<1_000 { _ = d.state.handle(.left, context: d.source) }
        _ = d.state.handle(.backspace, context: d.source)
        #expect(editorLine(d).contains("zzzz"), "\(editorLine(d))")
        d.press(.enter)
        let saved = d.state.currentRow?[1] == .string(value + String(repeating: "z", count: 19_999))
        #expect(saved)
    }

    @Test("a 100 KB paste into a 1 MB value (keys read before one frame) is one insertion, at the start too")
    func pasteIntoLongValue() throws {
        let value = Self.text(1_000_000)
        let db = try Self.database([value, "short"])
        let paste = [Key](repeating: .character("p"), count: 100_000)
        let script: [Key] = [.enter, .right, .character("e"), .home] + paste + [.end] + paste + [.enter]
        let terminal = MemoryTerminal(rows: 24, columns: 80, keys: script)
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        let pasted = String(repeating: "p", count: 100_000)
        let saved = state.currentRow?[1] == .string(pasted + value + pasted)  // (not printed whole if it fails)
        #expect(saved)
        #expect(state.pending.count == 1)
    }

    @Test("editor text is drawn in width columns from the cursor back; zero-width characters show as marks")
    func editorDrawing() {
        var grid = ScreenGrid(rows: 1, columns: 10)
        var editor = LineEditor(Self.text(5_000_000))
        Renderer.drawEditorText(editor, row: 0, column: 0, width: 10, on: &grid)
        #expect(grid.lines == ["bcdefghij "])  // nine characters, then the cursor at the end
        #expect(grid[0, 9].style == .cursor)
        editor.cursor = 0
        Renderer.drawEditorText(editor, row: 0, column: 0, width: 10, on: &grid)
        #expect(grid.lines == ["abcdefghij"])
        #expect(grid[0, 0].style == .cursor)
        // A value of a million zero-width characters (bidi overrides) and line breaks: each takes a column.
        editor = LineEditor(String(repeating: "\u{202E}\n", count: 1_000_000))
        editor.cursor = 3
        Renderer.drawEditorText(editor, row: 0, column: 0, width: 10, on: &grid)
        #expect(grid.lines == ["·↵·↵·↵·↵·↵"])
        #expect(grid[0, 3].style == .cursor)
    }
}
