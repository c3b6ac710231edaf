import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 14 item 16: `A` duplicates the record, `y` / `Y` copy the cell / the record to the system clipboard with
/// OSC 52, `P` pastes the copied cell.
@Suite("Browser: duplicate, copy and paste")
struct DuplicateCopyPasteTests {
    /// A table `item` (int key, no UNIQUE column) and `tag` (str key), in memory.
    func items() throws -> Database {
        let db = Database.inMemory()
        try db.createTable(TableSchema("item", columns: [
            Column("id", .int, primaryKey: true), Column("name", .str, nullable: false), Column("qty", .int),
            Column("meta", .json),
        ]))
        try db.insert("item", ["id": 1, "name": "bolt", "qty": 5, "meta": .object(["a": [1, 2]])])
        try db.insert("item", ["id": 7, "name": "nut", "qty": .null, "meta": .null])
        try db.createTable(TableSchema("tag", columns: [Column("code", .str, primaryKey: true), Column("label", .str)]))
        try db.insert("tag", ["code": "T1", "label": "first"])
        return db
    }

    @Test("A with an automatic key: the copy is a pending insert under the next key, the cursor on it; u undoes it")
    func duplicateAutoKey() throws {
        var d = Driver(try items())
        d.press(.enter)  // item, record 1
        d.press(.character("A"))
        #expect(d.state.mode == .normal, "\(d.state.message)")
        #expect(d.state.message == "record 1 duplicated as 8 (pending: s saves, u undoes)")
        #expect(d.state.currentRow == [8, "bolt", 5, .object(["a": [1, 2]])])
        #expect(d.state.pending.map(\.summary).count == 1 && d.state.table?.rows.count == 3)
        d.press(.character("u"))
        #expect(d.state.table?.rows.count == 2 && d.state.pending.isEmpty)
    }

    @Test("A without an automatic key opens the form with the copy, on the key field; a UNIQUE value, on that field")
    func duplicateNeedsInput() throws {
        var d = Driver(try items())
        d.press(.down, .enter)  // tag
        d.press(.character("A"))
        guard case .form(let form) = d.state.mode else { Issue.record("no form: \(d.state.message)"); return }
        #expect(form.active == 0 && form.fields[0].isNull && form.fields[1].string == "first")
        #expect(d.lines.contains { $0.contains("Duplicate record T1 of tag") })
        d.press(.enter)  // no key yet: refused
        #expect(d.state.message == "code: the primary key may not be null")
        d.type("T2")
        d.press(.enter)
        #expect(d.state.mode == .normal && d.state.currentRow == ["T2", "first"])
        // The fixture's students have a UNIQUE email: the form opens on it, saying why.
        var s = try onColumn(0, students: 10)
        s.press(.character("A"))
        guard case .form(let copy) = s.state.mode else { Issue.record("no form"); return }
        #expect(copy.active == 2 && copy.fields[0].string == "11" && copy.fields[2].string == "s1@uni.edu")
        #expect(s.state.message.hasPrefix("email: \"s1@uni.edu\" is already used (record 1); UNIQUE"))
        s.press(.control("u"))
        s.type("copy@uni.edu")
        s.press(.enter)
        #expect(s.state.currentRow == [11, "Alice", "copy@uni.edu", 2.0, "2001-02-01"])
    }

    @Test("y copies the cell's text, Y the record as JSON: the terminal writes OSC 52 (ESC ] 52 ; c ; base64 ST)")
    func copyWritesOSC52() throws {
        let db = try items()
        let terminal = MemoryTerminal(rows: 24, columns: 80)
        terminal.type([.enter, .right, .character("y"), .character("$"), .character("y"), .character("Y")])
        let app = BrowserApp(database: db)
        _ = try app.run(on: terminal)
        let writes = terminal.clipboardWrites.map { String(decoding: $0, as: UTF8.self) }
        #expect(writes == [
            "\u{1B}]52;c;Ym9sdA==\u{1B}\\",  // bolt
            "\u{1B}]52;c;" + Data(#"{"a":[1,2]}"#.utf8).base64EncodedString() + "\u{1B}\\",
            "\u{1B}]52;c;" + Data(#"{"id":1,"name":"bolt","qty":5,"meta":{"a":[1,2]}}"#.utf8).base64EncodedString()
                + "\u{1B}\\",
        ])
        #expect(app.state?.message == "copied record 1 as JSON (49 bytes)")
        // Hostile text goes whole and exact (base64 carries control characters and bidi overrides safely).
        let hostile = "a\u{1B}[31m\u{202E}b\n世"
        #expect(Clipboard.osc52(hostile) == Array("\u{1B}]52;c;".utf8)
            + Array(Data(hostile.utf8).base64EncodedString().utf8) + [0x1B, 0x5C])
    }

    @Test("P pastes the copied cell into another as a pending edit, read by that column's type; refused if it does not fit")
    func paste() throws {
        var d = Driver(try items())
        d.press(.enter)
        d.press(.character("P"))
        #expect(d.state.message == "nothing copied yet: y copies a cell" && d.state.messageIsError)
        d.press(.right, .right, .character("y"))  // qty 5
        d.press(.down, .character("P"))  // record 7's qty (null)
        #expect(d.state.currentRow?[2] == 5)
        #expect(d.state.pending.map(\.summary) == ["UPDATE item id=7 qty: null → 5"])
        #expect(d.state.message == "qty pasted (pending: s saves, u undoes)")
        d.press(.left, .character("P"))  // name (str): the text 5
        #expect(d.state.currentRow?[1] == "5")
        d.press(.character("y"), .right, .character("P"))  // "5" into an int column fits, "nut" would not
        d.press(.character("0"), .right, .character("e"), .control("u"))
        d.type("nut")
        d.press(.enter, .character("y"), .right, .character("P"))
        #expect(d.state.message == "qty: 'nut' is not an integer; nothing pasted" && d.state.messageIsError)
        // null copied is pasted as null (not the text "null").
        d.press(.up, .right, .right, .right)
        d.press(.down, .character("y"), .up, .character("P"))  // meta of 7 (null) onto meta of 1
        #expect(d.state.currentRow?[3] == .null, "\(d.state.message)")
    }
}
