import LineDB
import Testing
@testable import LineDBBrowser

/// A terminal that hands out groups of keys (the keys of a group are typed ahead together), each when the app
/// waits for a key with nothing running (`.idle`) or once some frames were drawn since the previous group
/// (`.frames(n)`, also while a task runs); `q` when the groups are used up. Records every frame.
final class PacedTerminal: Terminal {
    enum Wait { case idle, frames(Int) }

    let size: (rows: Int, columns: Int)
    private var groups: [(wait: Wait, keys: [Key])]
    private var queued: [Key] = []
    private var framesSinceGroup = 0
    private(set) var frames: [ScreenGrid] = []
    /// How many frames had been drawn when each group was handed out.
    private(set) var groupFrames: [Int] = []

    init(rows: Int = 24, columns: Int = 140, _ groups: [(wait: Wait, keys: [Key])]) {
        size = (rows, columns)
        self.groups = groups
    }

    func draw(_ grid: ScreenGrid) {
        frames.append(grid)
        framesSinceGroup += 1
    }

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        if queued.isEmpty, let group = groups.first {
            let due: Bool
            switch group.wait {
            case .idle: due = timeoutMilliseconds > 0
            case .frames(let n): due = framesSinceGroup >= n
            }
            if due {
                groups.removeFirst()
                queued = group.keys
                framesSinceGroup = 0
                groupFrames.append(frames.count)
            }
        }
        if queued.isEmpty && groups.isEmpty && timeoutMilliseconds > 0 { return .character("q") }
        return queued.isEmpty ? nil : queued.removeFirst()
    }

    /// The status line of each frame.
    var statusLines: [String] { frames.map(statusArea) }
}

@Suite("Browser: search, filter and sort run in slices with progress; Esc cancels")
struct TaskTests {
    /// An app over `count` students that works in tiny slices (`chunk` units, one chunk per slice).
    func app(_ count: Int, chunk: Int = 50) throws -> BrowserApp {
        let app = BrowserApp(database: try Fixture.memory(studentCount: count))
        app.sliceMilliseconds = 0
        app.workChunk = chunk
        return app
    }

    func rowNumber(_ status: String) -> Int? {
        status.split(separator: " ").drop { $0 != "row" }.dropFirst().first.flatMap { Int($0) }
    }

    @Test("a search far from the cursor shows 'searching… N%' frames, then jumps to the match and counts the rest")
    func searchProgress() throws {
        let app = try app(3000, chunk: 200)
        let terminal = PacedTerminal([(.idle, [.enter, .character("/")] + keys("s2990@UNI") + [.enter])])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.row == 2989 && state.column == 2)
        #expect(state.search == "s2990@UNI" && state.searchMatches == 1)
        let progress = terminal.statusLines.filter { $0.contains("searching… ") && $0.contains("(Esc cancels)") }
        #expect(progress.count > 10)
        // The percentages only grow.
        let percents = progress.compactMap { line -> Int? in
            line.range(of: "searching… ").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }
        }
        #expect(percents == percents.sorted() && percents.first! < percents.last!)
        // The match is shown while the count goes on, then the total.
        let firstHit = try #require(terminal.statusLines.firstIndex { rowNumber($0) == 2990 })
        #expect(terminal.statusLines[firstHit].contains("counting"))
        #expect(terminal.statusLines.last!.contains("/s2990@UNI: match 1 of 1"))
    }

    @Test("the first match is shown at once: the frame after Enter has the cursor on it while the count goes on")
    func firstMatchAtOnce() throws {
        let app = try app(3000, chunk: 200)
        let terminal = PacedTerminal([(.idle, [.enter, .character("/")] + keys("carol") + [.enter])])
        _ = try app.run(on: terminal)
        // Frame 0 is the first screen; frame 1 follows the keys: cursor on "Carol" (row 7), counting.
        #expect(rowNumber(terminal.statusLines[1]) == 7)
        #expect(terminal.statusLines[1].contains("/carol: ≥") && terminal.statusLines[1].contains("counting"))
        let state = try #require(app.state)
        #expect(state.searchMatches == 300)
        #expect(terminal.statusLines.last!.contains("\"carol\": match 1 of 300"))
    }

    @Test("Esc during a sort cancels it: the grid stays as it was, no sort is set, the status says so")
    func cancelSort() throws {
        let app = try app(3000)
        let terminal = PacedTerminal([(.idle, [.enter, .character("l")]), (.idle, [.character("]")]),
                                      (.frames(4), [.escape])])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.sort == nil && state.task == nil)
        #expect(state.view == Array(0..<3000))
        #expect(terminal.statusLines.last!.contains("sorting cancelled"))
        let before = terminal.frames[terminal.groupFrames[1] - 1].lines.dropLast(2)
        let after = terminal.frames[terminal.groupFrames[2]].lines.dropLast(2)
        #expect(before == after)
        #expect(terminal.statusLines[terminal.groupFrames[2] - 1].contains("sorting… "))
    }

    @Test("Esc during a filter keeps the previous filter and view; during a search, the cursor and the old search")
    func cancelFilterAndSearch() throws {
        let app = try app(3000)
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l"), .character("f")] + keys("li") + [.enter]),
            (.idle, [.character("f")] + keys("= Bob") + [.enter]), (.frames(3), [.escape]),
            (.idle, [.character("/")] + keys("alice") + [.enter]),
            (.idle, [.character("G"), .character("/")] + keys("no such text") + [.enter]), (.frames(3), [.escape]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.filters == [.column(RowFilter(column: 1, text: "li"))])
        let table = try #require(state.table)
        #expect(!state.view.isEmpty)
        #expect(state.view.allSatisfy { table.rows[$0][1].stringValue!.lowercased().contains("li") })
        #expect(state.search == "alice" && state.row == state.view.count - 1)
        #expect(terminal.statusLines.last!.contains("searching cancelled"))
    }

    @Test("while a sort runs, moves act on the current view and / opens its prompt at once; q still quits")
    func keysWhileBusy() throws {
        let app = try app(3000)
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l")]), (.idle, [.character("[")]),
            (.frames(2), [.character("j"), .character("j"), .character("/"), .character("x")]), (.frames(1), [.escape]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.mode == .normal)  // the prompt opened during the sort, closed by its Esc
        #expect(state.sort?.column == 1)  // the sort finished afterwards; the cursor went to its first row
        #expect(terminal.statusLines.contains { rowNumber($0) == 3 && $0.contains("sorting… ") })
        // The prompt was on screen, with the text typed, while the sort ran.
        #expect(terminal.frames.contains { $0.lines[23].hasPrefix("Search: x") && $0.lines[22].contains("sorting… ") })
        let quitting = PacedTerminal([
            (.idle, [.enter, .character("l")]), (.idle, [.character("]")]), (.frames(2), [.character("q")]),
        ])
        #expect(try self.app(3000).run(on: quitting) == .quit)
    }

    @Test("a second filter narrows the first and keeps the sort; results equal a synchronous rebuild")
    func filterThenSort() throws {
        var d = Driver(try Fixture.memory(studentCount: 500))
        d.press(.enter, .character("l"), .character("l"), .character("l"), .character("]"))  // gpa descending
        d.press(.character("f"))
        d.type(">= 3")
        d.press(.enter, .character("f"))
        d.type("< 3.5")
        d.press(.enter)
        let table = try #require(d.state.table)
        let expected = table.rows.indices.filter {
            let gpa = table.rows[$0][3].doubleValue ?? 0
            return gpa >= 3 && gpa < 3.5
        }.sorted { a, b in
            let c = JSONValue.compare(table.rows[a][3], table.rows[b][3])
            return c != 0 ? c > 0 : a < b
        }
        #expect(!expected.isEmpty && d.state.view == expected && d.state.filters.count == 2)
        var again = d.state
        again.recomputeView()
        #expect(again.view == expected)
    }

    @Test("F with a sort set sorts every row again in slices (Esc keeps the filter); sorting by the key is row order")
    func clearFilterWhileSorted() throws {
        let app = try app(3000)
        let terminal = PacedTerminal([
            (.idle, [.enter, .character("l"), .character("f")] + keys("li") + [.enter]), (.idle, [.character("]")]),
            (.idle, [.backspace]), (.frames(2), [.escape]),
        ])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.filters == [.column(RowFilter(column: 1, text: "li"))] && state.view.count == 300)
        #expect(terminal.statusLines.last!.contains("sorting cancelled"))
        var d = Driver(try Fixture.memory(studentCount: 300))
        d.press(.enter, .character("l"), .character("f"))
        d.type("li")
        d.press(.enter, .character("]"), .backspace)
        let table = try #require(d.state.table)
        #expect(d.state.filters.isEmpty && d.state.view.count == 300)
        let names = table.rows.map { $0[1] }.sorted { JSONValue.compare($0, $1) > 0 }
        #expect(d.state.view.map { table.rows[$0][1] } == names)
        d.press(.character("0"), .character("]"))
        #expect(d.state.view == Array((0..<300).reversed()))
        d.press(.character("["))
        #expect(d.state.view == Array(0..<300))
    }

    @Test("sort keys order values exactly as JSONValue.compare: nulls, bools, numbers, ASCII and other strings")
    func sortKeys() {
        let values: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(3), .int(-7), .double(2.5), .double(3), .int(Int.max),
            .string("b"), .string("abcdefghij"), .string("abcdefgh"), .string("abcdefghi"), .string("Zoë"),
            .string("Zoe"), .string("e\u{301}"), .string("é"), .string(""), .string("李雷"), .array([1]),
            .object(["a": 1]), .string("abcdefgh\u{0}"), .string("Łukasz"), .string("Lukasz"), .string("Żaneta"),
            .string("Søren Øberg"), .string("Søren Obrist"), .string("\u{212B}ngström"), .string("\u{C5}ngström"),
            .string("A\u{30A}ngström"), .string("Yılmaz"), .string("Yilmaz"), .string("Zoë Émile"),
            .string("Zoe\u{308} Emile"),
        ]
        for type in [ColumnType.int, .float, .str, .json, .bool] {
            // Keys of rows in another order than the values' (positions map keys to rows).
            let rows = values.reversed().map { [JSONValue.int(0), $0] }
            var keys = SortKeys(rows: rows, positions: values.indices.map { values.count - 1 - $0 }, column: 1,
                                type: type)
            while !keys.isComplete { #expect(keys.extract(budget: 5) <= 5) }
            for i in values.indices {
                for j in values.indices {
                    #expect(keys.compare(i, j) == JSONValue.compare(values[i], values[j]),
                            "\(type): \(values[i]) vs \(values[j])")
                }
            }
        }
        // Typed columns without surprises keep their fast storage and still order correctly.
        let strings = (0..<300).map { JSONValue.string("name \(($0 * 7919) % 300)") } + [.null]
        var keys = SortKeys(rows: strings.map { [$0] }, positions: Array(strings.indices), column: 0, type: .str)
        keys.extractAll()
        var sort = SlicedMergeSort(count: strings.count)
        while !sort.step(budget: 7, less: { keys.compare($0, $1) < 0 || keys.compare($0, $1) == 0 && $0 < $1 }) {}
        #expect(sort.order.map { strings[$0] } == strings.sorted(by: JSONValue.ascending))
    }

    @Test("strings that share their first eight or sixteen bytes are ordered by the rest, as JSONValue.compare does")
    func sortKeysLongTies() {
        let stems = ["abcdefgh", "Søren Ø", "Zoë Émil", "李雷李雷", "Anna-Mar", "abcdefghijklmno", "abcdefghijklmnop",
                     "Gökhan Kowalsk", "Gökhan Kowalski", "abc\u{0}", ""]
        let tails = ["", "a", "b", "ab", "B", "\u{0}", "é", "e\u{301}", "z", "Ł", "ı", "zz", "a ", "ä"]
        var values: [JSONValue] = []
        for stem in stems {
            for tail in tails { values.append(.string(stem + tail)) }
        }
        values.append(.null)
        let rows = values.map { [$0] }
        var keys = SortKeys(rows: rows, positions: Array(values.indices), column: 0, type: .str)
        keys.extractAll()
        for i in values.indices {
            for j in values.indices {
                #expect(keys.compare(i, j) == JSONValue.compare(values[i], values[j]), "\(values[i]) vs \(values[j])")
            }
        }
    }

    @Test("a finished sort hands over the list in sorted order and releases its buffers")
    func takeSortedList() {
        let values = [5, 3, 9, 3, 1]
        var sort = SlicedMergeSort(count: values.count)
        while !sort.step(budget: 2, less: { values[$0] < values[$1] || values[$0] == values[$1] && $0 < $1 }) {}
        #expect(sort.order == [4, 1, 3, 0, 2])
        #expect(sort.take(from: [50, 30, 90, 31, 10]) == [10, 30, 31, 50, 90])
        #expect(sort.order.isEmpty)
    }

    @Test("sorting a view already in key order by the key column gives it as it is, or reversed")
    func sortByKeyInRowOrder() throws {
        var d = Driver(try Fixture.memory(studentCount: 300))
        d.press(.enter)
        #expect(d.state.view == Array(0..<300))
        d.press(.character("]"))
        #expect(d.state.view == Array((0..<300).reversed()))
        #expect(d.state.sort?.column == 0 && d.state.sort?.descending == true && d.state.row == 0)
        d.press(.character("["))
        #expect(d.state.view == Array(0..<300))
        // A filter keeps the row order: sorting it by the key keeps it, or reverses it.
        d.press(.character("l"), .character("f"))
        d.type("li")
        d.press(.enter)
        let table = try #require(d.state.table)
        let filtered = table.rows.indices.filter { TextMatcher("li").matches(table.rows[$0][1]) }
        #expect(!filtered.isEmpty && d.state.view == filtered)
        d.press(.character("0"), .character("]"))
        #expect(d.state.view == filtered.reversed())
        d.press(.character("["))
        #expect(d.state.view == filtered)
    }

    @Test("a page buffer starts as zeros, and a copy that is written to gets its own values")
    func pageBuffer() {
        var a = PageBuffer<Int32>(zeros: 5000)
        #expect(a.count == 5000 && a[0] == 0 && a[4999] == 0)
        a[4999] = 7
        var b = a
        b[4999] = 8
        b.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(a[4999] == 7 && a[0] == 0 && b[4999] == 8 && b[0] == 9)
        #expect(PageBuffer<Double>().count == 0)
    }

    @Test("copies of a task are the same task: stepping one finishes the other, with the same view")
    func taskCopiesShareWork() throws {
        let db = try Fixture.memory(studentCount: 2000)
        let table = try db.loadTable("student")
        var task = ViewTask(.sort([.init(column: 1, descending: false)]), rows: table.rows,
                            types: table.schema.columns.map(\.type), keyColumn: table.keyColumn,
                            input: Array(table.rows.indices), cursor: (0, 0))
        let copy = task
        #expect(!copy.isFinished)
        task.finish()
        #expect(copy.isFinished)
        guard case .view(let v) = try #require(copy.outcome) else {
            Issue.record("a sort gives a view")
            return
        }
        let names = table.rows.map { $0[1] }.sorted { JSONValue.compare($0, $1) < 0 }
        #expect(v.map { table.rows[$0][1] } == names)
    }

    @Test("the sliced merge sort gives the sorted permutation for any budget and size")
    func slicedMergeSort() {
        var generator = SplitMix64(seed: 7)
        for count in [0, 1, 5, 1023, 1024, 1025, 5000] {
            let values = (0..<count).map { _ in Int(generator.next() % 100) }
            for budget in [1, 333, 1 << 30] {
                var sort = SlicedMergeSort(count: count)
                var steps = 0
                let less = { (a: Int, b: Int) in values[a] < values[b] || values[a] == values[b] && a < b }
                while !sort.step(budget: budget, less: less) {
                    steps += 1
                    #expect(sort.progress < 1)
                }
                #expect(sort.order == Array(0..<count).sorted { (values[$0], $0) < (values[$1], $1) })
                if budget == 1 && count > 1024 { #expect(steps > 10) }
            }
        }
    }
}
