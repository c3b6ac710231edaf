import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser search, filter and sort")
struct FindTests {
    @Test("/ searches every cell ignoring case; n and N go to the next and previous match; the status counts rows")
    func search() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter, .character("/"))
        #expect(d.hints.hasPrefix("Search: "))
        d.type("CAROL")
        d.press(.enter)
        #expect(d.state.search == "CAROL" && d.state.searchMatches == 2)
        #expect(d.state.row == 6 && d.state.column == 1)  // "Carol" is the 7th student
        #expect(d.status.contains("/CAROL: match 1 of 2"))
        d.press(.character("n"))
        #expect(d.state.row == 16)  // "Carol 16"
        d.press(.character("n"))
        #expect(d.state.row == 6)  // wraps
        d.press(.character("N"))
        #expect(d.state.row == 16)
        d.press(.character("/"), .control("u"))
        d.type("nobody-has-this")
        d.press(.enter)
        #expect(d.state.message.contains("no match for \"nobody-has-this\"") && d.state.messageIsError)
        #expect(d.state.row == 16)  // did not move
        d.press(.escape)
        #expect(d.state.search == nil && d.state.message.isEmpty && !d.status.contains("/"))
    }

    @Test("f filters on the current column with = != < > <= >= or contains; F clears")
    func filter() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter, .character("l"), .character("l"), .character("l"))  // gpa
        d.press(.character("f"))
        d.type(">= 3.5")
        d.press(.enter)
        let table = try #require(d.state.table)
        let expected = table.rows.filter { ($0[3].doubleValue ?? 0) >= 3.5 }.count
        #expect(expected > 0 && expected < 20)
        #expect(d.state.view.count == expected)
        #expect(d.state.view.allSatisfy { (table.rows[$0][3].doubleValue ?? 0) >= 3.5 })
        #expect(d.status.contains("row 1 of \(expected) (filtered from 20)"))
        d.press(.backspace)
        #expect(d.state.view.count == 20)
        d.press(.character("0"), .character("l"), .character("f"))
        d.type("li")  // no operator: contains, ignoring case
        d.press(.enter)
        let names = d.state.view.map { table.rows[$0][1].stringValue ?? "" }
        #expect(!names.isEmpty && names.allSatisfy { $0.lowercased().contains("li") })
        d.press(.backspace, .character("$"), .character("f"))
        d.type("= null")
        d.press(.enter)
        #expect(d.state.view.count == 6 && d.state.view.allSatisfy { table.rows[$0][4].isNull })
        d.press(.backspace, .character("f"))
        d.type("!= null")
        d.press(.enter)
        #expect(d.state.view.count == 14)
        d.press(.backspace, .character("0"), .character("f"))
        d.type("< 3")
        d.press(.enter)
        #expect(d.state.view.map { table.rows[$0][0] } == [1, 2])
    }

    @Test("[ and ] sort by the current column ascending and descending")
    func sort() throws {
        var d = Driver(try Fixture.memory(studentCount: 20))
        d.press(.enter, .character("l"), .character("l"), .character("l"), .character("]"))
        let table = try #require(d.state.table)
        let gpas = d.state.view.map { table.rows[$0][3].doubleValue ?? 0 }
        #expect(gpas == gpas.sorted(by: >))
        #expect(d.lines[0].contains("by gpa ↓"))
        d.press(.character("["))
        let up = d.state.view.map { table.rows[$0][3].doubleValue ?? 0 }
        #expect(up == up.sorted())
        #expect(up != gpas)
    }

    @Test("matching ignores case for ASCII and other scripts, and looks at numbers, null and JSON as shown")
    func matcher() {
        #expect(TextMatcher("ALI").matches("Alice") && !TextMatcher("alx").matches("Alice"))
        #expect(TextMatcher("ZOË").matches("zoë") && TextMatcher("李").matches("韩梅梅 李雷"))
        #expect(TextMatcher("23").matches(1234) && TextMatcher("3.5").matches(3.5) && !TextMatcher("36").matches(3.5))
        #expect(TextMatcher("nul").matches(.null) && TextMatcher("TRUE").matches(true))
        #expect(TextMatcher("\"a\"").matches(["a", 1]) && TextMatcher("").matches("anything"))
        #expect(!TextMatcher("longer than the text").matches("short"))
    }
}
