import LineDB
import Testing
@testable import LineDBBrowser

/// Keys typed while work runs (issue 17, section 1): kept in order, applied once the work they depend on is done;
/// prompts open at once and take their text; Esc cancels the work and the keys waiting. These drive the state as
/// the app does, but let the work run only when the test says so (`settle`), so that every key is typed while the
/// work is still running.
@Suite("Browser type-ahead: keys typed while work runs wait for it, in order, and are never dropped")
struct TypeAheadTests {
    /// Types `keys` without letting any work run (as keys read between two slices of a long task).
    func typeAhead(_ d: inout Driver, _ keys: [Key]) {
        for key in keys {
            d.effects += d.state.handle(key, context: d.source)
            d.state.scrollToCursor()
        }
    }

    /// Lets the work run to its end and the waiting keys be applied, until nothing runs and nothing waits.
    func settle(_ d: inout Driver) {
        var rounds = 0
        repeat {
            d.state.finishWork()
            d.effects += d.state.replayTypeAhead(context: d.source)
            d.state.scrollToCursor()
            rounds += 1
        } while (d.state.keysMustWait || !d.state.typeAhead.isEmpty) && rounds < 1000
    }

    /// Whether a status line says `n` keys wait ("· 2 keys waiting", or "· 2 waiting" on a narrow screen).
    func showsWaiting(_ status: String, _ n: Int) -> Bool {
        status.contains("· \(n) key\(n == 1 ? "" : "s") waiting") || status.contains("· \(n) waiting")
    }

    /// The students fixture (`count` rows) opened, the cursor on column `c`.
    func students(_ count: Int = 300, column c: Int = 1) throws -> Driver {
        try onColumn(c, students: count)
    }

    /// The name of the record under the cursor.
    func nameUnderCursor(_ d: Driver) -> JSONValue? { d.state.currentRow?[1] }

    // MARK: - The issue's two examples

    @Test("] then /text Enter at once: the prompt opens during the sort, Enter waits, then the search runs on the sorted view")
    func sortThenSearch() throws {
        var d = try students()
        typeAhead(&d, [.character("]"), .character("/")] + keys("Carol 7"))
        // The sort is still running; the prompt is open and holds the text (none of it reached the grid).
        #expect(d.state.task != nil)
        #expect(d.state.mode == .prompt(Prompt(purpose: .search, editor: LineEditor("Carol 7"))))
        #expect(d.state.pending.isEmpty)
        typeAhead(&d, [.enter])
        #expect(d.state.typeAhead.count == 1 && d.state.task != nil)  // Enter waits for the sort
        #expect(d.statusArea.contains("sorting") && showsWaiting(d.statusArea, 1))
        settle(&d)
        #expect(d.state.sort?.column == 1 && d.state.sort?.descending == true)
        #expect(d.state.search == "Carol 7" && d.state.mode == .normal)
        // The first match of the sorted view from its first row: the greatest name containing "carol 7".
        let table = try #require(d.state.table)
        let first = d.state.view.first { table.rows[$0][1].stringValue!.lowercased().contains("carol 7") }
        #expect(d.state.view[d.state.row] == first)
    }

    @Test("f = Bob Enter, Ctrl-F, f = Carol Enter at once on a sorted view: only the Carol filter, no cell edited")
    func filterClearFilter() throws {
        var d = try students()
        d.press(.character("]"))
        typeAhead(&d, [.character("f")] + keys("= Bob") + [.enter, .control("f"), .character("f")] + keys("= Carol")
                  + [.enter])
        settle(&d)
        let table = try #require(d.state.table)
        #expect(d.state.filters == [.column(RowFilter(column: 1, text: "= Carol"))])
        #expect(d.state.mode == .normal && d.state.pending.isEmpty)
        #expect(!d.state.view.isEmpty && d.state.view.allSatisfy { table.rows[$0][1] == .string("Carol") })
        #expect(d.state.sort?.column == 1)
    }

    @Test("Ctrl-F while clearing re-sorts: f opens at once, its text goes into the prompt, its Enter waits")
    func filterDuringClearSort() throws {
        var d = try students()
        d.press(.character("]"), .character("f"))
        d.type("li")
        d.press(.enter)
        typeAhead(&d, [.control("f"), .character("f")] + keys("Bob"))
        #expect(d.state.task != nil)  // every row sorted again
        #expect(d.state.mode == .prompt(Prompt(purpose: .filter(column: 1), editor: LineEditor("Bob"))))
        typeAhead(&d, [.enter, .character("G")])
        #expect(d.state.typeAhead.keys == [.enter, .character("G")][...])
        #expect(d.statusArea.contains("sorting") && showsWaiting(d.statusArea, 2))
        settle(&d)
        let table = try #require(d.state.table)
        #expect(d.state.filters == [.column(RowFilter(column: 1, text: "Bob"))])
        #expect(d.state.view.count == 30 && d.state.view.allSatisfy { table.rows[$0][1].stringValue!.hasPrefix("Bob") })
        #expect(d.state.row == d.state.view.count - 1)  // G came after the filter
    }

    // MARK: - Every busy state × every kind of key

    /// Keys that start each kind of work on the students table (cursor on the name column).
    static let starts: [(name: String, keys: [Key])] = [
        ("sort", [.character("]")]),
        ("filter", [.character("f")] + keys("li") + [.enter]),
        ("search", [.character("/")] + keys("no such text") + [.enter]),
        ("frequency sheet", [.character("F")]),
        ("describe sheet", [.character("I")]),
    ]

    @Test("a search prompt typed ahead during any work opens at once, takes its text, and its Enter waits",
          arguments: starts.map(\.name))
    func promptDuringEveryWork(_ work: String) throws {
        var d = try students()
        let start = try #require(Self.starts.first { $0.name == work }).keys
        typeAhead(&d, start)
        #expect(d.state.task != nil)
        typeAhead(&d, [.character("/")] + keys("li"))
        #expect(d.state.mode == .prompt(Prompt(purpose: .search, editor: LineEditor("li"))))
        typeAhead(&d, [.enter])
        if work == "search" {
            // A new search replaces the one running.
            #expect(d.state.typeAhead.isEmpty)
            guard case .seek(let text, _, _, _)? = d.state.task?.goal else {
                Issue.record("no search running")
                return
            }
            #expect(text.text == "li")
        } else {
            #expect(d.state.typeAhead.count == 1 && d.state.task != nil)
        }
        settle(&d)
        #expect(d.state.search == "li" && d.state.mode == .normal)
        let table = try #require(d.state.table)
        let cell = table.rows[d.state.view[d.state.row]][d.state.column]
        #expect(ValueText.display(cell).lowercased().contains("li"))
        if work.hasSuffix("sheet") { #expect(d.state.sheet != nil) }  // the search ran on the sheet, once shown
    }

    @Test("moves act at once during any work when nothing waits; behind a waiting key they wait",
          arguments: starts.map(\.name))
    func movesDuringEveryWork(_ work: String) throws {
        var d = try students()
        d.press(.character("j"))
        let start = try #require(Self.starts.first { $0.name == work }).keys
        typeAhead(&d, start)
        let row = d.state.row
        typeAhead(&d, [.character("j"), .character("j")])
        #expect(d.state.row == row + 2 && d.state.typeAhead.isEmpty)
        // A key that waits (n: the next match needs the work's result) holds the moves typed after it.
        typeAhead(&d, [.character("n"), .character("j")])
        #expect(d.state.row == row + 2 && d.state.typeAhead.count == 2)
        #expect(showsWaiting(d.statusArea, 2))
        settle(&d)
        #expect(d.state.typeAhead.isEmpty && !d.state.keysMustWait)
    }

    @Test("Esc during any work with keys waiting cancels the work and drops them, saying so",
          arguments: starts.map(\.name))
    func escapeDuringEveryWork(_ work: String) throws {
        var d = try students()
        let before = d.state.view
        let start = try #require(Self.starts.first { $0.name == work }).keys
        typeAhead(&d, start)
        let label = try #require(d.state.task?.label)
        typeAhead(&d, [.character("n"), .character("e")] + keys("xy"))
        #expect(d.state.typeAhead.count == 4)
        typeAhead(&d, [.escape])
        #expect(d.state.task == nil && d.state.typeAhead.isEmpty && d.state.mode == .normal)
        #expect(d.state.message == "\(label) cancelled; 4 keys typed ahead dropped")
        #expect(d.state.view == before && d.state.sheets.isEmpty && d.state.pending.isEmpty)
        settle(&d)
        #expect(d.state.view == before && d.state.pending.isEmpty)  // nothing left to run
    }

    /// A query that runs until the test gives it its result.
    final class HeldQuery: RunningQuery, @unchecked Sendable {
        let sql = "SELECT name FROM student"
        var rowsSoFar = 0
        var result: Result<QueryResult, QueryFailure>?
        private(set) var cancelled = false
        func wait(until deadline: ContinuousClock.Instant) {}
        func cancel() { cancelled = true }
    }

    @Test("while a SQL query runs: / opens at once, its Enter and the keys after it wait for the sheet; Esc interrupts")
    func duringQuery() throws {
        var d = try students()
        let query = HeldQuery()
        d.state.runningQuery = query
        typeAhead(&d, [.character("/")] + keys("ol") + [.enter, .character("j")])
        #expect(d.state.mode == .prompt(Prompt(purpose: .search, editor: LineEditor("ol"))))
        #expect(d.state.typeAhead.count == 2 && d.state.sheets.isEmpty)
        #expect(showsWaiting(d.statusArea, 2) && d.statusArea.contains("running the query"))
        query.result = .success(QueryResult(columns: ["name"], origins: [nil], types: [.str],
                                            rows: [["Alice"], ["Bob"], ["Carol"], ["Carol 2"]]))
        settle(&d)
        // The search ran on the query's sheet, once shown, and j after it.
        #expect(d.state.sheet != nil && d.state.search == "ol" && d.state.row == 3)

        var e = try students()
        let held = HeldQuery()
        e.state.runningQuery = held
        typeAhead(&e, [.character("n"), .escape])
        #expect(held.cancelled && e.state.runningQuery == nil && e.state.typeAhead.isEmpty)
        #expect(e.state.message == "query cancelled; 1 key typed ahead dropped")
    }

    @Test("q during any work: with nothing waiting it stops the work and quits at once; behind a waiting key it waits",
          arguments: starts.map(\.name))
    func quitDuringEveryWork(_ work: String) throws {
        let start = try #require(Self.starts.first { $0.name == work }).keys
        var d = try students()
        typeAhead(&d, start + [.character("q")])
        #expect(d.effects.contains(.quit) && d.state.task == nil)

        var e = try students()
        typeAhead(&e, start + [.character("n"), .character("q")])
        #expect(!e.effects.contains(.quit) && e.state.typeAhead.count == 2)
        settle(&e)
        #expect(e.effects.contains(.quit))
    }

    @Test("the waiting keys stay visible on a narrow status line, and a 1x1 screen while keys wait draws without a crash")
    func waitingOnNarrowScreens() throws {
        var d = try students()
        typeAhead(&d, [.character("]"), .character("n"), .character("j"), .character("j")])
        for columns in [200, 80, 60] {
            d.state.viewport = (24, columns)
            // (The status line, or the lines above it that a long message takes, joined.)
            let area = d.lines.suffix(4).map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined()
            #expect(showsWaiting(area, 3), "\(columns): \(area)")
        }
        #expect(Renderer.busyText(work: "sorting", amount: "45%", waiting: 3, width: 80)
                == "sorting… 45% · 3 keys waiting  (Esc cancels)")
        #expect(Renderer.busyText(work: "sorting", amount: "45%", waiting: 1, width: 29) == "sorting… 45% · 1 key waiting")
        #expect(Renderer.busyText(work: "sorting", amount: "45%", waiting: 3, width: 12) == "3 waiting")
        d.state.viewport = (1, 1)
        #expect(d.lines.count == 1)
        d.state.viewport = (24, 80)
        d.state.scrollToCursor()
        #expect(showsWaiting(d.lines.suffix(4).joined(), 3))
        settle(&d)
        #expect(d.state.typeAhead.isEmpty && d.state.row == 2)
    }

    @Test("Esc with nothing waiting cancels the work only; Esc in a prompt opened ahead closes the prompt only")
    func escapeWithNothingWaiting() throws {
        var d = try students()
        typeAhead(&d, [.character("]"), .character("/")] + keys("ab"))
        typeAhead(&d, [.escape])  // the prompt's own Esc
        #expect(d.state.mode == .normal && d.state.task != nil)
        typeAhead(&d, [.escape])
        #expect(d.state.task == nil && d.state.sort == nil && d.state.message == "sorting cancelled")
    }

    @Test("quit during work: q with nothing waiting quits at once; behind waiting keys it waits its turn; Ctrl-C never waits")
    func quitDuringWork() throws {
        var d = try students()
        typeAhead(&d, [.character("]"), .character("q")])
        #expect(d.effects.contains(.quit))

        var e = try students()
        typeAhead(&e, [.character("]"), .character("/")] + keys("Bob") + [.enter, .character("q")])
        #expect(!e.effects.contains(.quit) && e.state.typeAhead.count == 2)
        settle(&e)
        #expect(e.effects.contains(.quit) && e.state.search == "Bob")

        var c = try students()
        typeAhead(&c, [.character("]"), .character("n"), .character("j"), .control("c")])
        #expect(c.effects.contains(.quit) && c.state.typeAhead.isEmpty && c.state.task == nil)
        // In a prompt whose Enter waits, Ctrl-C is the prompt's Esc: the work and the keys go, the browser stays.
        var p = try students()
        typeAhead(&p, [.character("]"), .character("/")] + keys("Bob") + [.enter, .control("c")])
        #expect(!p.effects.contains(.quit) && p.state.typeAhead.isEmpty && p.state.task == nil)
        #expect(p.state.mode == .normal && p.state.message == "sorting cancelled; 1 key typed ahead dropped")
    }

    @Test("a second sort during a sort replaces it: the new column's sort runs at once, the first is never applied")
    func sortOverSort() throws {
        var d = try students()
        typeAhead(&d, [.character("]"), .character("l"), .character("[")])
        #expect(d.state.typeAhead.isEmpty)
        guard case .sort(let order, _)? = d.state.task?.goal else {
            Issue.record("no sort running")
            return
        }
        #expect(order.map(\.column) == [2] && order.allSatisfy { !$0.descending })
        settle(&d)
        let table = try #require(d.state.table)
        #expect(d.state.sort?.column == 2 && d.state.sort?.descending == false)
        let emails = d.state.view.map { table.rows[$0][2] }
        #expect(emails == emails.sorted { JSONValue.compare($0, $1) < 0 })
    }

    @Test("Backspace or Ctrl-F over a filter being added cancels it: the filters and rows are as before")
    func removeFilterBeingAdded() throws {
        var d = try students()
        filter(&d, "li")
        let view = d.state.view
        typeAhead(&d, [.character("f")] + keys("= Bob") + [.enter])
        #expect(d.state.task != nil)
        typeAhead(&d, [.backspace])
        #expect(d.state.task == nil && d.state.typeAhead.isEmpty)
        #expect(d.state.filters == [.column(RowFilter(column: 1, text: "li"))] && d.state.view == view)
        #expect(d.state.message.hasPrefix("filter name = Bob cancelled"))
        typeAhead(&d, [.character("f")] + keys("= Bob") + [.enter, .control("f")])
        settle(&d)
        #expect(d.state.filters.isEmpty && d.state.view.count == 300)
    }

    @Test("e typed during a sort waits: the editor opens on the sorted view's first row and takes the text typed")
    func editWaitsForTheSort() throws {
        var d = try students(column: 2)
        d.press(.character("j"), .character("j"))
        typeAhead(&d, [.character("["), .character("e"), .control("u")] + keys("first@uni.edu") + [.enter])
        #expect(d.state.mode == .normal && d.state.pending.isEmpty)  // nothing applied to the unsorted view
        #expect(d.state.typeAhead.count == 16)
        settle(&d)
        let table = try #require(d.state.table)
        let emails = (0..<300).map { "s\($0 + 1)@uni.edu" }.sorted()
        #expect(d.state.pending.count == 1)
        let first = try #require(d.state.table?.rows.firstIndex { $0[2] == .string("first@uni.edu") })
        #expect(table.rows[first][0] == .int(Int(emails[0].dropFirst().prefix { $0.isNumber })!))
    }

    @Test("a question opened during a filter waits for its answer; a confirmed delete comes after the filter")
    func questionAnswerWaits() throws {
        var d = try students()
        typeAhead(&d, [.character("f")] + keys("= Bob") + [.enter, .character("d")])
        // d depends on the record under the cursor, which the filter changes: it waits, and y with it.
        typeAhead(&d, [.character("y")])
        #expect(d.state.typeAhead.count == 2 && d.state.pending.isEmpty)
        settle(&d)
        let table = try #require(d.state.table)
        #expect(d.state.pending.count == 1 && d.state.filters.count == 1)
        #expect(table.rows.count == 300 && d.state.pending.first?.table == "student")
        guard case .delete(let row)? = d.state.pending.first?.kind else {
            Issue.record("not a delete")
            return
        }
        #expect(row[1] == .string("Bob"))  // the first Bob, the first row of the filtered view
    }

    @Test("a paste typed while keys wait joins them, in order, and reaches the prompt opened by the key before it")
    func pasteWhileWaiting() throws {
        var d = try students()
        typeAhead(&d, [.character("]"), .character("/")] + keys("Bo") + [.enter, .character("f")])
        #expect(d.state.typeAhead.count == 2)
        let taken = d.state.type(Array("Carol"))  // as the app does with the characters of one batch
        #expect(taken)
        #expect(d.state.typeAhead.count == 7)
        #expect(d.state.mode == .prompt(Prompt(purpose: .search, editor: LineEditor("Bo"))))
        typeAhead(&d, [.enter])
        settle(&d)
        let table = try #require(d.state.table)
        #expect(d.state.search == "Bo" && d.state.filters == [.column(RowFilter(column: 1, text: "Carol"))])
        #expect(d.state.view.count == 30 && d.state.view.allSatisfy { table.rows[$0][1].stringValue!.hasPrefix("Carol") })
    }

    @Test("the queue is bounded: a key past its capacity is refused with a message, the others kept in order")
    func capacity() {
        var queue = TypeAhead()
        var appended = 0
        for i in 0..<TypeAhead.capacity where queue.append(.character(Character(String(i % 10)))) { appended += 1 }
        #expect(appended == TypeAhead.capacity)
        #expect(!queue.append(.enter) && queue.count == TypeAhead.capacity)
        for i in 0..<5000 { #expect(queue.removeFirst() == .character(Character(String(i % 10)))) }
        #expect(queue.append(.enter) && queue.count == TypeAhead.capacity - 4999)
        #expect(queue.first == .character(Character(String(5000 % 10))) && queue.keys.last == .enter)
        #expect(queue.removeAll() == TypeAhead.capacity - 4999 && queue.isEmpty)
    }

    // MARK: - In the app's loop

    @Test("in the app: ] /Carol 7 Enter j typed at once; frames show the prompt and the waiting keys; all happen in order")
    func appLoop() throws {
        let app = BrowserApp(database: try Fixture.memory(studentCount: 3000))
        app.sliceMilliseconds = 0
        app.workChunk = 50
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l")]),
            (.idle, [.character("]"), .character("/")] + keys("Carol 7") + [.enter, .character("j")]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.search == "Carol 7" && state.sort?.column == 1 && state.mode == .normal)
        let table = try #require(state.table)
        let first = try #require(state.view.firstIndex { table.rows[$0][1].stringValue!.lowercased().contains("carol 7") })
        #expect(state.row == first + 1)
        #expect(terminal.frames.contains {
            $0.lines[22].contains("sorting… ") && $0.lines[22].contains("2 keys waiting")
                && $0.lines[23].hasPrefix("Search: Carol 7")
        })
    }

    // MARK: - Section 3: clearing a filter keeps the cursor on its record

    @Test("Ctrl-F and Backspace keep the cursor on the record it was on")
    func clearFilterKeepsRecord() throws {
        var d = try students()
        d.press(.character("]"))
        filter(&d, "li")
        d.press(.character("j"), .character("j"), .character("j"))
        let record = d.state.currentRow
        d.press(.control("f"))
        #expect(d.state.filters.isEmpty && d.state.view.count == 300 && d.state.currentRow == record)
        filter(&d, "li")
        filter(&d, "~Al")
        d.press(.character("j"))
        let second = d.state.currentRow
        d.press(.backspace)
        #expect(d.state.filters.count == 1 && d.state.currentRow == second)

    }

    @Test("removing the newer of two filters on a big table, in slices: the cursor stays on its record")
    func removeFilterInSlices() throws {
        var d = try students(3000)
        filter(&d, "~li")
        filter(&d, "~Al")
        d.press(.character("j"), .character("j"))
        let record = d.state.currentRow
        d.effects += d.state.handle(.backspace, context: d.source)
        while d.state.task != nil {
            d.state.work(until: .now, chunk: 50)  // as the app does: slices, frames between them
            d.state.scrollToCursor()
        }
        #expect(d.state.filters.count == 1 && d.state.currentRow == record)
    }

    @Test("the filter prompt names the column it filters")
    func filterPromptNamesColumn() throws {
        var d = try students(column: 3)
        d.press(.character("f"))
        #expect(d.hints.hasPrefix("Filter gpa: "))
    }

    @Test("a key waiting behind the Enter that closes a sheet is applied after it, on the grid below (not dropped)")
    func keyBehindSheetClose() throws {
        var d = try students(300, column: 3)
        d.press(.character("F"), .character("l"))  // the frequency sheet of gpa, on its count column
        #expect(d.state.sheet != nil)
        // Sort the sheet by count, most first; Enter (filter the grid to that gpa) and j wait for the sort.
        typeAhead(&d, [.character("]"), .enter, .character("j")])
        #expect(d.state.typeAhead.count == 2)
        settle(&d)
        #expect(d.state.sheet == nil)
        let filter = try #require(d.state.filters.first)
        #expect(d.state.view.count > 1)  // gpas repeat: the filter keeps several rows
        #expect(d.state.row == 1, "j was applied on the filtered grid after the sheet closed (\(filter))")
    }
}
