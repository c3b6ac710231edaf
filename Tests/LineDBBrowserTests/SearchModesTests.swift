import LineDB
import Testing
@testable import LineDBBrowser

/// Search as plain text or a regular expression, in every column or the cursor's; "match k of N"; wrapping.
@Suite("Browser search modes: regex, one column, match k of N, highlighting")
struct SearchModesTests {
    /// Types a search: `/`, the toggles, the text, Enter.
    private func search(_ d: inout Driver, _ text: String, toggles: [Key] = []) {
        d.press(.character("/"), .control("u"))
        d.press(toggles)
        d.type(text)
        d.press(.enter)
    }

    @Test("Ctrl-R makes the search a regular expression, shown in the prompt's label; n/N wrap and say so")
    func regexSearchWraps() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter, .character("/"))
        #expect(d.hints.hasPrefix("Search: "))
        d.press(.control("r"))
        #expect(d.hints.hasPrefix("Search (regex): "))
        d.press(.control("r"))
        #expect(d.hints.hasPrefix("Search: "))
        d.press(.control("r"))
        d.type("^(bob|carol)")
        d.press(.enter)
        // Bob (row 6), Carol (7), Bob 15, Carol 16: four cells, all in the name column.
        #expect(d.state.search == "^(bob|carol)" && d.state.searchInfo.isRegex)
        #expect(d.state.row == 5 && d.state.column == 1)
        #expect(d.state.searchInfo.cells == 4)
        #expect(d.statusArea.contains("match 1 of 4"), "\(d.statusArea)")
        d.press(.character("n"))
        #expect(d.state.row == 6 && d.statusArea.contains("match 2 of 4"))
        d.press(.character("n"), .character("n"))
        #expect(d.state.row == 16 && d.statusArea.contains("match 4 of 4"))
        d.press(.character("n"))
        #expect(d.state.row == 5 && d.statusArea.contains("match 1 of 4"))
        #expect(d.state.message.contains("search wrapped to the top"), "\(d.state.message)")
        d.press(.character("N"))
        #expect(d.state.row == 16 && d.statusArea.contains("match 4 of 4"))
        #expect(d.state.message.contains("search wrapped to the bottom"), "\(d.state.message)")
        d.press(.character("N"))
        #expect(d.state.row == 15 && d.statusArea.contains("match 3 of 4") && !d.state.message.contains("wrapped"))
        // A plain search of the same text finds nothing: "^" is no character of a name.
        search(&d, "^(bob|carol)", toggles: [.control("r")])
        #expect(!d.state.searchInfo.isRegex && d.state.messageIsError)
        #expect(d.state.message.contains("no match"))
    }

    @Test("Moving the cursor off a match, then n: the rank is counted again from the new place")
    func rankAfterMove() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter)
        search(&d, "carol")
        #expect(d.state.row == 6 && d.statusArea.contains("match 1 of 2"))
        d.press(.character("G"))  // last row
        d.press(.character("N"))
        #expect(d.state.row == 16 && d.statusArea.contains("match 2 of 2"), "\(d.statusArea)")
    }

    @Test("Ctrl-T limits the search to the cursor's column, named in the label; matches elsewhere are skipped")
    func columnSearch() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter, .character("l"), .character("l"))  // email
        d.press(.character("/"), .control("t"))
        #expect(d.hints.hasPrefix("Search email: "), "\(d.hints)")
        d.press(.control("r"))
        #expect(d.hints.hasPrefix("Search email (regex): "), "\(d.hints)")
        d.press(.control("r"))
        d.type("1")
        d.press(.enter)
        // s1@, s10@ … s19@: 11 emails hold a "1" (ids and gpas holding one are not looked at).
        #expect(d.state.searchInfo.column == 2 && d.state.searchInfo.cells == 11)
        #expect(d.statusArea.contains("in email") && d.statusArea.contains("of 11"), "\(d.statusArea)")
        var rows: [Int] = []
        for _ in 0..<11 {
            #expect(d.state.column == 2)
            rows.append(d.state.row)
            d.press(.character("n"))
        }
        #expect(rows == [0] + Array(9...18), "\(rows)")
        // Without the toggle, every column: ids 1, 10-19 and emails, gpas.
        d.press(.character("0"))
        search(&d, "1", toggles: [.control("t")])
        #expect(d.state.searchInfo.column == nil && d.state.searchInfo.cells > 11)
    }

    @Test("A bad regular expression is refused with its position; the search and cursor stay as they were")
    func badRegex() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter)
        search(&d, "carol")
        let before = (d.state.row, d.state.column)
        search(&d, "ca(rol", toggles: [.control("r")])
        #expect(d.state.messageIsError)
        #expect(d.state.message.contains("bad regular expression at character 7"), "\(d.state.message)")
        // The prompt stays open with the text, to fix it.
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("the prompt closed"); return }
        #expect(prompt.editor.string == "ca(rol" && d.hints.hasPrefix("Search (regex): "))
        d.press(.escape)
        #expect(d.state.search == "carol" && !d.state.searchInfo.isRegex)
        #expect(d.state.row == before.0 && d.state.column == before.1)
        for bad in ["[", "*x", "a{2,1}", "(?<n", "\\", "(?P<>x)", "[z-a]"] {
            search(&d, bad, toggles: [.control("r")])
            #expect(d.state.messageIsError && d.state.message.contains("bad regular expression"), "\(bad): \(d.state.message)")
            d.press(.escape)
            #expect(d.state.search == "carol")
        }
    }

    @Test("The matching cells are highlighted in the grid (the match style), only in the searched column")
    func highlight() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), rows: 40)
        d.press(.enter)
        search(&d, "Carol")
        let grid = d.grid
        let lines = grid.lines
        func style(of text: String) throws -> CellStyle {
            let y = try #require(lines.firstIndex { $0.contains(text) })
            let x = try #require(displayColumns(of: String(text.first!), row: y, in: grid).first)
            return grid[y, x].style
        }
        #expect(try style(of: "Carol 16") == .match)  // not under the cursor
        #expect(try style(of: "Bob 15") != .match)
        #expect(try style(of: "Dmitri") != .match)
        // Limited to the email column: names are no longer highlighted.
        d.press(.character("l"))
        search(&d, "s1", toggles: [.control("t")])
        let lines2 = d.grid.lines
        let y = try #require(lines2.firstIndex { $0.contains("Carol 16") })
        let x = try #require(displayColumns(of: "C", row: y, in: d.grid).first)
        #expect(d.grid[y, x].style != .match)
        let emailX = try #require(lines2[y].range(of: "s17@")).lowerBound
        let column = lines2[y].distance(from: lines2[y].startIndex, to: emailX)
        #expect(d.grid[y, column].style == .match)
    }

    @Test("A regular expression search over hostile values: no crash, and matches found in them")
    func regexOverHostileValues() throws {
        let db = Database.inMemory()
        try db.createTable(TableSchema("h", columns: [Column("id", .int, primaryKey: true), Column("v", .str)]))
        let values = ["plain", "bidi \u{202E}evil\u{202C}", "ctrl \u{1}\u{7F}", String(repeating: "x", count: 1 << 20) + "END",
                      "wide 漢字", "comb e\u{301}"]
        for v in values { try db.insert("h", ["v": .string(v)]) }
        var d = Driver(db)
        d.press(.enter)
        search(&d, "end$", toggles: [.control("r")])
        #expect(d.state.row == 3 && d.state.column == 1 && d.state.searchInfo.cells == 1)
        search(&d, "漢.")  // (the prompt keeps the regex toggle of the search in force)
        #expect(d.state.row == 4 && d.state.searchInfo.isRegex)
        search(&d, "evil")
        #expect(d.state.row == 1)
        _ = d.lines  // renders with the highlight
    }
}

@Suite("Browser search text shown safely")
struct SearchTextShownTests {
    @Test("A search text with control and bidi characters shows them visibly in the status line and messages")
    func hostileSearchText() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter, .character("/"))
        d.state.type(Array("zz\u{1B}[31m\u{202E}"))
        d.press(.enter)
        #expect(d.state.messageIsError && d.state.message.hasPrefix("no match for \"zz"))
        #expect(!d.state.message.contains("\u{1B}") && !d.state.message.contains("\u{202E}"), "\(d.state.message)")
        #expect(!d.statusArea.contains("\u{1B}") && !d.statusArea.contains("\u{202E}"))
    }
}
