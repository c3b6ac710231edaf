import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// `x` exports the whole table (as saved) or, after `v`, the view as shown (filter, sort, selection, columns), in
/// JSON, JSON Lines, CSV, TSV or Markdown; the engine writes TSV and Markdown.
@Suite("Browser export of the view; TSV and Markdown")
struct ExportViewTests {
    @Test("x asks for the format with v for the view; v shows what the view holds; the view's rows are exported as shown")
    func exportView() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 140)
        d.press(.enter, .character("l"))
        filter(&d, "o")  // names with an "o": Zoë, José, 😀 Emoji, Bob, Carol and their " 1x" twins
        d.press(.character("]"))  // sorted by name, descending
        let table = try #require(d.state.table)
        let shown = d.state.view
        #expect(shown.count == 10)
        d.press(.character("x"))
        #expect(d.hints.contains("Export all of student: j JSON, l JSONL, c CSV, t TSV, m MD, v view, Esc cancel"),
                "\(d.hints)")
        d.press(.character("v"))
        #expect(d.hints.contains("Export the view of student: 10 rows (filtered, sorted)"), "\(d.hints)")
        #expect(d.hints.contains(", a all, Esc cancel"))
        d.press(.character("t"))
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("no path prompt"); return }
        #expect(prompt.editor.string == "./student-view.tsv")
        d.press(.enter)
        guard case .exportSheet(let export)? = d.effects.last else { Issue.record("no view export"); return }
        #expect(export.format == .tsv && export.path == "./student-view.tsv")
        #expect(export.rows == shown.map { table.rows[$0] }, "the view's rows in the view's order")
        #expect(export.schema.columns.map(\.name) == ["id", "name", "email", "gpa", "born"])
    }

    @Test("The view export leaves out hidden columns and keeps the columns' order on screen")
    func exportHidesColumns() throws {
        var d = Driver(try Fixture.memory(studentCount: 5), columns: 140)
        d.press(.enter, .character("l"), .character("l"))  // email
        d.press(.character("-"))  // email hidden: the cursor goes on to gpa
        d.press(.character("H"))  // gpa moved left of name
        d.press(.character("x"), .character("v"))
        #expect(d.hints.contains("4 columns"), "\(d.hints)")
        d.press(.character("c"), .enter)
        guard case .exportSheet(let export)? = d.effects.last else { Issue.record("no view export"); return }
        #expect(export.schema.columns.map(\.name) == ["id", "gpa", "name", "born"])
        let table = try #require(d.state.table)
        #expect(export.rows.first == [table.rows[0][0], table.rows[0][3], table.rows[0][1], table.rows[0][4]])
    }

    @Test("With rows selected, the view export holds only the selected rows of the view, and no deleted row")
    func exportSelectedRows() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 140)
        d.press(.enter, .character("t"), .character("t"), .character("t"))  // ids 1, 2, 3
        d.press(.character("d"), .character("n"))  // (d asks for the selected rows: not this time)
        d.press(.character("U"), .character("g"), .character("d"), .character("y"))  // id 1 deleted (pending)
        d.press(.character("t"), .character("t"), .character("t"), .character("t"))  // ids 1-4 selected
        d.press(.character("x"), .character("v"))
        #expect(d.hints.contains("3 rows (selected only)"), "\(d.hints)")
        d.press(.character("m"), .enter)
        guard case .exportSheet(let export)? = d.effects.last else { Issue.record("no view export"); return }
        #expect(export.rows.map { $0[0] } == [.int(2), .int(3), .int(4)])
        #expect(export.format == .markdown && export.path == "./student-view.md")
        // a switches back: the whole table as saved, as before.
        d.press(.character("x"), .character("v"), .character("a"), .character("c"), .enter)
        guard case .export(let name, let path, let format, _)? = d.effects.last else { Issue.record("no export"); return }
        #expect(name == "student" && path == "./student.csv" && format == .csv)
    }

    @Test("Markdown: header, --- row, | and \\ escaped, line breaks as <br>, null empty; TSV: tabs, quoting as CSV")
    func writers() throws {
        let dir = BrowserTempDir()
        let db = try Database(path: dir.db)
        let schema = try TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("text", .str), Column("doc", .json),
        ])
        let rows: [[JSONValue]] = [
            [1, "a|b", ["k": "v|w"]],
            [2, "line1\nline2\r\nline3", .null],
            [3, "back\\slash\ttab", 2.5],
            [4, "", "quote \"q\""],
        ]
        try db.export(rows: rows, schema: schema, to: dir.path + "/out.md", format: .markdown)
        #expect(dir.read("out.md") == """
            | id | text | doc |
            | --- | --- | --- |
            | 1 | a\\|b | {"k":"v\\|w"} |
            | 2 | line1<br>line2<br>line3 |  |
            | 3 | back\\\\slash\ttab | 2.5 |
            | 4 |  | "quote \\\\"q\\\\"" |

            """)
        try db.export(rows: rows, schema: schema, to: dir.path + "/out.tsv", format: .tsv)
        #expect(dir.read("out.tsv") == """
            id\ttext\tdoc
            1\ta|b\t"{""k"":""v|w""}"
            2\t"line1
            line2\r
            line3"\t
            3\t"back\\slash\ttab"\t2.5
            4\t\"\"\t\"\"\"quote \\\"\"q\\\"\"\"\"\"

            """)
        #expect(ExportFormat(pathExtensionOf: "x.tsv") == .tsv && ExportFormat(pathExtensionOf: "X.MD") == .markdown)
        #expect(ExportFormat.markdown.fileExtension == "md" && ExportFormat.tsv.fileExtension == "tsv")
        // Import reads neither: a clear refusal, nothing imported.
        try db.createTable(schema)
        #expect(throws: LineDBError.self) { try db.importRecords(into: "t", from: dir.path + "/out.tsv") }
        do {
            try db.importRecords(into: "t", from: dir.path + "/out.md")
        } catch {
            #expect("\(error)".contains("export format only"), "\(error)")
        }
        #expect(try db.count("t") == 0)
    }
}
