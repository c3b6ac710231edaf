import Foundation
import LineDB
import Testing

@testable import LineDBSQL

/// The virtual tables' `xColumn` hands each value to SQLite itself (no ``SQLiteValue`` per value); what SQLite
/// receives must be exactly what ``SQLiteTypeMapping/sqliteValue(_:type:)`` (the mapping export and the docs use)
/// says, for every column type and every value a column can hold, well-typed or slipped in by a hand-edited file.
@Suite("SQL column results")
struct ColumnResultTests {
    static let long = String(repeating: "ü水a", count: 40)

    static let cases: [(ColumnType, [JSONValue])] = [
        (.int, [.int(0), .int(-1), .int(Int.max), .int(Int.min), .null, .string("7"), .double(2.5), .bool(true)]),
        (.float, [.double(1.5), .double(-0.0), .int(3), .double(1e300), .double(-2.25e-300), .null, .string("x")]),
        (.str, [.string(""), .string("é水"), .string(long), .string("a\u{0}b"), .string("'; --"), .null, .int(5)]),
        (.bool, [.bool(true), .bool(false), .null, .int(1), .string("true")]),
        (.datetime, [.string("2026-12-07T16:00:00"), .string(""), .null, .int(0)]),
        (.date, [.string("2026-12-07"), .null]),
        (.json, [
            .object(["x": .int(1), "é": .array([.null, .bool(false)])]), .array([.int(1), .string("a")]), .string("s"),
            .string(""), .int(3), .double(2.5), .bool(true), .null, .array([]), .object([:]),
        ]),
    ]

    @Test("every value of every column type reaches SQLite as sqliteValue maps it")
    func everyValue() throws {
        let rowCount = Self.cases.map(\.1.count).max()!
        var columns = [Column("id", .int, primaryKey: true)]
        for (i, c) in Self.cases.enumerated() { columns.append(Column("c\(i)", c.0)) }
        let schema = try TableSchema("v", columns: columns)
        let rows: [[JSONValue]] = (0..<rowCount).map { r in
            [.int(r)] + Self.cases.map { $0.1[r % $0.1.count] }
        }
        let session = try SQLSession()
        try session.register(view: "v", schema: schema, rows: rows)
        let result = try session.query("SELECT * FROM v")
        #expect(result.rows.count == rowCount)
        for (r, row) in result.rows.enumerated() {
            for (c, value) in row.enumerated() {
                let expected = SQLiteTypeMapping.sqliteValue(rows[r][c], type: schema.columns[c].type)
                #expect(value == expected, "row \(r) column \(schema.columns[c].name): \(rows[r][c])")
            }
        }
        // Storage classes too (== on SQLiteValue already tells INTEGER from REAL; typeof shows what SQLite holds).
        let types = try session.query("SELECT typeof(c0), typeof(c1), typeof(c2), typeof(c6) FROM v WHERE id = 0")
        #expect(types.rows == [[.text("integer"), .text("real"), .text("text"), .text("text")]])
    }
}
