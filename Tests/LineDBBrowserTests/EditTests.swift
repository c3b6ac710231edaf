import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser editing")
struct EditTests {
    /// Opens `student` and puts the cursor on column `c` of the first row.
    func onColumn(_ c: Int, rows: Int = 24, columns: Int = 80) throws -> Driver {
        var d = Driver(try Fixture.memory(), rows: rows, columns: columns)
        d.press(.enter)
        d.press([Key](repeating: .right, count: c))
        return d
    }

    @Test("e edits the cell in a line editor that starts with the value, cursor at its end; Enter makes it pending")
    func editCell() throws {
        var d = try onColumn(1)
        d.press(.character("e"))
        guard case .edit(let edit) = d.state.mode else { Issue.record("not editing"); return }
        #expect(edit.editor.string == "Alice" && edit.editor.cursor == 5)
        d.press(.backspace, .backspace, .home, .delete)
        d.type("Ma")
        d.press(.end)
        d.type("e")
        #expect(d.lines[2].contains("Malie"))  // drawn in place
        d.press(.enter)
        #expect(d.state.mode == .normal)
        #expect(d.state.currentRow?[1] == "Malie")
        #expect(d.state.pending.count == 1)
        #expect(d.status.contains("1 pending"))
        #expect(d.lines[1].hasPrefix("*student") && d.lines[2].hasPrefix(" teacher"))  // the table is marked
        let grid = d.grid
        let x = try #require(displayColumns(of: "M", row: 2, in: grid).first)
        #expect(grid[2, x].style == .cursor)
        d.press(.down)
        #expect(d.grid[2, x].style == .pending)  // once the cursor leaves, the cell shows as pending
    }

    @Test("Esc cancels an edit and nothing changes")
    func cancelEdit() throws {
        var d = try onColumn(1)
        d.press(.enter)
        d.type("zzz")
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.pending.isEmpty && d.state.currentRow?[1] == "Alice")
    }

    @Test("a value of the wrong type is refused with a message naming the column; nothing changes")
    func wrongType() throws {
        var d = try onColumn(3)
        d.press(.character("e"), .control("u"))
        d.type("abc")
        d.press(.enter)
        #expect(d.state.message == "gpa: 'abc' is not a number" && d.state.messageIsError)
        #expect(d.status.contains("gpa: 'abc' is not a number"))
        #expect(d.lines[3].contains(" gpa: 'abc' is not a number "))  // also next to the cell
        d.press(.escape)
        #expect(d.state.pending.isEmpty && d.state.currentRow?[3] == 2.0)
        var date = try onColumn(4)
        date.press(.character("e"), .control("u"))
        date.type("2001-13-01")
        date.press(.enter)
        #expect(date.state.message.hasPrefix("born: '2001-13-01' is not ISO 8601"))
        date.press(.control("u"))
        date.type("2001-12-01")
        date.press(.enter)
        #expect(date.state.currentRow?[4] == "2001-12-01")
    }

    @Test("a duplicate UNIQUE value or primary key is refused, also against pending changes")
    func duplicates() throws {
        var d = try onColumn(2)
        d.press(.character("e"), .control("u"))
        d.type("s2@uni.edu")
        d.press(.enter)
        #expect(d.state.message == "email: \"s2@uni.edu\" is already used (record 2); UNIQUE")
        d.press(.control("u"))
        d.type("new@uni.edu")
        d.press(.enter)
        #expect(d.state.pending.count == 1)
        d.press(.down, .character("e"), .control("u"))
        d.type("new@uni.edu")  // taken by the pending change above
        d.press(.enter)
        #expect(d.state.message.hasPrefix("email: \"new@uni.edu\" is already used (record 1)"))
        d.press(.escape, .character("0"), .character("e"), .control("u"))
        d.type("1")
        d.press(.enter)
        #expect(d.state.message == "id: 1 is already used (record 1); primary key")
        #expect(d.state.pending.count == 1)
    }

    @Test("null (Ctrl-N) in a NOT NULL field is refused; empty text in a nullable date becomes null")
    func notNull() throws {
        var d = try onColumn(1)
        d.press(.character("e"), .control("n"), .enter)
        #expect(d.state.message == "name: may not be null (NOT NULL)")
        d.press(.escape, .right, .right, .right, .character("e"), .control("u"), .enter)
        #expect(d.state.currentRow?[4] == .null && d.state.pending.count == 1)
    }

    @Test("a adds a record from a form with defaults and the next key; d deletes after confirmation")
    func addAndDelete() throws {
        var d = try onColumn(0)
        d.press(.character("a"))
        guard case .form(let form) = d.state.mode else { Issue.record("no form"); return }
        #expect(form.fields.map(\.string) == ["11", "", "", "0.0", ""])
        #expect(d.lines.contains { $0.contains("Add a record to student") })
        d.press(.enter)
        #expect(d.state.message == "name: may not be null (NOT NULL)")
        guard case .form(let refused) = d.state.mode else { Issue.record("the form closed"); return }
        #expect(refused.active == 1 && d.state.table?.rows.count == 10)
        d.type("Grace")
        d.press(.tab)
        d.type("grace@uni.edu")
        d.press(.enter)
        #expect(d.state.mode == .normal)
        #expect(d.state.table?.rows.count == 11)
        #expect(d.state.currentRow == [11, "Grace", "grace@uni.edu", 0.0, nil])
        #expect(d.state.pending.count == 1)
        d.press(.character("d"))
        #expect(d.hints.contains("Delete record 11 of student? y yes, n no"))
        d.press(.character("n"))
        #expect(d.state.table?.rows.count == 11)
        d.press(.character("g"), .character("d"), .character("y"))
        #expect(d.state.table?.liveCount == 10 && d.state.table?.rows.count == 11)
        #expect(d.state.pending.map(\.operation) == ["INSERT", "DELETE"])
        // The deleted record stays on screen, marked, until the save; it cannot be edited or deleted again.
        #expect(d.lines[0].contains("student: 10 records (1 deleted, not saved)"))
        d.press(.down, .up)
        let grid = d.grid
        let x = try #require(displayColumns(of: "║", row: 2, in: grid).first)
        #expect(grid[2, x + 2].style == .selected)  // cursor row
        d.press(.down)
        #expect(d.grid[2, x + 2].style == .error)  // marked as deleted
        d.press(.up, .character("e"))
        #expect(d.state.mode == .normal && d.state.message.contains("is deleted (pending)"))
        d.press(.character("d"))
        #expect(d.state.mode == .normal && d.state.message.contains("already deleted"))
        // Its UNIQUE email is free for another record (the delete is written first), its key is not.
        d.press(.down, .right, .right, .character("e"), .control("u"))
        d.type("s1@uni.edu")
        d.press(.enter)
        #expect(d.state.mode == .normal && d.state.currentRow?[2] == "s1@uni.edu")
        // Deleting an unsaved insert removes it at once.
        d.press(.character("G"), .character("d"), .character("y"))
        #expect(d.state.table?.rows.count == 10 && d.state.pending.count == 4)
    }

    @Test("u undoes and Ctrl-R redoes pending changes; D discards them all after confirmation")
    func undoRedo() throws {
        var d = try onColumn(1)
        d.press(.character("e"), .control("u"))
        d.type("One")
        d.press(.enter, .down, .character("e"), .control("u"))
        d.type("Two")
        d.press(.enter)
        #expect(d.state.pending.count == 2)
        d.press(.character("u"))
        #expect(d.state.pending.count == 1 && d.state.table?.rows[1][1] == "李雷")
        d.press(.character("u"))
        #expect(d.state.pending.isEmpty && d.state.table?.rows[0][1] == "Alice")
        d.press(.control("r"))
        #expect(d.state.table?.rows[0][1] == "One")
        d.press(.control("r"))
        #expect(d.state.table?.rows[1][1] == "Two" && d.state.pending.count == 2)
        d.press(.character("p"))
        let preview = d.lines.joined(separator: "\n")
        #expect(preview.contains("UPDATE student id=1 name: \"Alice\" → \"One\""))
        #expect(preview.contains("UPDATE student id=2 name: \"李雷\" → \"Two\""))
        #expect(preview.contains("COMMIT  (s writes these 2 as one transaction"))
        d.press(.escape, .character("D"), .character("y"))
        #expect(d.state.pending.isEmpty && d.state.table?.rows[0][1] == "Alice")
    }

    @Test("a read-only browser refuses edits with a message")
    func readOnly() throws {
        var d = Driver(try Fixture.memory(), readOnly: true)
        d.press(.enter, .character("e"))
        #expect(d.state.mode == .normal && d.state.message.hasPrefix("read-only"))
        d.press(.character("a"))
        #expect(d.state.mode == .normal)
        d.press(.character("d"))
        #expect(d.state.mode == .normal)
        d.press(.character("c"))
        #expect(d.state.mode == .normal && d.state.message == "read-only: only the writer can checkpoint")
        d.press(.character("s"))
        #expect(d.effects.isEmpty && d.state.message.hasPrefix("read-only"))
        #expect(d.status.contains("RO"))
    }

    @Test("changing a primary key moves the record to its place in key order and keeps the cursor on it")
    func editKey() throws {
        var d = try onColumn(0)
        d.press(.character("e"), .control("u"))
        d.type("99")
        d.press(.enter)
        #expect(d.state.table?.rows.map { $0[0] }.last == 99)
        #expect(d.state.currentRow?[1] == "Alice" && d.state.row == 9)
        #expect(d.state.pending.count == 1)
        d.press(.character("u"))
        #expect(d.state.table?.rows.first?[0] == 1 && d.state.currentRow?[1] == "Alice")
    }

    @Test("changes to several tables stay pending together; the preview names each record by its own key")
    func severalTables() throws {
        let db = try Fixture.memory()
        try db.createTable(TableSchema("room", columns: [Column("seats", .int), Column("code", .str, primaryKey: true)]))
        try db.insert("room", ["seats": 30, "code": "R1"])
        var d = Driver(db)
        d.press(.enter, .character("d"), .character("y"))  // room R1 (tables by name: room, student, teacher)
        d.press(.tab, .tab, .character("j"), .enter)  // back to the Tables pane, open student
        #expect(d.state.table?.name == "student")
        d.press(.right, .character("e"))
        d.type("!")
        d.press(.enter, .character("p"))
        let screen = d.lines.joined(separator: "\n")
        #expect(screen.contains("DELETE room code=R1"))
        #expect(screen.contains("UPDATE student id=1 name: \"Alice\" → \"Alice!\""))
        #expect(d.lines[1].hasPrefix("*room") && d.lines[2].hasPrefix("*student"))
        d.press(.escape, .character("s"))
        guard case .save(let changes, false) = try #require(d.effects.last) else { Issue.record("no save"); return }
        #expect(changes.map(\.key) == ["R1", 1])
    }
}
