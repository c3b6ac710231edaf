import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// The header cells of the grid's header line (names with their types), left to right.
private func headerNames(_ d: Driver) -> [String] {
    let layout = d.state.layout
    let line = d.lines[layout.grid.row + 1]
    let start = line.index(line.startIndex, offsetBy: layout.grid.column)
    let end = line.index(start, offsetBy: layout.grid.width)
    return line[start..<end].split(whereSeparator: { $0 == "│" || $0 == "║" })
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        .map { String($0.split(separator: " ").first ?? "") }
}

@Suite("Browser: columns of the view (- hide, + show, < > _ width, H L move); never saved")
struct ColumnViewTests {
    @Test("- hides the cursor's column, the cursor goes to the next one; + shows every hidden column again")
    func hideAndShow() throws {
        var d = try onColumn(2, columns: 120)
        #expect(headerNames(d) == ["id*", "name", "email", "gpa", "born"])
        d.press(.character("-"))
        #expect(headerNames(d) == ["id*", "name", "gpa", "born"])
        #expect(d.state.column == 3)
        #expect(d.state.message.hasPrefix("email hidden (1 hidden column"))
        d.press(.character("-"))
        #expect(headerNames(d) == ["id*", "name", "born"])
        // The cursor never lands on a hidden column: h from born goes to name.
        d.press(.left)
        #expect(d.state.column == 1)
        d.press(.character("+"))
        #expect(d.state.message == "2 hidden columns shown again")
        #expect(headerNames(d) == ["id*", "name", "email", "gpa", "born"])
        d.press(.character("+"))
        #expect(d.state.message == "no hidden columns")
    }

    @Test("the last column shown cannot be hidden; the key column can, and then nothing is pinned")
    func lastColumnStays() throws {
        var d = try onColumn(0, columns: 120)
        d.press(.character("-"))  // the key column
        #expect(headerNames(d) == ["name", "email", "gpa", "born"])
        #expect(!d.lines[d.state.layout.grid.row + 1].contains("║"))
        d.press(.character("-"), .character("-"), .character("-"))
        #expect(headerNames(d) == ["born"])
        d.press(.character("-"))
        #expect(headerNames(d) == ["born"])
        #expect(d.state.messageIsError && d.state.message.contains("only column shown"))
        d.press(.character("$"), .character("0"))
        #expect(d.state.column == 4)
    }

    @Test("L and H move the cursor's column right and left in the view, the cursor with it; the key stays first")
    func move() throws {
        var d = try onColumn(1, columns: 120)
        d.press(.character("L"))
        #expect(headerNames(d) == ["id*", "email", "name", "gpa", "born"])
        #expect(d.state.column == 1)
        d.press(.character("L"), .character("L"))
        #expect(headerNames(d) == ["id*", "email", "gpa", "born", "name"])
        d.press(.character("L"))
        #expect(d.state.message == "name is already the last column")
        // Cursor moves follow the view's order.
        d.press(.left)
        #expect(d.state.column == 4)
        d.press(.character("0"), .character("H"))
        #expect(d.state.messageIsError && d.state.message.contains("key column"))
        d.press(.right, .character("H"))
        #expect(d.state.message == "email is already the first column after the key")
        #expect(headerNames(d) == ["id*", "email", "gpa", "born", "name"])
        // The data keeps its order.
        #expect(d.state.table?.schema.columns.map(\.name) == ["id", "name", "email", "gpa", "born"])
    }

    @Test("> widens and < narrows the column by 2; _ fits it to the widest value, past the automatic 40 columns")
    func widths() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("note", columns: [Column("id", .int, primaryKey: true), Column("text", .str)]))
        let long = String(repeating: "abcdefghij", count: 6)  // 60 columns
        try db.insert("note", ["text": .string(long)])
        try db.insert("note", ["text": "short"])
        var d = Driver(db, rows: 24, columns: 200)
        d.press(.enter, .right)
        func width() -> Int {
            GridGeometry(state: d.state, width: d.state.layout.grid.width).columns.first { $0.index == 1 }!.width
        }
        #expect(width() == GridGeometry.maxColumnWidth)
        d.press(.character(">"))
        #expect(width() == GridGeometry.maxColumnWidth + 2)
        #expect(d.state.message == "text: 42 columns wide")
        d.press(.character("<"), .character("<"))
        #expect(width() == GridGeometry.maxColumnWidth - 2)
        d.press(.character("_"))
        #expect(width() == 60)
        #expect(d.lines.contains { $0.contains(long) })
        // _ again: the automatic width, then fitted again.
        d.press(.character("_"))
        #expect(width() == GridGeometry.maxColumnWidth)
        #expect(d.state.message == "text: automatic width again")
        #expect(d.state.columnView.widths.isEmpty)
        d.press(.character("_"))
        #expect(width() == 60)
        for _ in 0..<40 { d.press(.character("<")) }
        #expect(width() == BrowserState.columnWidthRange.lowerBound)
        #expect(d.state.message.hasSuffix("(the narrowest)"))
    }

    @Test("the key column stays pinned at the left while the grid scrolls right, also after columns moved")
    func pinned() throws {
        let db = Database.inMemory()
        var columns = [Column("id", .int, primaryKey: true)]
        for i in 1...12 { columns.append(Column("column\(i)", .str)) }
        try db.createTable(TableSchema("wide", columns: columns))
        var record = Record()
        for i in 1...12 { record["column\(i)"] = .string("value of \(i)") }
        try db.insert("wide", record)
        var d = Driver(db, rows: 24, columns: 80)
        d.press(.enter, .character("$"))
        #expect(headerNames(d).first == "id*")
        #expect(headerNames(d).last == "column12")
        #expect(!headerNames(d).contains("column1"))
        d.press(.character("H"), .character("H"))
        #expect(headerNames(d).first == "id*")
        #expect(headerNames(d).contains("column12"))
        d.press(.character("0"))
        #expect(headerNames(d).prefix(2) == ["id*", "column1"])
    }

    @Test("the view of each table is remembered for the session: another table, then back")
    func rememberedPerTable() throws {
        var d = try onColumn(2, columns: 120)
        d.press(.character("-"), .character("L"))
        let shown = headerNames(d)
        d.press(.tab, .tab, .tab, .character("j"), .enter)  // the Tables pane: teacher
        #expect(d.state.table?.name == "teacher")
        #expect(headerNames(d) == ["code*", "name"])
        d.press(.backTab, .character("k"), .enter)
        #expect(d.state.table?.name == "student")
        #expect(headerNames(d) == shown)
    }

    @Test("a save never writes the view: hide, move, widen, edit, save; schema file unchanged, records in schema order")
    func saveWritesNoView() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let schemaBefore = dir.read("db/schema/student.schema.json")
        let terminal = MemoryTerminal(rows: 24, columns: 120)
        terminal.type([.enter, .right, .right, .character("-"), .character("L"), .character(">"), .character(">"),
                       .character("0"), .right, .character("e"), .control("u")] + keys("Ada")
                      + [.enter, .character("s")])
        _ = try BrowserApp(database: db).run(on: terminal)
        let lines = terminal.screen.split(separator: "\n").map(String.init)
        #expect(lines[22].contains("saved 1 change"), "\(lines[22])")
        #expect(dir.read("db/schema/student.schema.json") == schemaBefore)
        let records = dir.read("db/data/student.records").split(separator: "\n")
        #expect(records.count == 10)
        #expect(unpadded(records.first) == #"{"id":1,"name":"Ada","email":"s1@uni.edu","gpa":2.0,"born":"2001-02-01"}"#)
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.schema(of: "student").columns.map(\.name) == ["id", "name", "email", "gpa", "born"])
    }
}
