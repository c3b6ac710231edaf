import LineDB
import Testing

@testable import LineDBBrowser

@Suite("Keys act on the focused pane")
struct PaneFocusTests {
    @Test("d, e, E, a, f, [ ], F and I in the tables, schema or WAL pane change nothing and say where they act")
    func gridKeysNeedTheGrid() throws {
        var d = Driver(try Fixture.memory(studentCount: 10), rows: 40, columns: 160)
        d.press(.enter)  // open the table: the grid has the focus
        let rows = d.state.table?.rows.count
        for pane in [BrowserState.Focus.tables, .schema, .wal] {
            while d.state.focus != pane { d.press(.tab) }
            for key: Key in [.character("d"), .character("e"), .character("a"), .character("E"), .character("f"),
                             .character("["), .character("]"), .character("F"), .character("I")]
            where !(pane == .wal && key == .character("f")) {  // (f filters the WAL pane: WALPaneTests)
                let before = d.state
                d.press(key)
                #expect(d.state.mode == .normal, "\(pane) \(key): no prompt, editor or question opened")
                #expect(d.state.pending.isEmpty && d.state.sort == nil && before.sort == nil && d.state.sheets.isEmpty)
                #expect(d.state.filters.isEmpty && d.state.table?.rows.count == rows)
                #expect(d.state.messageIsError && d.state.message.contains("acts on the records grid"),
                        "\(pane) \(key): \(d.state.message)")
                #expect(d.effects.isEmpty, "\(pane) \(key): no effect such as $EDITOR")
            }
        }
        // In the grid, d asks to delete as before.
        while d.state.focus != .grid { d.press(.tab) }
        d.press(.character("d"))
        #expect(d.state.mode != .normal)
    }

    @Test("the WAL pane's key hints name only keys that work there")
    func walHints() throws {
        var d = Driver(try Fixture.memory(studentCount: 10), rows: 24, columns: 80)
        d.press(.enter)
        while d.state.focus != .wal { d.press(.tab) }
        #expect(!d.hints.contains("edit") && !d.hints.contains("delete") && d.hints.contains("help"), "\(d.hints)")
    }
}

@Suite("Schema pane vocabulary")
struct SchemaVocabularyTests {
    @Test("a narrow schema pane uses the short forms (UQ, NN) on every line, never mixed with the long ones")
    func oneVocabulary() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true),
            Column("code", .str, nullable: false, unique: true, default: "a-long-default-value"),
            Column("name", .str, nullable: false),
        ]))
        try db.insert("t", ["name": "x"])
        for width in [100, 120, 150, 200] {
            var d = Driver(db, rows: 30, columns: width)
            d.press(.enter)
            // (The legend of the short forms says both: it is not a line of the pane's.)
            let text = d.lines.joined(separator: "\n").replacingOccurrences(of: SchemaWords.legend, with: "")
            let long = text.contains("not null") || text.contains("unique")
            let short = text.contains(" NN") || text.contains(" UQ")
            #expect(!(long && short), "width \(width): both vocabularies on screen")
        }
    }
}

@Suite("Questions at 80x24")
struct QuestionChoicesTests {
    @Test("a question too long for the line is shortened before its choices: y/n always show")
    func choicesShow() throws {
        for width in [60, 80] {
            var d = Driver(try Fixture.memory(studentCount: 10), rows: 24, columns: width)
            d.press(.enter, .character("c"))
            #expect(d.hints.contains("? y yes, n no"), "width \(width): \(d.hints)")
            #expect(d.hints.hasPrefix("Checkpoint: save every table"), "\(d.hints)")
            d.press(.character("n"), .character("x"))
            #expect(d.hints.contains("j JSON, l JSONL, c CSV, t TSV, m MD, v view, Esc cancel"), "width \(width): \(d.hints)")
        }
    }
}

@Suite("Overlay borders")
struct OverlayBorderTests {
    @Test("the help, the preview and the add form are boxes closed on all four sides, titled in the top border")
    func fourSides() throws {
        for (rows, columns) in [(24, 80), (40, 120), (60, 200)] {
            var d = Driver(try Fixture.memory(studentCount: 10), rows: rows, columns: columns)
            d.press(.enter, .character("?"))
            let lines = d.lines
            let top = try #require(lines.firstIndex { $0.contains("┌ Keys ") }, "\(rows)x\(columns)")
            let bottom = try #require(lines.lastIndex { $0.contains("└") })
            let left = try #require(lines[top].firstIndex(of: "┌"))
            let right = try #require(lines[top].firstIndex(of: "┐"))
            #expect(lines[bottom].firstIndex(of: "└").map { lines[bottom].distance(from: lines[bottom].startIndex, to: $0) }
                    == lines[top].distance(from: lines[top].startIndex, to: left))
            #expect(lines[bottom].firstIndex(of: "┘").map { lines[bottom].distance(from: lines[bottom].startIndex, to: $0) }
                    == lines[top].distance(from: lines[top].startIndex, to: right))
            #expect(!lines[top].contains("││"))
        }
    }
}
