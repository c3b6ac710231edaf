import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 12, item 4, in the browser: the add form's proposed key never wraps (it trapped on `Int.max + 1`).
@Suite("Browser: the proposed key of a new record")
struct AutoKeyProposalTests {
    let schema = try! TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("name", .str)])

    @Test("past every key in the rows and the engine's counter; none once the largest key is Int.max or the counter is exhausted")
    func proposal() {
        #expect(TableData(schema: schema, rows: [[3, "a"]], nextAutoKey: 2).nextKey == 4)
        #expect(TableData(schema: schema, rows: [[3, "a"]], nextAutoKey: 9).nextKey == 9)
        #expect(TableData(schema: schema, rows: [[.int(.max - 1), "a"]], nextAutoKey: 1).nextKey == .int(.max))
        #expect(TableData(schema: schema, rows: [[.int(.max), "a"]], nextAutoKey: 1).nextKey == nil)
        #expect(TableData(schema: schema, rows: [[3, "a"]], nextAutoKey: nil).nextKey == nil)
    }
}
