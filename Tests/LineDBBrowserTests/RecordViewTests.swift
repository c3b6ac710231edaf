import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// The lines of the grid's area (the record view's), from its left edge.
private func area(_ d: Driver) -> [String] {
    let r = d.state.layout.grid
    let grid = d.grid
    return (r.row..<r.row + r.height).map { y in
        (r.column..<r.column + r.width).map { grid[y, $0].text }.joined()
    }
}

/// A database with one table `doc` whose record 1 holds `text` and `data`.
private func docs(text: JSONValue, data: JSONValue = .null) throws -> Database {
    let db = Database.inMemory()
    try db.createTable(TableSchema("doc", columns: [
        Column("id", .int, primaryKey: true), Column("text", .str), Column("data", .json),
    ]))
    try db.insert("doc", ["text": text, "data": data])
    try db.insert("doc", ["text": "second", "data": .null])
    return db
}

@Suite("Browser: the record view (v): one field a line, wrapped, json pretty-printed, editable, J/K records")
struct RecordViewTests {
    @Test("v shows the cursor's record one field a line: name, type, value; Esc goes back on the same record")
    func openAndClose() throws {
        var d = try onColumn(1, students: 20)
        d.press(.character("j"), .character("j"))
        d.press(.character("v"))
        #expect(d.state.recordView != nil)
        #expect(d.hints.contains("Esc back") && d.hints.contains("J K record") && d.hints.contains("k j field"),
                "\(d.hints)")
        let lines = area(d)
        #expect(lines[0].contains("student: record 3 of 20, id 3"), "\(lines[0])")
        #expect(lines[1].hasPrefix(" id*") && lines[1].contains("int") && lines[1].contains(" 3"), "\(lines[1])")
        #expect(lines[2].contains("name") && lines[2].contains("str") && lines[2].contains("Zoë"), "\(lines[2])")
        #expect(lines[3].contains("email") && lines[3].contains("s3@uni.edu"))
        #expect(lines[5].contains("born") && lines[5].contains(ValueText.display(.null, width: 10)))  // as the grid
        // No grid header while it shows.
        #expect(!lines.contains { $0.contains("║") })
        for close in [Key.escape, .character("q"), .character("v")] {
            d.press(.character("v"))
            d.press(close)
            #expect(d.state.recordView == nil && d.state.row == 2 && d.state.column == 1)
        }
        #expect(d.state.mode == .normal)
    }

    @Test("j/k move between fields (the grid's column follows), J/K show the next and previous record")
    func moveAndRecords() throws {
        var d = try onColumn(0, students: 5)
        d.press(.character("v"), .character("j"), .character("j"))
        #expect(d.state.column == 2)
        d.press(.character("J"))
        #expect(d.state.row == 1 && d.state.recordView != nil)
        #expect(area(d)[0].contains("record 2 of 5, id 2"))
        d.press(.character("K"), .character("K"))
        #expect(d.state.row == 0 && d.state.message == "this is the first record")
        d.press(.character("G"))
        #expect(d.state.column == 4)
        d.press(.character("g"))
        #expect(d.state.column == 0)
        // A key that does not work here says so and changes nothing.
        d.press(.character("["))
        #expect(d.state.sorting.isEmpty && d.state.messageIsError && d.state.message.contains("record view"))
        d.press(.escape)
        #expect(d.state.row == 0 && d.state.column == 0)
    }

    @Test("Enter edits the field under the cursor with the cell editor; the edit is pending; the view stays open")
    func edit() throws {
        var d = try onColumn(0, students: 5)
        d.press(.character("v"), .character("j"), .enter)
        guard case .edit(let edit) = d.state.mode else { Issue.record("no editor"); return }
        #expect(edit.column == 1)
        // The editor is drawn over the field's value line.
        #expect(area(d)[2].contains("Alice"))
        d.press(.control("u"))
        d.type("Ada")
        d.press(.enter)
        #expect(d.state.recordView != nil && d.state.mode == .normal)
        #expect(d.state.pending.count == 1)
        #expect(d.state.currentRow?[1] == "Ada")
        #expect(area(d)[2].contains("Ada"))
        #expect(d.grid[d.state.layout.grid.row + 2, d.state.layout.grid.column + 20].style == .selected)
        // A refused value keeps the editor open with the reason.
        d.press(.character("j"), .character("j"), .character("e"), .control("u"))
        d.type("not a number")
        d.press(.enter)
        guard case .edit = d.state.mode else { Issue.record("the editor closed"); return }
        #expect(d.state.messageIsError && d.lines.contains { $0.contains("gpa: ") })
        d.press(.escape, .character("u"))
        #expect(d.state.pending.isEmpty && d.state.recordView != nil)
    }

    @Test("a json value is pretty-printed over several lines")
    func prettyJSON() throws {
        var d = Driver(try docs(text: "t", data: ["name": "x", "tags": [1, 2]]), rows: 30, columns: 100)
        d.press(.enter, .character("v"))
        let lines = area(d)
        let first = try #require(lines.firstIndex { $0.contains("data") && $0.contains("json") })
        #expect(lines[first].trimmingCharacters(in: .whitespaces).hasSuffix("{"), "\(lines[first])")
        #expect(lines[first + 1].contains("\"name\": \"x\","))
        #expect(lines[first + 2].contains("\"tags\": ["))
        #expect(lines[first + 3].contains("1,"))
    }

    @Test("a long value is wrapped in full within its column; a 1 MB value shows its start and its size, quickly")
    func wrapped() throws {
        let words = (1...60).map { "word\($0)" }.joined(separator: " ")
        var d = Driver(try docs(text: .string(words)), rows: 30, columns: 100)
        d.press(.enter, .character("v"))
        let lines = try #require(d.state.recordLines)
        let text = lines.lines.filter { $0.field == 1 }.map(\.text)
        #expect(text.count > 3)
        #expect(text.joined() == words)
        #expect(text.allSatisfy { DisplayWidth.of($0) <= lines.valueWidth })

        let big = String(repeating: "0123456789", count: 100_000)
        var e = Driver(try docs(text: .string(big)), rows: 30, columns: 100)
        e.press(.enter)
        let started = ContinuousClock.now
        e.press(.character("v"))
        _ = e.grid
        #expect(ContinuousClock.now - started < .milliseconds(500))  // (debug build; the bench measures release)
        let bigLines = try #require(e.state.recordLines).lines.filter { $0.field == 1 }
        #expect(bigLines.count == RecordLines.maxLinesPerField + 1)
        #expect(bigLines.last?.text.contains("1000000 bytes in all") == true)
        // PgDn scrolls through it; the title says which lines show.
        e.press(.character("j"), .pageDown)
        #expect(e.state.recordView!.top > 0)
        #expect(area(e)[0].contains("· lines "))
    }

    @Test("hostile values show as visible glyphs within the value column: controls, bidi, wide and combining")
    func hostile() throws {
        let nasty = "esc\u{1B}[31m red \u{202E}evil\u{202C} tab\tcr\r nul\u{0} line\nnext 李雷李雷李雷李雷李雷 e\u{301}\u{301}"
            + String(repeating: "漢", count: 80) + " c1\u{9B}31m del\u{7F} family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} "
            + "e" + String(repeating: "\u{301}", count: 50) + String(repeating: "ab漢\u{301}\u{1F600}", count: 2000)
        let json: JSONValue = ["\u{202E}key": ["\u{1B}[2J", "漢字", "\u{2066}x\u{2069}"]]
        var d = Driver(try docs(text: .string(nasty), data: json), rows: 30, columns: 90)
        d.press(.enter, .character("v"))
        let grid = d.grid
        let all = (0..<grid.rows).flatMap { y in (0..<grid.columns).map { grid[y, $0].text } }
        for cell in all {
            #expect(!cell.unicodeScalars.contains { VisibleText.isHidden($0) }, "a hidden character reached the screen")
        }
        let screen = d.lines.joined(separator: "\n")
        #expect(screen.contains("\\u{1B}[31m") && screen.contains("\\u{202E}evil") && screen.contains("⇥"))
        d.press(.character("G"))  // the json field, pretty-printed, its escapes visible
        let jsonScreen = d.lines.joined(separator: "\n")
        #expect(jsonScreen.contains("\\u{202E}key") && jsonScreen.contains("\\u001b[2J"), "\(jsonScreen)")
        #expect(jsonScreen.contains("漢字"))
        let after = d.grid
        for y in 0..<after.rows {
            for x in 0..<after.columns {
                #expect(!after[y, x].text.unicodeScalars.contains { VisibleText.isHidden($0) }, "hidden at \(y),\(x)")
            }
        }
        let lines = try #require(d.state.recordLines)
        // A line feed shows and ends the line.
        let feed = try #require(lines.lines.firstIndex { $0.text.hasSuffix("↵") })
        #expect(lines.lines[feed + 1].text.hasPrefix("next "))
        let r = d.state.layout.grid
        for line in lines.lines { #expect(DisplayWidth.of(line.text) <= lines.valueWidth) }
        // Nothing is drawn past the grid's area on any line.
        for y in r.row + 1..<r.row + r.height where r.column + r.width < grid.columns {
            #expect(grid[y, r.column + r.width].text == " " || grid[y, r.column + r.width].text == "│")
        }
    }

    @Test("a resize to 1x1 and back while the record view shows restores it")
    func resize() throws {
        var d = try onColumn(1, students: 5)
        d.press(.character("v"))
        let before = d.lines
        d.state.viewport = (1, 1)
        _ = d.grid
        d.press(.resize)
        d.state.viewport = (24, 80)
        d.press(.resize)
        #expect(d.lines == before)
    }

    @Test("scrolled far into a long value, a wider screen still shows its end (the scroll is clamped)")
    func scrolledThenWider() throws {
        let words = (1...400).map { "w\($0)" }.joined(separator: " ")
        var d = Driver(try docs(text: .string(words)), rows: 24, columns: 60)
        d.press(.enter, .character("v"), .character("j"))
        for _ in 0..<10 { d.press(.pageDown) }
        #expect(d.state.recordView!.top > 0)
        d.state.viewport = (24, 200)
        d.press(.resize)
        let lines = area(d)
        #expect(lines.contains { $0.contains("w400") }, "\(lines.joined(separator: "\n"))")
        #expect(lines[1].trimmingCharacters(in: .whitespaces).isEmpty == false)
    }
}
