import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 16 §3: the browser opens as the writer of every table no other process writes
/// (``WriteScope/availableTables``): a table another writer holds is marked `~` in the tables pane, `RO` in the
/// status line while open, and refuses edits naming that writer; the other tables are edited and saved as usual.
@Suite("Browser: tables another process writes are read-only, the others writable", .serialized)
struct TableWritersBrowserTests {
    @Test("student held by another writer: marked ~ and RO, edits refused; teacher edited and saved")
    func mixed() throws {
        let dir = BrowserTempDir()
        try Fixture.saved(in: dir).close()
        var writerOptions = DatabaseOptions()
        writerOptions.writeScope = .tables(["student"])
        let other = try Database(path: dir.db, options: writerOptions)
        var options = DatabaseOptions()
        options.readOnlyIfLocked = true
        options.writeScope = .availableTables  // as `linedb DB` opens it
        let db = try Database(path: dir.db, options: options)
        #expect(!db.isReadOnly)
        #expect(db.writeRefusal(table: "student")?.contains("pid \(getpid())") == true)
        #expect(db.writeRefusal(table: "teacher") == nil)

        var d = Driver(db, columns: 160)
        let pane = d.lines.filter { $0.contains("student") || $0.contains("teacher") }
        #expect(pane.contains { $0.contains("~student") }, "\(pane)")
        #expect(pane.contains { $0.contains(" teacher") && !$0.contains("~teacher") }, "\(pane)")
        // student (first in the list) is open: RO, and an edit is refused naming the other writer.
        d.press(.enter)
        #expect(d.state.baseTableName == "student")
        #expect(d.lines[22].contains("RO"), "\(d.lines[22])")
        d.press(.character("e"))
        #expect(d.state.message.contains("being written by another process"), "\(d.state.message)")
        // teacher: writable here.
        d.state.open("teacher", context: db)
        #expect(d.state.baseTableName == "teacher")
        #expect(d.lines[22].contains("RW"), "\(d.lines[22])")
        #expect(d.state.editRefusal == nil)
        try db.insert("teacher", ["code": "T-new", "name": "New"])  // the engine agrees: this process writes teacher
        #expect(throws: LineDBError.self) { try db.insert("student", ["name": "X"]) }
        try db.close()
        try other.close()
    }
}
