import Foundation
import Testing

/// Edits made in the real terminal reach the disk only as the user chose, and a read-only browser follows another
/// writer live.
@Suite(
    "linedb browse in a terminal: unsaved edits on quit, following a writer", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct ChangesTests {
    /// Opens the browser on a fresh demo database, opens `course` and changes the first course's code from MA101
    /// to MA101X (pending).
    private func browserWithPendingEdit(_ scratch: Scratch) throws -> (TmuxSession, String) {
        let db = try scratch.demoDatabase()
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch)
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        try #require(first.met, "\(first.screen.joined(separator: "\n"))")
        try session.send("Enter")  // open the first table (course); the cursor is on row 1, column id
        try session.send("Right")  // code
        try session.send("e")
        try session.send("-l", "X")
        try session.send("Enter")
        let edited = try session.waitForScreen { s in  // both: tmux may be read mid-frame
            s.contains { $0.contains("1 pending") } && s.contains { $0.contains("MA101X") }
        }
        try #require(edited.met && edited.screen.contains { $0.contains("MA101X") },
            "\(edited.screen.joined(separator: "\n"))")
        return (session, db)
    }

    @Test("Ctrl-C with an unsaved edit asks first; 's' saves and quits: the edit is in the WAL and the records file")
    func controlCAsksThenSaves() throws {
        let scratch = Scratch()
        let (session, db) = try browserWithPendingEdit(scratch)
        defer { session.stop() }
        #expect(!scratch.read("uni/wal/transaction.log").contains("MA101X"))
        try session.send("C-c")
        let asked = try session.waitForText("unsaved change")
        #expect(asked.met, "Ctrl-C did not ask:\n\(asked.screen.joined(separator: "\n"))")
        try session.send("s")
        try session.expectCleanExit()
        #expect(scratch.read("uni/wal/transaction.log").contains("MA101X"))
        #expect(scratch.read("uni/data/course.records").contains(#""MA101X""#))
        // And an independent reader sees it.
        let select = try Programs.linedb(["select", db, "course", "--where", "id=1"])
        #expect(select.stdout.contains("MA101X"), "\(select)")
    }

    @Test("quitting with an unsaved edit: 'c' cancels and the browser stays; 'd' discards and nothing reaches disk")
    func quitCancelThenDiscard() throws {
        let scratch = Scratch()
        let (session, _) = try browserWithPendingEdit(scratch)
        defer { session.stop() }
        let walBefore = scratch.read("uni/wal/transaction.log")
        let recordsBefore = scratch.read("uni/data/course.records")
        try session.send("q")
        #expect(try session.waitForText("unsaved change").met)
        try session.send("c")
        let stayed = try session.waitForScreen { screen in
            !screen.contains { $0.contains("unsaved change") } && screen.contains { $0.contains("1 pending") }
        }
        #expect(stayed.met, "cancel did not return to the browser:\n\(stayed.screen.joined(separator: "\n"))")
        try session.send("q")
        #expect(try session.waitForText("unsaved change").met)
        try session.send("d")
        try session.expectCleanExit()
        #expect(scratch.read("uni/wal/transaction.log") == walBefore)
        #expect(scratch.read("uni/data/course.records") == recordsBefore)
    }

    @Test("read-only beside another writer: a record that writer inserts appears in the browser while it runs")
    func followsInsertsLive() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // Hold the writer lock while the browser opens, so it opens read-only...
        let holderOutput = Scratch()
        let holder = try Programs.spawn(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
                    + "print('HOLDING', flush=True)\ntime.sleep(120)\n",
                db + "/.lock",
            ], output: holderOutput.path)
        var holderRunning = true
        defer {
            if holderRunning {
                kill(holder, SIGKILL)
                _ = Programs.wait(holder)
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while !holderOutput.read("stdout").hasPrefix("HOLDING") && Date() < deadline { usleep(20_000) }
        try #require(holderOutput.read("stdout").hasPrefix("HOLDING"), "no lock holder: \(holderOutput.read("stderr"))")
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch)
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RO") }
        try #require(first.met, "\(first.screen.joined(separator: "\n"))")
        // ...then let another linedb process write: it takes the lock the browser never held.
        kill(holder, SIGKILL)
        _ = Programs.wait(holder)
        holderRunning = false
        let insert = try Programs.linedb(["insert", db, "course", #"{"code": "ZZ999", "title": "Live Insert"}"#])
        #expect(insert.status == 0, "\(insert)")
        let followed = try session.waitForText("course: 61 records")
        #expect(followed.met, "the insert did not appear:\n\(followed.screen.joined(separator: "\n"))")
        try session.quit()
    }
}
