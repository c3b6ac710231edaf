import Foundation
import Testing

/// SIGTERM and SIGHUP with unsaved edits: the edits go to a recovery file before the process dies of the signal.
@Suite(
    "linedb browse in a terminal: SIGTERM/SIGHUP keep unsaved edits in a recovery file", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct SignalRecoveryTests {
    @Test(
        "edited cell, then kill: the signal's exit status, stty restored, the edit in <db>/.linedb-pending-<pid>.json",
        arguments: [(SIGTERM, Int32(143), "SIGTERM"), (SIGHUP, Int32(129), "SIGHUP")])
    func signalWritesRecoveryFile(signal: Int32, status: Int32, name: String) throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch)
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        try #require(first.met, "\(first.screen.joined(separator: "\n"))")
        try session.send("Enter")  // course; the cursor on the first record's id
        try session.send("Right")  // code
        try session.send("e")
        try session.send("-l", "X")
        try session.send("Enter")
        let edited = try session.waitForText("1 pending")
        try #require(edited.met, "\(edited.screen.joined(separator: "\n"))")
        let pid = try session.pid()
        #expect(kill(pid, signal) == 0)
        #expect(try session.exitStatus() == status)
        #expect(session.stty.before == session.stty.after)
        let file = ".linedb-pending-\(pid).json"
        let saved = scratch.read("uni/" + file)
        #expect(saved.contains(#""signal": "\#(name)""#), "\(saved)")
        #expect(saved.contains(#""column": "code""#) && saved.contains(#""old": "MA101""#)
            && saved.contains(#""new": "MA101X""#), "\(saved)")
        // Nothing was saved to the database.
        #expect(!scratch.read("uni/data/course.records").contains("MA101X"))
        #expect(!scratch.read("uni/wal/transaction.log").contains("MA101X"))
        // Said on the restored terminal.
        let said = try session.waitForText("linedb: \(name): the unsaved changes were written to \(db)/\(file)")
        #expect(said.met, "\(said.screen.joined(separator: "\n"))")

        // The next browser of the database says the file is there.
        let next = Scratch()
        let again = try TmuxSession([try Programs.linedb.get(), "browse", db], in: next, width: 200)
        defer { again.stop() }
        let notice = try again.waitForText("unsaved changes of a browser ended by a signal are in \(file)")
        #expect(notice.met, "\(notice.screen.joined(separator: "\n"))")
        try again.send("q")
        #expect(try again.exitStatus() == 0)
    }
}
