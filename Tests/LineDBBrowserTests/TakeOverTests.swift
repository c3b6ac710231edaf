import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// Issue 14 item 8: a read-only browser notices that the writer it followed has exited, says so, and `w` makes it
/// the writer; the key-hint line shows only keys that work in the current mode.
@Suite("Browser: taking over as the writer", .serialized)
struct TakeOverTests {
    @Test("the writer exits: the reader says so and shows w; w takes the lock; an edit is saved to the files")
    func takeOverAfterWriterExits() throws {
        let dir = BrowserTempDir()
        let writer = try Fixture.saved(in: dir)
        let reader = try Fixture.reader(in: dir)
        #expect(reader.isReadOnly && reader.readOnlyCause == .lockHeld)
        let terminal = ScriptedTerminal(rows: 24, columns: 160, [
            .key(.enter), .tick,
            .key(.character("w")),  // the writer still runs: refused
            .run { try writer.close() },
            .tick,
            .key(.character("e")), .key(.control("u")), .key(.character("Z")), .key(.enter),  // still read-only
            .key(.character("w")), .tick,
            .key(.right), .key(.character("e")), .key(.control("u")), .key(.character("Z")), .key(.enter),
            .key(.character("s")),
        ])
        let app = BrowserApp(database: reader)
        _ = try app.run(on: terminal)
        let state = try #require(app.state)
        #expect(!state.isReadOnly && !app.database.isReadOnly)
        let records = dir.read("db/data/student.records").split(separator: "\n")
        // (Saved in place: the shorter record keeps its line, padded with spaces inside the object.)
        #expect(unpadded(records.first) == #"{"id":1,"name":"Z","email":"s1@uni.edu","gpa":2.0,"born":"2001-02-01"}"#)
        // What the user saw on the way: the refusal while the writer ran, then the notice and the w hint.
        let texts = terminal.frames.map { $0.lines }
        // (The status line is row 22; a message too long to go beside it takes rows 20-21 above it.)
        let messages = texts.map { $0[20...22].joined(separator: "\n") }
        #expect(messages.contains { $0.contains("cannot take over: another process") && $0.contains("still writes it") },
                "\(messages)")
        let notice = try #require(texts.firstIndex { $0[20...22].joined().contains("the writer has exited: w takes over") },
                                  "\(messages)")
        #expect(texts[notice][23].contains("w take over as writer"), "\(texts[notice][23])")
        #expect(texts.contains { $0[20...22].joined().contains("you are the writer now") }, "\(messages)")
        #expect(messages.contains { $0.contains("saved 1 change") }, "\(messages)")
        // The reader's own lock: another writer is refused now.
        #expect(throws: LineDBError.self) { try Database(path: dir.db) }
        try app.database.close()
    }

    @Test("w on a writer, on --read-only and before the writer exits: refused with the reason, nothing changes")
    func refusals() throws {
        var d = Driver(try Fixture.memory())
        d.press(.character("w"))
        #expect(d.state.message == "this browser is already the writer")
        #expect(d.effects.isEmpty)
        var ro = Driver(try Fixture.memory(), readOnly: true)
        ro.press(.character("w"))
        #expect(ro.effects == [.takeOver])

        let dir = BrowserTempDir()
        let writer = try Fixture.saved(in: dir)
        try writer.close()
        var options = DatabaseOptions()
        options.readOnly = true
        let asked = try Database(path: dir.db, options: options)
        let terminal = MemoryTerminal(rows: 24, columns: 120, keys: [.character("w")])
        let app = BrowserApp(database: asked)
        _ = try app.run(on: terminal)
        #expect(app.state?.message == "cannot take over: it was opened read-only (--read-only); open it again without; "
                + "still read-only")
        #expect(app.database.isReadOnly)
    }

    @Test("the key-hint line of a read-only browser leaves out e a d s u p; a writer's shows them")
    func readOnlyHints() throws {
        var ro = Driver(try Fixture.memory(), columns: 200, readOnly: true)
        ro.press(.enter)
        let hints = ro.hints
        for word in ["edit", "add", "delete", "undo", "save", "preview"] {
            #expect(!hints.contains(" \(word)"), "\(word) in \(hints)")
        }
        #expect(hints.contains("search") && hints.contains("quit") && !hints.contains("take over"), "\(hints)")
        ro.state.writerDidExit()
        #expect(ro.hints.contains("w take over as writer"), "\(ro.hints)")
        #expect(ro.state.message == "the writer has exited: w takes over as the writer (edits and saves work then)")
        var rw = Driver(try Fixture.memory(), columns: 200)
        rw.press(.enter)
        for word in ["e edit", "a add", "d delete", "s save"] { #expect(rw.hints.contains(word), "\(rw.hints)") }
        #expect(!rw.hints.contains("take over"))
    }
}
