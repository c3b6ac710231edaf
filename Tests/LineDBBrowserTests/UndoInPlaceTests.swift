import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// `u` and Ctrl-R of value changes are done in place (no rebuild of the table): the result must be exactly what
/// rebuilding from the saved rows and the pending list gives: the rows, the pending marks, the view and the cursor.
@Suite("Browser: undo and redo in place")
struct UndoInPlaceTests {
    /// Expects `d`'s table, marks and view to be what a rebuild from the pending changes gives.
    func expectRebuilt(_ d: Driver, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let table = d.state.table else { return }
        var rebuilt = table
        rebuilt.replay(d.state.pending)
        #expect(table.rows == rebuilt.rows, "\(step): rows", sourceLocation: sourceLocation)
        #expect(table.pendingCells == rebuilt.pendingCells, "\(step): marks", sourceLocation: sourceLocation)
        #expect(table.pendingRows == rebuilt.pendingRows, "\(step)", sourceLocation: sourceLocation)
        var again = d.state
        again.recomputeView(keeping: d.state.currentKey)
        #expect(d.state.view == again.view, "\(step): view", sourceLocation: sourceLocation)
        #expect(d.state.currentKey == again.currentKey, "\(step): cursor", sourceLocation: sourceLocation)
    }

    @Test("random edits, undos and redos (values, null, the key, a sort) match a rebuild after every key")
    func matchesRebuild() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<6 {
            var d = try onColumn(0, students: 30)
            if round % 3 == 1 { d.press(.character("]")) }  // sorted by the key, descending
            for step in 0..<60 {
                let choice = Int.random(in: 0..<10, using: &generator)
                switch choice {
                case 0, 1: d.press(.character("u"))
                case 2: d.press(.control("r"))
                case 3: d.press(.down)
                case 4: d.press(.up)
                case 5: d.press(.character(Bool.random(using: &generator) ? "l" : "h"))
                case 6: d.press(.delete)
                case 7:
                    d.press(.character("y"), .down, .character("P"))
                case 8:
                    d.press(.character("e"), .control("u"))
                    d.type(["7", "3.5", "x\(step)", "2001-02-03", ""].randomElement(using: &generator)!)
                    d.press(.enter)
                    if case .edit = d.state.mode { d.press(.escape) }
                default:
                    if Int.random(in: 0..<4, using: &generator) == 0 { d.press(.character("0"), .delete) }  // key: refused
                    d.press(.character("u"), .control("r"))
                }
                expectRebuilt(d, "round \(round) step \(step) (\(choice))")
            }
        }
    }

    @Test("u and Ctrl-R of a value change put back the value and the mark, the cursor on the cell")
    func valueChange() throws {
        var d = try onColumn(3, students: 10)
        d.press(.delete, .down, .delete)
        #expect(d.state.pending.count == 2)
        d.press(.up, .character("0"))
        d.press(.character("u"))  // the second change: row 2's gpa
        #expect(d.state.row == 1 && d.state.column == 3 && d.state.currentRow?[3] == 2.8)
        #expect(d.state.table?.pendingCells.count == 1)
        d.press(.control("r"))
        #expect(d.state.currentRow?[3] == .null && d.state.table?.pendingCells.count == 2)
        expectRebuilt(d, "after redo")
    }
}
