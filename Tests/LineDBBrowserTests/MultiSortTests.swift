import LineDB
import Testing
@testable import LineDBBrowser

/// The rows of the view as their (born, gpa, id) values.
private func triples(_ d: Driver) -> [(JSONValue, JSONValue, JSONValue)] {
    let table = d.state.table!
    return d.state.view.map { (table.rows[$0][4], table.rows[$0][3], table.rows[$0][0]) }
}

/// Whether `a` comes before `b` (or ties) in a sort by born ↑, then gpa ↓, ties by id ↑ (the natural order).
private func bornUpGpaDown(_ a: (JSONValue, JSONValue, JSONValue), _ b: (JSONValue, JSONValue, JSONValue)) -> Bool {
    let c1 = JSONValue.compare(a.0, b.0)
    if c1 != 0 { return c1 < 0 }
    let c2 = JSONValue.compare(a.1, b.1)
    if c2 != 0 { return c2 > 0 }
    return JSONValue.compare(a.2, b.2) < 0
}

@Suite("Browser: sort by several columns ({ } add a column, [ ] one column, \\ natural order)")
struct MultiSortTests {
    @Test("{ on born then } on gpa: sorted by born ascending, ties by gpa descending, then by key; stable")
    func addColumns() throws {
        var d = try onColumn(4, students: 60)
        d.press(.character("{"))
        d.press(.left, .character("}"))
        #expect(d.state.sorting == [.init(column: 4, descending: false), .init(column: 3, descending: true)])
        let rows = triples(d)
        #expect(rows.count == 60)
        let expected = rows.sorted(by: bornUpGpaDown)
        #expect(rows.map(\.2) == expected.map(\.2))
        // Some born dates repeat, so the second column decides somewhere (the test means something).
        #expect(zip(rows, rows.dropFirst()).contains { $0.0 == $1.0 && $0.1 != $1.1 })
        #expect(d.state.message == "sorted by born ↑, gpa ↓")
    }

    @Test("the title and the header show each sort column's direction and place: born↑1 gpa↓2")
    func header() throws {
        var d = try onColumn(4, students: 30, columns: 120)
        d.press(.character("{"), .left, .character("}"))
        #expect(d.lines[0].contains("by born↑1 gpa↓2"), "\(d.lines[0])")
        #expect(d.lines[1].contains("born↑1"), "\(d.lines[1])")
        #expect(d.lines[1].contains("gpa↓2"), "\(d.lines[1])")
        // One column: the arrow alone.
        d.press(.character("]"))
        #expect(d.lines[0].contains("by gpa ↓"), "\(d.lines[0])")
        #expect(d.lines[1].contains("gpa↓") && !d.lines[1].contains("gpa↓1") && !d.lines[1].contains("born↑"))
    }

    @Test("[ after a multi-column sort sorts by the cursor's column only; { on a sort column changes its direction")
    func replaceAndFlip() throws {
        var d = try onColumn(4, students: 30)
        d.press(.character("{"), .left, .character("{"))
        d.press(.character("}"))  // gpa is in the sort: now descending, still second
        #expect(d.state.sorting == [.init(column: 4, descending: false), .init(column: 3, descending: true)])
        d.press(.character("["))
        #expect(d.state.sorting == [.init(column: 3, descending: false)])
        let gpas = d.state.view.map { d.state.table!.rows[$0][3] }
        #expect(zip(gpas, gpas.dropFirst()).allSatisfy { JSONValue.compare($0, $1) <= 0 })
    }

    @Test("\\ goes back to the natural (key) order, the cursor on the same record")
    func natural() throws {
        var d = try onColumn(3, students: 30)
        d.press(.character("}"), .character("j"), .character("j"), .character("j"))
        let key = try #require(d.state.currentKey)
        d.press(.character("\\"))
        #expect(d.state.sorting.isEmpty)
        #expect(d.state.view == Array(0..<30))
        #expect(d.state.currentKey == key)
        #expect(d.state.message == "natural (key) order")
        #expect(!d.lines[0].contains(", by "))
        d.press(.character("\\"))
        #expect(d.state.message == "already in natural (key) order")
    }

    @Test("the key column in a sort breaks the ties in its direction; columns after it cannot matter")
    func keyColumnInSort() throws {
        var d = try onColumn(4, students: 40)
        d.press(.character("{"))
        d.press(.character("0"), .character("}"))  // id descending, second
        let rows = triples(d)
        let expected = rows.sorted { a, b in
            let c = JSONValue.compare(a.0, b.0)
            return c != 0 ? c < 0 : JSONValue.compare(a.2, b.2) > 0
        }
        #expect(rows.map(\.2) == expected.map(\.2))
    }

    @Test("removing or clearing a filter keeps the multi-column sort")
    func filterKeepsSort() throws {
        var d = try onColumn(4, students: 60)
        d.press(.character("{"), .left, .character("}"))
        filter(&d, "> 2.5")
        d.press(.control("f"))
        #expect(d.state.view.count == 60)
        let rows = triples(d)
        #expect(rows.map(\.2) == rows.sorted(by: bornUpGpaDown).map(\.2))
        #expect(d.state.sorting.count == 2)
    }

    @Test("a multi-column sort runs in slices: tiny slices give the same order as one run, with progress")
    func sliced() throws {
        let d = try onColumn(0, students: 500)
        let table = try #require(d.state.table)
        let order: [ViewTask.SortOrder] = [.init(column: 4, descending: true), .init(column: 1, descending: false)]
        func task() -> ViewTask {
            ViewTask(.sort(order), rows: table.rows, types: table.schema.columns.map(\.type), keyColumn: 0,
                     input: Array(table.rows.indices.reversed()), cursor: (0, 0))
        }
        var whole = task()
        whole.finish()
        var sliced = task()
        var steps = 0
        var progress: [Double] = []
        while !sliced.step(budget: 37) {
            steps += 1
            progress.append(sliced.progress)
        }
        #expect(steps > 20)
        #expect(progress == progress.sorted())  // never goes back, from extracting the keys to merging
        guard case .view(let a)? = whole.outcome, case .view(let b)? = sliced.outcome else {
            Issue.record("no view")
            return
        }
        #expect(a == b)
        let expected = table.rows.indices.sorted { x, y in
            let c = JSONValue.compare(table.rows[x][4], table.rows[y][4])
            if c != 0 { return c > 0 }
            let c2 = JSONValue.compare(table.rows[x][1], table.rows[y][1])
            return c2 != 0 ? c2 < 0 : x < y
        }
        #expect(a == expected)
    }

    @Test("three columns: born ↓, gpa ↑, name ↓ — each decides in turn, ties by key")
    func threeColumns() throws {
        var d = try onColumn(4, students: 300)
        d.press(.character("}"), .left, .character("{"))
        d.press(.character("0"), .right, .character("}"))
        #expect(d.state.sorting.map(\.column) == [4, 3, 1])
        let table = try #require(d.state.table)
        let expected = table.rows.indices.sorted { x, y in
            for (c, descending) in [(4, true), (3, false), (1, true)] {
                let r = JSONValue.compare(table.rows[x][c], table.rows[y][c])
                if r != 0 { return descending ? r > 0 : r < 0 }
            }
            return x < y
        }
        #expect(d.state.view == expected)
        #expect(d.lines[0].contains("by born↓1 gpa↑2 name↓3"), "\(d.lines[0])")
    }
}
