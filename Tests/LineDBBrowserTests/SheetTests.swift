import Foundation
import LineDB
import Testing

@testable import LineDBBrowser

/// A database with one table `t` whose `city` column has ties, nulls, empty strings and look-alike strings.
private enum SheetFixture {
    /// `city` values: "b"×3, "a"×3, null×2, ""×2, "c", "K" and the Kelvin sign (two values).
    static let cities: [JSONValue] = [
        "b", "a", .null, "", "b", "c", "a", .null, "", "a", "b", "K", "\u{212A}",
    ]

    static func database() throws -> Database {
        let db = Database.inMemory()
        try db.createTable(TableSchema("t", columns: [
            Column("id", .int, primaryKey: true), Column("city", .str), Column("n", .int), Column("x", .float),
        ]))
        for (i, city) in cities.enumerated() {
            try db.insert("t", ["id": .int(i + 1), "city": city, "n": i % 4 == 0 ? .null : .int(i * 7 % 5),
                                "x": .double(Double(i) * 1.5 - 4)])
        }
        return db
    }
}

@Suite("Browser sheets: frequency (F), describe (I), Esc back, export")
struct SheetTests {
    /// The rows of the sheet shown, in the order shown.
    func shown(_ state: BrowserState) -> [[JSONValue]] {
        state.view.map { state.table!.rows[$0] }
    }

    @Test("a cell copied on a sheet (y) is still copied after Esc: P pastes it into the grid below")
    func copyOnSheetSurvivesClose() throws {
        var d = Driver(try SheetFixture.database())
        d.press(.enter, .character("l"), .character("F"))
        #expect(d.state.sheet != nil && d.state.currentRow?[0] == "a")  // the sheet's first row: "a", 3 times
        d.press(.character("y"), .escape)
        #expect(d.state.sheet == nil)
        d.press(.down, .down)  // record 3, whose city is null
        #expect(d.state.currentRow?[1] == .null)
        d.press(.character("P"))
        #expect(d.state.currentRow?[1] == "a" && !d.state.messageIsError, "\(d.state.message)")
    }

    @Test("F: one row per distinct value, most frequent first, ties by value; null and \"\" are two rows; exact strings")
    func frequencyOrder() throws {
        var d = Driver(try SheetFixture.database())
        d.press(.enter, .character("l"), .character("F"))
        let sheet = try #require(d.state.sheet)
        #expect(sheet.kind == .frequency(column: 1, name: "city", closes: 1))
        let rows = shown(d.state)
        // Counted independently of the sheet's code.
        var counts: [JSONValue: Int] = [:]
        for c in SheetFixture.cities { counts[c, default: 0] += 1 }
        #expect(rows.count == counts.count)
        // (K and the Kelvin sign: two values, in the order the grid's sort gives them.)
        #expect(rows.map { $0[0] } == ["a", "b", .null, "", "K", "\u{212A}", "c"])
        for row in rows { #expect(row[1] == .int(counts[row[0]]!)) }
        #expect(rows[0][2] == .double(23.08))  // 3 of 13
        #expect(rows[0][3] == .string(String(repeating: "█", count: 12)))
        #expect(rows[2][3] == .string(String(repeating: "█", count: 8)))  // 2/3 of 12
        #expect(rows.last![3] == .string(String(repeating: "█", count: 4)))
        // On screen: the heading, the status line.
        let screen = d.lines.joined(separator: "\n")
        #expect(screen.contains("Frequency of city in t: 7 rows"))
        #expect(d.status.contains("frequency sheet  row 1 of 7"))
        #expect(d.hints.contains("Esc back") && d.hints.contains("Enter filter to value"))
    }

    @Test("F counts the rows shown: with a filter set, only the matching rows")
    func frequencyOfFilteredRows() throws {
        var d = Driver(try SheetFixture.database())
        d.press(.enter, .character("l"), .character("f"))
        d.type("!= a")
        d.press(.enter)
        let filtered = d.state.view.count
        d.press(.character("F"))
        let rows = shown(d.state)
        #expect(rows.reduce(0) { $0 + ($1[1].intValue ?? 0) } == filtered)
        #expect(!rows.contains { $0[0] == "a" })
        #expect(d.state.sheet!.title == "Frequency of city in t (\(filtered) of 13 rows)")
    }

    @Test("F and I over no rows (a filter that matches nothing) give an empty sheet and a sheet of zeros")
    func noRows() throws {
        var d = Driver(try SheetFixture.database())
        d.press(.enter, .character("l"), .character("f"))
        d.type("= nothing like this")
        d.press(.enter)
        #expect(d.state.view.isEmpty)
        d.press(.character("F"))
        #expect(d.state.sheet != nil && d.state.table?.rows.isEmpty == true && d.state.task == nil)
        d.press(.escape, .character("I"))
        let rows = shown(d.state)
        #expect(rows.count == 4 && rows.allSatisfy { $0[2] == .int(0) && $0[3] == .int(0) && $0[5] == .null })
    }

    @Test("Enter on a frequency row filters the table to exactly that value (null, \"\", the Kelvin sign) and goes back")
    func enterFilters() throws {
        for (value, expected) in [(JSONValue.null, 2), ("", 2), ("\u{212A}", 1), ("a", 3)] {
            var d = Driver(try SheetFixture.database())
            d.press(.enter, .character("l"), .character("F"))
            let index = try #require(shown(d.state).firstIndex { $0[0] == value })
            d.press([Key](repeating: .character("j"), count: index))
            d.press(.enter)
            #expect(d.state.sheets.isEmpty && d.state.table?.name == "t")
            let table = try #require(d.state.table)
            #expect(d.state.view.count == expected, "\(value)")
            #expect(d.state.view.allSatisfy { table.rows[$0][1] == value })
            #expect(d.state.column == 1 && !d.state.filters.isEmpty)
        }
    }

    @Test("Esc on a sheet puts back exactly the table, row, column, scroll, filter, sort, search and focus")
    func escapeRestores() throws {
        var d = Driver(try Fixture.memory(studentCount: 200), rows: 24, columns: 80)
        d.press(.enter, .character("l"), .character("l"), .character("f"))
        d.type("@")
        d.press(.enter, .character("["), .character("/"))
        d.type("carol")
        d.press(.enter)
        d.press([Key](repeating: .character("j"), count: 30) + [.character("l"), .character("l")])
        let before = d.state
        let screen = d.lines
        d.press(.character("F"))
        #expect(d.state.sheet != nil && d.state.search == nil && d.state.filters.isEmpty)
        d.press(.character("G"), .character("]"), .character("/"))
        d.type("1")
        d.press(.enter, .character("I"))
        #expect(d.state.sheets.count == 2)
        #expect(d.status.contains("2 sheets: describe sheet"))
        d.press(.escape)
        #expect(d.state.sheets.count == 1 && d.state.search == "1" && d.state.sort?.descending == true)
        d.press(.escape)
        #expect(d.state.sheets.isEmpty)
        #expect(d.state.table?.name == before.table?.name)
        #expect(d.state.view == before.view)
        #expect((d.state.row, d.state.column, d.state.top, d.state.left) == (before.row, before.column, before.top,
                                                                                before.left))
        #expect(d.state.filters == before.filters && d.state.sort! == before.sort!)
        #expect(d.state.search == before.search && d.state.focus == before.focus)
        #expect(d.lines.dropLast(2) == screen.dropLast(2))
    }

    @Test("I: per column count, nulls, distinct, min, max, mean, median and sample stdev, as computed here")
    func describeStatistics() throws {
        var d = Driver(try Fixture.memory(studentCount: 37))
        d.press(.enter, .character("I"))
        let sheet = try #require(d.state.sheet)
        #expect(sheet.kind == .describe && d.lines.joined().contains("Describe student: 5 rows"))
        let rows = shown(d.state)
        #expect(rows.map { $0[0] } == ["id", "name", "email", "gpa", "born"])
        #expect(rows.map { $0[1] } == ["int", "str", "str", "float", "date"])
        let db = try Fixture.memory(studentCount: 37)
        let records = try db.select("student")
        for (c, name) in ["id", "name", "email", "gpa", "born"].enumerated() {
            let values = records.map { $0[name] ?? .null }
            let present = values.filter { !$0.isNull }
            let row = rows[c]
            #expect(row[2] == .int(present.count), "\(name) count")
            #expect(row[3] == .int(values.count - present.count), "\(name) nulls")
            #expect(row[4] == .int(Set(present).count), "\(name) distinct")
            let sorted = present.sorted(by: JSONValue.ascending)
            #expect(row[5] == (sorted.first ?? .null) && row[6] == (sorted.last ?? .null), "\(name) min/max")
            let numbers = present.compactMap { v -> Double? in
                if case .int(let i) = v { return Double(i) }
                if case .double(let x) = v { return x }
                return nil
            }.sorted()
            guard name == "id" || name == "gpa" else {
                #expect(row[7] == .null && row[8] == .null && row[9] == .null)
                continue
            }
            let mean = numbers.reduce(0, +) / Double(numbers.count)
            let median = numbers.count % 2 == 1 ? numbers[numbers.count / 2]
                : (numbers[numbers.count / 2 - 1] + numbers[numbers.count / 2]) / 2
            let variance = numbers.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(numbers.count - 1)
            #expect(abs(row[7].doubleValue! - mean) < 1e-9, "\(name) mean")
            #expect(row[8] == .double(median), "\(name) median")
            #expect(abs(row[9].doubleValue! - variance.squareRoot()) < 1e-9, "\(name) stdev")
        }
        #expect(rows[4][3] == .int(12))  // every third birth date is null
    }

    @Test("past the hash limit, values are counted by sorting: the same frequency and describe rows, random data")
    func countingBySorting() throws {
        var generator = SystemRandomNumberGenerator()
        let pool: [JSONValue] = [.null, "", "a", "b", "K", "\u{212A}", "é", "e\u{301}", "zz", "null"]
        for round in 0..<20 {
            let n = Int.random(in: 0...300, using: &generator)
            let rows: [[JSONValue]] = (0..<n).map { _ in
                [pool.randomElement(using: &generator)!, Bool.random(using: &generator) ? .null
                    : .int(Int.random(in: -20...20, using: &generator)),
                 .double(Double(Int.random(in: 0...50, using: &generator)) / 4)]
            }
            let input = Array(rows.indices).shuffled(using: &generator)
            let types: [ColumnType] = [.str, .int, .float]
            func run(_ build: SheetBuild) -> [[JSONValue]] {
                while !build.isFinished { _ = build.step(budget: Int.random(in: 1...40, using: &generator)) }
                return build.takeRows()
            }
            for c in 0..<3 {
                let hashed = run(FrequencyBuild(rows: rows, input: input, column: c, type: types[c]))
                let sorted = run(FrequencyBuild(rows: rows, input: input, column: c, type: types[c], hashLimit: 2))
                #expect(hashed == sorted, "round \(round), column \(c)")
                // Counted independently: every value once, counts summing to the rows.
                #expect(hashed.reduce(0) { $0 + $1[1].intValue! } == n)
                #expect(Set(hashed.map { $0[0] }) == Set(rows.map { $0[c] }))
            }
            let names = ["s", "i", "f"]
            let hashed = run(DescribeBuild(rows: rows, input: input, names: names, types: types))
            let sorted = run(DescribeBuild(rows: rows, input: input, names: names, types: types, hashLimit: 2))
            #expect(hashed == sorted, "round \(round)")
            for c in 0..<3 {
                #expect(hashed[c][4] == .int(Set(rows.map { $0[c] }.filter { !$0.isNull }).count))
            }
        }
    }

    @Test("Enter on a describe row opens that column's frequency over the table; its Enter filters the table")
    func describeThenFrequency() throws {
        var d = Driver(try SheetFixture.database())
        d.press(.enter, .character("I"), .character("j"), .enter)
        #expect(d.state.sheets.count == 2)
        #expect(d.state.sheet?.title == "Frequency of city in t")
        #expect(shown(d.state).map { $0[0] }.prefix(2) == ["a", "b"])
        d.press(.escape)
        #expect(d.state.sheet?.kind == .describe && d.state.row == 1)
        d.press(.enter, .character("j"), .enter)  // the second most frequent value, "b", filters the table
        #expect(d.state.sheets.isEmpty)
        let table = try #require(d.state.table)
        #expect(table.name == "t" && d.state.view.count == 3)
        #expect(d.state.view.allSatisfy { table.rows[$0][1] == "b" })
    }

    @Test("a sheet is read-only: edits are refused and nothing becomes pending; F on a sheet stacks another")
    func sheetIsReadOnly() throws {
        var d = Driver(try SheetFixture.database())
        d.press(.enter, .character("l"), .character("F"))
        for key in ["e", "a", "d", "u", "s", "c"] {
            d.press(.character(Character(key)))
            #expect(d.state.messageIsError && d.state.message.contains("a sheet is read-only: Esc goes back to t"))
            #expect(d.state.mode == .normal && d.state.pending.isEmpty)
        }
        d.press(.character("l"), .character("F"))
        #expect(d.state.sheets.count == 2)
        #expect(d.state.sheet?.title.hasPrefix("Frequency of count in Frequency of city in t") == true)
    }

    @Test("Esc while a frequency sheet is counted cancels it: no sheet, the grid as it was")
    func cancelFrequency() throws {
        let app = BrowserApp(database: try Fixture.memory(studentCount: 3000))
        app.sliceMilliseconds = 0
        app.workChunk = 50
        let terminal = PacedTerminal([(.idle, [.enter, .character("l")]), (.idle, [.character("F")]),
                                      (.frames(4), [.escape])])
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(state.sheets.isEmpty && state.task == nil)
        #expect(state.table?.name == "student" && state.view == Array(0..<3000) && state.column == 1)
        #expect(terminal.statusLines[terminal.groupFrames[2] - 1].contains("counting values… "))
        #expect(terminal.statusLines.last!.contains("counting values cancelled"))
        let before = terminal.frames[terminal.groupFrames[1] - 1].lines.dropLast(2)
        let after = terminal.frames[terminal.groupFrames[2]].lines.dropLast(2)
        #expect(before == after)
    }

    @Test("x on a sheet exports its rows as shown (sorted) to CSV and JSON; the default name says what it is")
    func exportSheet() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        try db.insert("student", ["name": "Alice", "email": "x@y"])
        let csv = dir.path + "/names.csv"
        // (Each group is typed once the browser waits for keys: keys typed while a sheet is counted wait for it.)
        let open: [(wait: PacedTerminal.Wait, keys: [Key])] = [(.idle, [.enter, .character("l"), .character("F")])]
        let terminal = PacedTerminal(rows: 24, columns: 120, open + [(.idle, [.character("l"), .character("[")]),
                                     (.idle, [.character("x"), .character("c")]), (.idle, [.escape])])
        _ = try BrowserApp(database: db).run(on: terminal)
        // (The frame before Esc closed the prompt.)
        let prompt = terminal.frames[terminal.groupFrames[3] - 1].text
        #expect(prompt.contains("Export as csv to: ./student-name-frequency.csv"))
        let run = PacedTerminal(rows: 24, columns: 120, open + [(.idle, [.character("l"), .character("[")]),
            (.idle, [.character("x"), .character("c"), .control("u")] + keys(csv) + [.enter])])
        let exporter = BrowserApp(database: db)
        _ = try exporter.run(on: run)
        #expect(run.statusLines.contains { $0.contains("exported 10 rows of the frequency sheet to \(dir.path)") })
        let lines = dir.read("names.csv").split(separator: "\n").map(String.init)
        #expect(lines.first == "name,count,percent,bar")
        // Sorted by count ascending: the one name with two records comes last.
        #expect(lines.count == 11 && lines.last!.hasPrefix("Alice,2,18.18,"))
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.contains(",1,9.09,") })

        let json = dir.path + "/names.json"
        let second = PacedTerminal(rows: 24, columns: 120, open + [
            (.idle, [.character("x"), .character("j"), .control("u")] + keys(json) + [.enter])])
        _ = try BrowserApp(database: db).run(on: second)
        let object = try JSONParser.parse(dir.read("names.json")).objectValue
        #expect(object?["count"] == .int(10))
        let first = object?["records"]?.arrayValue?.first?.objectValue
        #expect(first?["name"] == "Alice" && first?["count"] == .int(2))
    }

    @Test("the help lists F, I and : and still fits at 80x24")
    func help() throws {
        var d = Driver(try Fixture.memory())
        d.press(.character("?"))
        let screen = d.helpScreens().joined(separator: "\n")  // (at 80x24 the help scrolls)
        for text in ["F I", "frequency / describe", ":", "SQL query → sheet", "stop; close a sheet", "Bksp Ctrl-F"] {
            #expect(screen.contains(text), "help lacks \(text)")
        }
    }
}
