import Foundation
import Testing

/// The keys a terminal sends that its terminfo entry does not list: inside tmux with `TERM=xterm-256color` (a
/// common setting) End and Home arrive as `ESC [4~` / `ESC [1~`, which curses alone passed on as Esc, `[` (sort!)
/// and `4~`. Sent here as raw bytes (`send-keys -H`), as the terminal would send them.
@Suite(
    "linedb browse in a terminal: escape sequences terminfo does not list", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct EscapeSequenceKeyTests {
    /// The bytes of `text` as `send-keys -H` arguments (`\u{1B}[4~` → 1b 5b 34 7e).
    func hex(_ text: String) -> [String] {
        ["-H"] + text.utf8.map { String(format: "%02x", $0) }
    }

    @Test("xterm-256color 80x24: ESC [4~ to the last row, ESC [1~ to the first, no sort; ESC [99~ does nothing")
    func homeAndEnd() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(
            scratch, table: "course", width: 80, height: 24, environment: ["TERM": "xterm-256color"])
        defer { session.stop() }
        try session.send(hex("\u{1B}[4~"))
        var moved = try session.waitForScreen { statusLine($0).contains("course  row 60 of 60") }
        #expect(moved.met, "ESC [4~ did not move to the last row:\n\(shown(moved.screen))")
        var cursor = try session.waitForCursor { line, _ in line.contains("HI160") }
        #expect(cursor.met, "the cursor is not on the last course: \(String(describing: cursor.cursor))")
        // No sort (`[`), no message about `4` or `~`.
        #expect(!moved.screen.contains { $0.contains(", by ") || $0.contains("no action") }, "\(shown(moved.screen))")

        try session.send(hex("\u{1B}[1~"))
        moved = try session.waitForScreen { statusLine($0).contains("course  row 1 of 60") }
        #expect(moved.met, "ESC [1~ did not move to the first row:\n\(shown(moved.screen))")
        cursor = try session.waitForCursor { line, cell in line.contains("MA101") && cell == "1" }
        #expect(cursor.met, "\(String(describing: cursor.cursor))")
        #expect(!moved.screen.contains { $0.contains(", by ") || $0.contains("no action") }, "\(shown(moved.screen))")

        // Unknown sequences: swallowed whole, nothing on screen changes.
        let before = try session.screen()
        try session.send(hex("\u{1B}[99~"))
        try session.send(hex("\u{1B}[?1;2c"))
        try session.send(hex("\u{1B}]0;title\u{7}"))
        usleep(400_000)
        let after = try session.screen()
        #expect(after == before, "an unknown sequence changed the screen:\n\(shown(after))")
        // The browser still takes keys, and the modified variants decode too (Ctrl-End, Shift-Home).
        try session.send(hex("\u{1B}[4;5~"))
        moved = try session.waitForScreen { statusLine($0).contains("course  row 60 of 60") }
        #expect(moved.met, "ESC [4;5~:\n\(shown(moved.screen))")
        try session.send(hex("\u{1B}[1;2H"))
        moved = try session.waitForScreen { statusLine($0).contains("course  row 1 of 60") }
        #expect(moved.met, "ESC [1;2H:\n\(shown(moved.screen))")
        #expect(!moved.screen.contains { $0.contains(", by ") || $0.contains("no action") }, "\(shown(moved.screen))")
        try session.send("q")
        try session.expectCleanExit()
    }

    #if DEBUG
    @Test("every common variant decodes to its key; an unknown sequence is no key; a bare Esc is still a key")
    func variants() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // Debug builds only: LINEDB_BROWSE_KEYS shows each decoded key instead of the browser.
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch, width: 80, height: 24,
            environment: ["LINEDB_BROWSE_KEYS": "1", "TERM": "xterm-256color"])
        defer { session.stop() }
        #expect(try session.waitForText("key 0: none").met)
        let cases: [(String, String)] = [
            ("[1~", "home"), ("[4~", "end"), ("[7~", "home"), ("[8~", "end"), ("[H", "home"), ("[F", "end"),
            ("OH", "home"), ("OF", "end"), ("[2~", "insert"), ("[3~", "delete"), ("[5~", "pageUp"),
            ("[6~", "pageDown"), ("OP", "function(1)"), ("OS", "function(4)"), ("[11~", "function(1)"),
            ("[15~", "function(5)"), ("[24~", "function(12)"), ("[1;5A", "up"), ("[1;3B", "down"),
            ("[1;2C", "right"), ("[1;6D", "left"), ("[4;2~", "end"), ("[1;8H", "home"), ("[6;5~", "pageDown"),
            ("[Z", "backTab"),
        ]
        var count = 0
        for (sequence, expected) in cases {
            try session.send(hex("\u{1B}" + sequence))
            count += 1
            let seen = try session.waitForText("key \(count): \(expected)", seconds: 5)
            #expect(seen.met, "ESC \(sequence) → \(seen.screen.first ?? "")")
            if !seen.met { return }
        }
        // Unknown sequences are no key at all: the next key is `x`, counted once.
        try session.send(hex("\u{1B}[99~\u{1B}[?1;2c\u{1B}P1$r0m\u{1B}\\x"))
        count += 1
        let unknown = try session.waitForText(#"key \#(count): character("x")"#, seconds: 5)
        #expect(unknown.met, "\(unknown.screen.first ?? "")")
        // A bare Esc is still Esc, and promptly; the key typed after it is itself.
        try session.send("Escape")
        count += 1
        #expect(try session.waitForText("key \(count): escape", seconds: 2).met)
        usleep(200_000)
        try session.send(["-l", "["])
        count += 1
        #expect(try session.waitForText(#"key \#(count): character("[")"#, seconds: 5).met)
        try session.send(["q"])
        try session.expectCleanExit()
    }
    #endif
}
