import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 12 item 3 in the browser: tables `K` (U+004B) and `K` (U+212A KELVIN SIGN) are two tables, as on disk.
@Suite("Browser: exact table names")
struct ExactNameTests {
    static let kelvin = "\u{212A}"

    /// Whether `a` is exactly `b`, scalar for scalar (Swift's `==` takes the two K's as equal).
    func same(_ a: String?, _ b: String) -> Bool { a.map { Array($0.unicodeScalars) == Array(b.unicodeScalars) } ?? false }

    @Test("tables K and K (Kelvin sign) each open with their own records; a pending edit in one is not shown or counted in the other")
    func kelvinTables() throws {
        let db = Database.inMemory()
        for (name, who) in [("K", "latin"), (Self.kelvin, "kelvin")] {
            try db.createTable(TableSchema(name, columns: [Column("id", .int, primaryKey: true), Column("who", .str)]))
            try db.insert(name, ["who": .string(who)])
        }
        var d = Driver(db)
        #expect(d.state.tables.count == 2)
        d.press(.enter)
        #expect(same(d.state.table?.name, "K") && d.lines[2].contains("latin"))
        d.press(.right, .character("e"), .control("u"))
        d.type("changed")
        d.press(.enter)
        #expect(d.state.pending.count == 1 && d.lines[2].contains("changed"))
        for _ in 0..<4 where d.state.focus != .tables { d.press(.tab) }
        d.press(.down, .enter)
        #expect(same(d.state.table?.name, Self.kelvin), "\(d.state.table?.name.unicodeScalars.map(\.value) ?? [])")
        #expect(d.lines[2].contains("kelvin") && !d.lines[2].contains("changed"), "\(d.lines[2])")
        #expect(d.state.pendingCount(of: Self.kelvin) == 0 && d.state.pendingCount(of: "K") == 1)
    }
}
