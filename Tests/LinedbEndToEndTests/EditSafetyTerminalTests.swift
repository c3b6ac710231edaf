import Foundation
import Testing

/// Issue 14 items 6, 8 and 16 in a real terminal at 80x24 (TERM=xterm-256color): a refused `$EDITOR` edit opens
/// the editor again with the reason on top; a read-only browser takes over once the writer quits; `y` puts the
/// cell on tmux's clipboard through OSC 52.
@Suite(
    "linedb browse in a terminal: refused edits reopen, taking over as writer, copy with OSC 52", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct EditSafetyTerminalTests {
    static let environment = ["TERM": "xterm-256color"]

    @Test("E with invalid JSON: the editor opens again with the error as # lines and the user's text; fixed, pending")
    func editorReopensWithError() throws {
        let scratch = Scratch()
        // Round 1: a new code and a missing comma (invalid JSON). Round 2: the comma put back.
        scratch.write("editor.sh", """
            #!/bin/sh
            n=$(ls \(scratch.path) | grep -c '^seen')
            cp "$1" \(scratch.path)/seen$n.json
            if [ "$n" = 0 ]; then sed -i 's/"MA101",/"MA101X"/' "$1"; else sed -i 's/"MA101X"/"MA101X",/' "$1"; fi
            """)
        var environment = Self.environment
        environment["EDITOR"] = "sh " + scratch.path + "/editor.sh"
        let (session, _) = try openDemoBrowser(scratch, width: 80, height: 24, environment: environment)
        defer { session.stop() }
        try session.send("E")
        let edited = try session.waitForScreen { s in
            s.contains { $0.contains("1 pending") } && s.contains { $0.contains("MA101X") }
        }
        #expect(edited.met, "\(shown(edited.screen))")
        let second = scratch.read("seen1.json")
        #expect(second.hasPrefix("# linedb: NOT CHANGED: record 1 not changed: invalid JSON"), "\(second)")
        #expect(second.contains(#""code": "MA101X""#) && !second.contains(#""MA101X","#), "\(second)")
        try session.send("u")
        #expect(try session.waitForText("undone").met)
        try session.quit()
    }

    @Test("a second browser beside a writer has every table read-only; the writer quits; it says so, they are writable, s saves")
    func takeOverAfterWriterQuits() throws {
        let first = Scratch()
        let (writer, db) = try openDemoBrowser(first, width: 80, height: 24, environment: Self.environment)
        defer { writer.stop() }
        let second = Scratch()
        let reader = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: second, width: 80, height: 24, environment: Self.environment)
        defer { reader.stop() }
        let opened = try reader.waitForScreen(seconds: 15) { isBrowser($0, database: db, mode: "RO") }
        try #require(opened.met, "\(shown(opened.screen))")
        #expect(!(opened.screen.last ?? "").contains("e edit"), "read-only hints show e: \(opened.screen.last ?? "")")
        try reader.send("Enter")
        try writer.quit()
        // Both browsers write the tables no other process writes: the second had none; once the first exits,
        // every table is writable here (no `w` needed), and the status line says RW.
        let took = try reader.waitForScreen { s in
            statusArea(s).contains("student has exited") && statusLine(s).contains("│ RW")
        }
        #expect(took.met, "\(shown(took.screen))")
        #expect((took.screen.last ?? "").contains("e edit"), "\(took.screen.last ?? "")")
        try reader.send("l", "e", "C-u")
        try reader.send("-l", "TK999")
        try reader.send("Enter")
        #expect(try reader.waitForText("1 pending").met)
        try reader.send("s")
        #expect(try reader.waitForText("saved 1 change").met)
        try reader.quit()
        #expect(first.read("uni/data/course.records").hasPrefix(#"{"id":1,"code":"TK999""#))
    }

    @Test("y puts the cell's text on the clipboard with OSC 52 (tmux with set-clipboard on keeps it as a buffer)")
    func copyToTmuxBuffer() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, width: 80, height: 24, environment: Self.environment)
        defer { session.stop() }
        try session.tmux(["set-option", "-s", "set-clipboard", "on"])
        try session.send("l", "l", "y")
        #expect(try session.waitForText("copied title").met)
        var buffer = ""
        for _ in 0..<50 {
            buffer = (try? session.tmux(["show-buffer"])) ?? ""
            if !buffer.isEmpty { break }
            usleep(100_000)
        }
        #expect(buffer == "Seminar in Mathematics", "\(buffer)")
        try session.quit()
    }
}
