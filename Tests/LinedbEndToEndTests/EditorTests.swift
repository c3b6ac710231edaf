import Foundation
import Testing

/// `E` in a real terminal: the browser gives the terminal to `$EDITOR` and takes it back.
@Suite(
    "linedb browse in a terminal: E edits the record in $EDITOR", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct EditorTests {
    @Test("E runs $EDITOR on the record's JSON with the terminal restored; the change is pending, then saved")
    func editRecordInEditor() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // The editor: records the terminal's mode while it runs and the file it was given, then edits it.
        scratch.write("editor.sh", """
            #!/bin/sh
            stty -a > \(scratch.path)/stty.editor
            cp "$1" \(scratch.path)/seen.json
            sed -i 's/"MA101"/"MA101E"/' "$1"
            """)
        chmod(scratch.path + "/editor.sh", 0o755)
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch,
            // Through sh: exec of a file just written fails with ETXTBSY if another test forked meanwhile.
            environment: ["EDITOR": "sh " + scratch.path + "/editor.sh"])
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        try #require(first.met, "\(first.screen.joined(separator: "\n"))")
        try session.send("Enter")  // course, first record
        try session.send("E")
        let edited = try session.waitForScreen { s in  // both: tmux may be read mid-frame
            s.contains { $0.contains("1 pending") } && s.contains { $0.contains("MA101E") }
        }
        #expect(edited.met && edited.screen.contains { $0.contains("MA101E") },
            "\(edited.screen.joined(separator: "\n"))")
        let seen = scratch.read("seen.json")
        #expect(seen.hasPrefix("{\n  \"id\": 1,\n  \"code\": \"MA101\","), "\(seen)")
        // While the editor ran, the terminal was in the shell's mode (canonical, echo), not the browser's raw mode.
        #expect(scratch.read("stty.editor") == session.stty.before)
        #expect(!scratch.read("uni/data/course.records").contains("MA101E"))
        try session.send("s")
        #expect(try session.waitForText("saved 1 change").met)
        try session.quit()
        #expect(scratch.read("uni/data/course.records").contains(#""MA101E""#))
        #expect(scratch.read("uni/wal/transaction.log").contains("MA101E"))
    }
}

extension EditorTests {
    @Test("Ctrl-C typed in the editor (SIGINT to the browser too) does not quit the browser afterwards")
    func interruptInEditor() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // The editor: the terminal sends SIGINT to the whole foreground group; here, to the browser by its pid.
        scratch.write("editor.sh", """
            #!/bin/sh
            kill -INT "$(cat \(scratch.path)/pid)"
            sleep 0.3
            """)
        chmod(scratch.path + "/editor.sh", 0o755)
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch,
            // Through sh: exec of a file just written fails with ETXTBSY if another test forked meanwhile.
            environment: ["EDITOR": "sh " + scratch.path + "/editor.sh"])
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        try #require(first.met, "\(first.screen.joined(separator: "\n"))")
        try session.send("Enter")
        try session.send("E")
        let back = try session.waitForText("record 1 unchanged")
        #expect(back.met, "\(back.screen.joined(separator: "\n"))")
        usleep(500_000)  // the loop polls the interrupt flag every 100 ms
        let screen = try session.screen().joined(separator: "\n")
        #expect(!scratch.exists("exit"), "the browser quit after the editor:\n\(screen)")
        try session.quit()
    }
}
