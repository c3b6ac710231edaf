import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// A terminal that reports SIGTERM once its keys are used up (as the curses terminal does when the signal arrives).
private final class SignalledTerminal: Terminal {
    let size = (rows: 24, columns: 80)
    private var keys: [Key]
    private var signalled = false
    private(set) var screen = ""
    init(_ keys: [Key]) { self.keys = keys }
    func draw(_ grid: ScreenGrid) { screen = grid.text }
    func nextKey(timeoutMilliseconds: Int) -> Key? {
        if keys.isEmpty { signalled = true }
        return keys.isEmpty ? nil : keys.removeFirst()
    }
    func pendingTermination() -> Int32? { signalled ? SIGTERM : nil }
}

@Suite("Browser: SIGTERM/SIGHUP keep the unsaved changes in a recovery file")
struct RecoveryTests {
    @Test("with pending changes, SIGTERM writes them to <db>/.linedb-pending-<pid>.json; the next browser says so")
    func pendingChangesWritten() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        // Rename Alice to Ada, delete the second record.
        let keys: [Key] = [.enter, .right, .character("e"), .control("u")] + "Ada".map { .character($0) }
            + [.enter, .down, .character("d"), .character("y")]
        let exit = try BrowserApp(database: db).run(on: SignalledTerminal(keys))
        let name = ".linedb-pending-\(getpid()).json"
        #expect(exit == .terminated(signal: SIGTERM, recoveryFile: dir.db + "/" + name))
        let object = try #require(try JSONParser.parse(dir.read("db/" + name)).objectValue)
        #expect(object["signal"] == "SIGTERM")
        let changes = try #require(object["changes"]?.arrayValue)
        #expect(changes.map { JSONWriter.encode($0) } == [
            #"{"table":"student","operation":"UPDATE","key":1,"column":"name","old":"Alice","new":"Ada"}"#,
            #"{"table":"student","operation":"DELETE","key":2,"record":{"id":2,"name":"李雷","email":"s2@uni.edu","#
                + #""gpa":2.8,"born":"2001-02-02"}}"#,
        ])
        // Nothing was saved.
        #expect(dir.read("db/data/student.records").hasPrefix(#"{"id":1,"name":"Alice","#))
        #expect(PendingRecovery.files(in: dir.db) == [name])

        let next = MemoryTerminal(rows: 24, columns: 200)
        let app = BrowserApp(database: db)
        _ = try app.run(on: next)
        #expect(app.state?.message.contains("unsaved changes of a browser ended by a signal are in \(name)") == true,
            "\(app.state?.message ?? "")")
    }

    @Test("without pending changes SIGTERM writes no file")
    func nothingPending() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        let exit = try BrowserApp(database: db).run(on: SignalledTerminal([.enter, .down]))
        #expect(exit == .terminated(signal: SIGTERM, recoveryFile: nil))
        #expect(PendingRecovery.files(in: dir.db).isEmpty)
        let app = BrowserApp(database: db)
        _ = try app.run(on: MemoryTerminal(rows: 24, columns: 80))
        #expect(app.state?.message.contains("ended by a signal") == false)
    }
}

extension RecoveryTests {
    @Test("a database in memory keeps its unsaved changes in the temporary directory")
    func inMemoryFallsBackToTemporaryDirectory() throws {
        let db = Database.inMemory()
        try Fixture.fill(db)
        let keys: [Key] = [.enter, .character("d"), .character("y")]
        let app = BrowserApp(database: db)
        let exit = try app.run(on: SignalledTerminal(keys))
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let path = directory + "/.linedb-pending-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(exit == .terminated(signal: SIGTERM, recoveryFile: path))
        #expect(app.recoveryFailure == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""database": null"#) && text.contains(#""operation": "DELETE""#), "\(text)")
    }
}
