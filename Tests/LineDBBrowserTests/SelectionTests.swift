import LineDB
import Testing
@testable import LineDBBrowser

/// Selecting rows by key: t, *, ~, U; marked in the grid and counted in the heading; kept through sorts and
/// filters; work over many rows in slices that Esc cancels.
@Suite("Browser row selection: t * ~ U")
struct SelectionTests {
    /// The keys (ids) of the selected rows, sorted.
    private func selectedIDs(_ d: Driver) -> [Int] {
        d.state.selection.keys.compactMap { $0.intValue }.sorted()
    }

    /// The ids of the grid lines that carry the selection mark.
    private func markedIDs(_ d: Driver) -> [Int] {
        d.lines.compactMap { line -> Int? in
            guard let mark = line.firstIndex(of: "•") else { return nil }
            let rest = line[line.index(after: mark)...].drop { $0 == " " }
            return Int(rest.prefix { $0.isNumber })
        }.sorted()
    }

    @Test("t selects the row and moves down; t on a selected row unselects it; marks and count in the grid")
    func toggle() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 100)
        d.press(.enter)
        #expect(d.state.selection.isEmpty && markedIDs(d).isEmpty)
        d.press(.character("t"))
        #expect(d.state.row == 1 && selectedIDs(d) == [1])
        d.press(.character("j"), .character("t"))
        #expect(selectedIDs(d) == [1, 3] && d.state.row == 3)
        #expect(markedIDs(d) == [1, 3], "\(d.lines.joined(separator: "\n"))")
        #expect(d.lines.contains { $0.contains("2 selected") }, "the heading counts them")
        d.press(.character("k"), .character("k"), .character("t"))  // on id 2: not selected → selected
        #expect(selectedIDs(d) == [1, 2, 3])
        d.press(.character("k"), .character("t"))  // on id 2 again: unselected
        #expect(selectedIDs(d) == [1, 3])
    }

    @Test("The selection is by key: it stays on the same records through a sort and a filter")
    func survivesSortAndFilter() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 100)
        d.press(.enter)
        d.press(.character("j"), .character("j"), .character("t"))  // id 3
        d.press(.character("j"), .character("j"), .character("j"), .character("t"))  // id 7
        #expect(selectedIDs(d) == [3, 7])
        d.press(.character("]"))  // sort by id descending
        let table = try #require(d.state.table)
        #expect(table.rows[d.state.view[0]][0] == .int(20))
        #expect(selectedIDs(d) == [3, 7])
        d.press(.character("G"))
        #expect(markedIDs(d).contains(3) && markedIDs(d).contains(7))
        d.press(.character("g"), .character("l"))
        filter(&d, "Carol")  // only Carol (id 7) and Carol 16 (id 17)
        #expect(d.state.view.count == 2 && markedIDs(d) == [7])
        d.press(.control("f"))
        #expect(selectedIDs(d) == [3, 7])
    }

    @Test("* selects the rows matching the search, or every row of the filtered view; ~ inverts in the view; U clears")
    func selectMatchingInvertClear() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 100)
        d.press(.enter)
        d.press(.character("/"))
        d.type("carol")
        d.press(.enter)
        d.press(.character("*"))
        #expect(selectedIDs(d) == [7, 17])
        #expect(d.state.message.contains("2 rows selected"), "\(d.state.message)")
        d.press(.escape)  // no search: * selects every row of the view
        filter(&d, "Bob")  // ids 6 and 16
        d.press(.character("*"))
        #expect(selectedIDs(d) == [6, 7, 16, 17])
        d.press(.control("f"))
        d.press(.character("~"))  // every other row
        #expect(selectedIDs(d) == [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20])
        filter(&d, "Alice")  // ids 1 and 11: ~ here touches only them
        d.press(.character("~"))
        d.press(.control("f"))
        #expect(selectedIDs(d) == [2, 3, 4, 5, 8, 9, 10, 12, 13, 14, 15, 18, 19, 20])
        d.press(.character("U"))
        #expect(d.state.selection.isEmpty && markedIDs(d).isEmpty)
        #expect(!d.lines.contains { $0.contains("selected") && $0.contains("student:") })
    }

    @Test("Opening another table starts with no selection; t * ~ are refused outside the grid")
    func perTableAndPane() throws {
        var d = Driver(try Fixture.memory(studentCount: 20), columns: 100)
        d.press(.enter, .character("t"))
        #expect(selectedIDs(d) == [1])
        d.press(.tab, .tab)  // to the schema or WAL pane
        if d.state.focus != .grid {
            d.press(.character("t"))
            #expect(d.state.messageIsError && selectedIDs(d) == [1])
        }
        d.state.focus = .tables
        d.press(.character("j"), .enter)
        #expect(d.state.table?.name == "teacher" && d.state.selection.isEmpty)
    }

    @Test("Over many rows, * runs in slices with progress; Esc gives the selection back as it was")
    func selectAllInSlicesAndCancel() throws {
        var d = Driver(try Fixture.memory(studentCount: 30_000), columns: 100)
        d.press(.enter, .character("t"))  // id 1 selected before
        d.press(.character("/"))
        d.type("@uni")  // every row matches
        d.press(.enter)
        _ = d.state.handle(.character("*"), context: d.source)
        let job = try #require(d.state.selectionJob, "30,000 rows are not done in one slice")
        #expect(job.progress > 0 && job.progress < 1)
        #expect(d.lines.joined().contains("selecting…"), "the status line shows the work and its progress")
        #expect(d.state.selection.count > 1 && d.state.selection.count < 30_000)
        // Moves still work while it runs.
        _ = d.state.handle(.character("j"), context: d.source)
        #expect(d.state.row == 2)
        _ = d.state.handle(.escape, context: d.source)
        #expect(d.state.selectionJob == nil && selectedIDs(d) == [1])
        #expect(d.state.message.contains("cancelled"))
        // Run to its end: every row.
        d.press(.character("*"))
        #expect(d.state.selection.count == 30_000)
    }
}
