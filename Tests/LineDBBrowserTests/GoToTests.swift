import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser: go to a row number (#), a key (@), half pages (Ctrl-D, Ctrl-U)")
struct GoToTests {
    @Test("# 5 Enter goes to row 5 of the view; out of range is clamped with a message; not a number is refused")
    func rowNumber() throws {
        var d = try onColumn(1, students: 100)
        d.press(.character("#"))
        #expect(d.hints.contains("Go to row number: "))
        d.type("5")
        d.press(.enter)
        #expect(d.state.row == 4)
        #expect(d.state.message == "row 5 of 100")
        d.press(.character("#"))
        d.type("250")
        d.press(.enter)
        #expect(d.state.row == 99)
        #expect(d.state.message == "row 250 is out of range: went to row 100 of 100")
        // The cursor row is on screen.
        #expect(d.state.top <= 99 && 99 < d.state.top + d.state.pageSize)
        d.press(.character("#"))
        d.type("0")
        d.press(.enter)
        #expect(d.state.row == 0)
        d.press(.character("#"))
        d.type("x\u{1B}y")
        d.press(.enter)
        #expect(d.state.row == 0 && d.state.messageIsError)
        #expect(d.state.message.hasPrefix("not a row number"))
    }

    @Test("@ 37 Enter goes to the record with key 37 in a sorted view; the key is read by the key column's type")
    func key() throws {
        var d = try onColumn(1, students: 100)
        d.press(.character("]"))  // names descending: key 37 is somewhere else than row 37
        d.press(.character("@"))
        #expect(d.hints.contains("Go to key: "))
        d.type("37")
        d.press(.enter)
        #expect(d.state.currentKey == 37)
        #expect(d.state.message.hasPrefix("record id 37: row "))
        d.press(.character("@"))
        d.type("abc")
        d.press(.enter)
        #expect(d.state.currentKey == 37 && d.state.messageIsError)
        #expect(d.state.message.hasPrefix("id: "))
        d.press(.character("@"))
        d.type("1000")
        d.press(.enter)
        #expect(d.state.currentKey == 37 && d.state.message == "no record has id 1000")
    }

    @Test("@ a key the filter hides says so, and moves nothing; unsorted views find it too")
    func hiddenByFilter() throws {
        var d = try onColumn(0, students: 50)
        filter(&d, "< 10")
        #expect(d.state.view.count == 9)
        d.press(.character("@"))
        d.type("30")
        d.press(.enter)
        #expect(d.state.messageIsError && d.state.message.contains("hidden by the filter"))
        d.press(.character("@"))
        d.type("7")
        d.press(.enter)
        #expect(d.state.currentKey == 7 && d.state.row == 6)
    }

    @Test("@ on a table without a primary key (a sheet) says there is no key")
    func noKey() throws {
        var d = try onColumn(1)
        d.press(.character("F"))
        d.press(.character("@"))
        #expect(d.state.mode == .normal && d.state.message.contains("no primary key"))
    }

    @Test("Ctrl-D and Ctrl-U move half a page down and up, the screen with the cursor")
    func halfPages() throws {
        var d = try onColumn(1, students: 100)
        let half = d.state.pageSize / 2
        #expect(half > 1)
        d.press(.control("d"))
        #expect(d.state.row == half && d.state.top == half)
        d.press(.control("d"))
        #expect(d.state.row == 2 * half)
        d.press(.control("u"))
        #expect(d.state.row == half)
        d.press(.control("u"), .control("u"))
        #expect(d.state.row == 0 && d.state.top == 0)
        // Held down: one move of several half pages.
        _ = d.state.handle(.control("d"), repeat: 3, context: d.source)
        #expect(d.state.row == 3 * half)
    }

    @Test("every new action has its key, a summary of at most 26 columns and a line in the help (paged at 80x24)")
    func inTheHelp() throws {
        let new: [(Action, String)] = [
            (.recordView, "v"), (.nextRecord, "J"), (.previousRecord, "K"), (.hideColumn, "-"), (.showColumns, "+"),
            (.fitColumn, "_"), (.narrowColumn, "<"), (.widenColumn, ">"), (.moveColumnLeft, "H"),
            (.moveColumnRight, "L"), (.sortAddAscending, "{"), (.sortAddDescending, "}"), (.naturalOrder, "\\"),
            (.goToRow, "#"), (.goToKey, "@"), (.halfPageDown, "ctrl-d"), (.halfPageUp, "ctrl-u"),
        ]
        for (action, key) in new {
            #expect(KeyMap.standard[KeyName.parse(key)!] == action, "\(key)")
            #expect(DisplayWidth.of(action.summary) <= 26)
            #expect(Renderer.helpEntries.contains { $0.1.contains(action) }, "\(action) is not in the help")
        }
        var d = Driver(try Fixture.memory())
        d.press(.character("?"))
        // The help scrolls at 80x24: PgDn until the view's lines have been on screen.
        let pages = d.helpScreens().joined(separator: "\n")
        for text in ["View (never saved)", "record view (Esc back)", "go to row # / key", "natural (key) order"] {
            #expect(pages.contains(text), "help lacks \(text)")
        }
        #expect(d.state.mode == .help)
        d.press(.escape)
        #expect(d.state.mode == .normal)
    }
}
