import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 14 item 7: null and `""` each have their own way in (empty text in a `str` cell is `""`, Ctrl-N and
/// `Delete` give null) and are shown apart (null as a dim ∅, `""` as an empty cell).
@Suite("Browser: null and the empty string")
struct NullAndEmptyTests {
    @Test("empty text in a str cell is \"\" (also NOT NULL); in other types it is null")
    func emptyTextIsEmptyString() throws {
        var d = try onColumn(1, students: 10)  // name: str NOT NULL
        d.press(.character("e"), .control("u"), .enter)
        #expect(d.state.mode == .normal, "\(d.state.message)")
        #expect(d.state.currentRow?[1] == .string(""))
        #expect(d.state.pending.last?.summary == #"UPDATE student id=1 name: "Alice" → """#)
        // e + Enter on the cell holding "" keeps it: the editor shows it as empty text, read back as "".
        d.press(.character("e"))
        guard case .edit(let edit) = d.state.mode else { Issue.record("not editing"); return }
        #expect(edit.editor.string == "" && !edit.editor.isNull)
        d.press(.enter)
        #expect(d.state.message == "name unchanged" && d.state.pending.count == 1)
        // born (date): empty text is null, there is no empty date.
        d.press(.right, .right, .right, .character("e"), .control("u"), .enter)
        #expect(d.state.currentRow?[4] == .null)
    }

    @Test("Ctrl-N in the cell editor sets null (shown ∅); NOT NULL refuses it; typing replaces the ∅")
    func controlN() throws {
        var d = try onColumn(2, students: 10)  // email: str, nullable, UNIQUE
        d.press(.character("e"), .control("n"))
        guard case .edit(let edit) = d.state.mode else { Issue.record("not editing"); return }
        #expect(edit.editor.isNull && edit.editor.string.isEmpty)
        let x = try #require(displayColumns(of: "∅", row: 2, in: d.grid).first)
        #expect(d.grid[2, x].style == .cursor)
        d.press(.enter)
        #expect(d.state.currentRow?[2] == .null, "\(d.state.message)")
        // The editor opened on null holds null: Enter keeps it null, typing replaces it with text.
        d.press(.character("e"))
        guard case .edit(let onNull) = d.state.mode else { Issue.record("not editing"); return }
        #expect(onNull.editor.isNull)
        d.type("a@b.c")
        d.press(.enter)
        #expect(d.state.currentRow?[2] == "a@b.c")
        // NOT NULL: refused, naming the column, the editor stays.
        d.press(.left, .character("e"), .control("n"), .enter)
        #expect(d.state.message == "name: may not be null (NOT NULL)" && d.state.messageIsError)
        guard case .edit = d.state.mode else { Issue.record("the editor closed"); return }
    }

    @Test("Delete sets the cell to null: pending, undoable; refused on NOT NULL and on the key, naming the column")
    func deleteKeySetsNull() throws {
        var d = try onColumn(3, students: 10)  // gpa: nullable
        d.press(.delete)
        #expect(d.state.currentRow?[3] == .null)
        #expect(d.state.pending.map(\.summary) == ["UPDATE student id=1 gpa: 2.0 → null"])
        #expect(d.state.message == "gpa set to null (pending: s saves, u undoes)")
        d.press(.character("u"))
        #expect(d.state.currentRow?[3] == 2.0 && d.state.pending.isEmpty)
        d.press(.character("0"), .right, .delete)  // name: NOT NULL
        #expect(d.state.message == "name: may not be null (NOT NULL); nothing changed" && d.state.messageIsError)
        d.press(.character("0"), .delete)  // the key
        #expect(d.state.message == "id: the primary key may not be null; nothing changed")
        #expect(d.state.pending.isEmpty)
        // Read-only: refused like every edit.
        var ro = Driver(try Fixture.memory(), readOnly: true)
        ro.press(.enter, .right, .right, .delete)
        #expect(ro.state.message.hasPrefix("read-only") && ro.state.pending.isEmpty)
    }

    @Test("Delete under a sort: on the sorted column the row moves and the cursor follows it; elsewhere the order stands")
    func deleteUnderSort() throws {
        var d = try onColumn(3, students: 10)  // gpa
        d.press(.character("]"))  // gpa descending
        let order = d.state.view
        d.press(.down, .down)
        let key = d.state.currentKey
        d.press(.right, .delete)  // born: the order stands, the cursor stays
        #expect(d.state.view == order && d.state.currentKey == key && d.state.currentRow?[4] == .null)
        d.press(.left, .delete)  // gpa: the row moves (null sorts apart); the cursor stays on the record
        #expect(d.state.view != order && d.state.currentKey == key && d.state.currentRow?[3] == .null)
        let gpas = d.state.view.compactMap { d.state.table?.rows[$0][3] }
        #expect(gpas == gpas.sorted { JSONValue.compare($0, $1) > 0 }, "\(gpas)")
    }

    @Test("the grid shows null as a dim ∅ and \"\" as an empty cell; the word null stays the word")
    func shownApart() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("s", .str)]))
        try db.insert("t", ["id": 1, "s": .null])
        try db.insert("t", ["id": 2, "s": ""])
        try db.insert("t", ["id": 3, "s": "null"])
        var d = Driver(db)
        d.press(.enter, .down, .down, .down)  // the cursor off the rows looked at
        let grid = d.grid
        let nullX = try #require(displayColumns(of: "∅", row: 2, in: grid).first)
        #expect(grid[2, nullX].style == .null)
        #expect(!grid.lines[3].contains("∅") && !grid.lines[3].contains("null") && !grid.lines[3].contains("\"\""))
        #expect(grid.lines[4].contains("null") && !grid.lines[4].contains("∅"))
        // The pending preview (the WAL entries) tells them apart too.
        d.press(.character("0"), .character("g"), .right, .character("e"), .control("u"), .enter)
        d.press(.down, .delete)
        #expect(d.state.pending.map(\.summary) == [#"UPDATE t id=1 s: null → """#, #"UPDATE t id=2 s: "" → null"#])
    }

    @Test("the add form: fields without a default start as ∅ (null); Ctrl-N makes a field null again")
    func formNulls() throws {
        var d = try onColumn(0, students: 10)
        d.press(.character("a"))
        guard case .form(let form) = d.state.mode else { Issue.record("no form"); return }
        #expect(form.fields.map(\.isNull) == [false, true, true, false, true])
        #expect(d.lines.contains { $0.contains("born (date)") && $0.contains("∅") })
        d.type("Grace")
        d.press(.tab, .tab)
        d.press(.control("n"))  // gpa: its default 0.0 replaced by null
        d.press(.enter)
        #expect(d.state.mode == .normal, "\(d.state.message)")
        #expect(d.state.currentRow == [11, "Grace", nil, nil, nil])
    }
}
