import Foundation
import Testing

/// The browser in a real terminal (tmux): how it starts, and that every way out leaves the terminal as it found it.
@Suite(
    "linedb browse in a terminal: first screen and exit paths", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct ExitPathTests {
    /// Opens `linedb browse <demo db>` (or other arguments) in tmux and waits for the first screen.
    private func openBrowser(
        _ scratch: Scratch, arguments: [String]? = nil, width: Int = 100, height: Int = 30
    ) throws -> (TmuxSession, String) {
        let db = try scratch.demoDatabase()
        let session = try TmuxSession(
            [try Programs.linedb.get()] + (arguments ?? ["browse", db]), in: scratch, width: width, height: height)
        return (session, db)
    }

    @Test("the first screen shows the title and every table within 2 s; q exits 0 and restores the terminal")
    func firstScreenThenQuit() throws {
        let scratch = Scratch()
        let (session, db) = try openBrowser(scratch)
        defer { session.stop() }
        let first = try session.waitForScreen(seconds: 2) { screen in
            isBrowser(screen, database: db, mode: "RW")
                && ["course", "enrolment", "instructor", "student"].allSatisfy { name in
                    screen.contains { $0.contains(name) }
                }
        }
        #expect(first.met, "first screen not shown within 2 s:\n\(first.screen.joined(separator: "\n"))")
        try session.send("q")
        try session.expectCleanExit()
        // The browser's screen is gone (alternate screen left): the shell's output is what remains.
        let after = try session.waitForText("EXIT=0")
        #expect(after.met)
        #expect(!after.screen.contains { $0.contains("Tables (4)") }, "\(after.screen.joined(separator: "\n"))")
    }

    @Test("linedb DB opens the browser like linedb browse DB")
    func defaultCommandBrowses() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession([try Programs.linedb.get(), db], in: scratch)
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        #expect(first.met, "\(first.screen.joined(separator: "\n"))")
        try session.send("q")
        try session.expectCleanExit()
    }

    @Test("Ctrl-C quits (nothing unsaved) with exit 0 and the terminal restored")
    func controlC() throws {
        let scratch = Scratch()
        let (session, _) = try openBrowser(scratch)
        defer { session.stop() }
        #expect(try session.waitForText("Tables (4)").met)
        try session.send("C-c")
        try session.expectCleanExit()
    }

    @Test(
        "a signal restores the terminal, and the shell sees the signal's status",
        arguments: [
            (SIGTERM, Int32(143)), (SIGHUP, Int32(129)), (SIGQUIT, Int32(131)), (SIGSEGV, Int32(139)),
            (SIGINT, Int32(0)),  // SIGINT is Ctrl-C: the browser quits as it would on the key (nothing unsaved)
        ])
    func signalEndsCleanly(signal: Int32, expectedStatus: Int32) throws {
        let scratch = Scratch()
        let (session, _) = try openBrowser(scratch)
        defer { session.stop() }
        #expect(try session.waitForText("Tables (4)").met)
        #expect(kill(try session.pid(), signal) == 0)
        try session.expectCleanExit(status: expectedStatus)
        let after = try session.waitForText("EXIT=\(expectedStatus)")
        #expect(after.met, "\(after.screen.joined(separator: "\n"))")
        if signal == SIGSEGV {
            // Swift's crash report was printed after the terminal was restored, so it is on the shell's screen.
            #expect(after.screen.contains { $0.contains("crashed") }, "\(after.screen.joined(separator: "\n"))")
        }
    }

    @Test("resizing down to tiny terminals and back never crashes, and the browser still answers keys")
    func tinyResizes() throws {
        let scratch = Scratch()
        let (session, db) = try openBrowser(scratch)
        defer { session.stop() }
        #expect(try session.waitForText("Tables (4)").met)
        let pid = try session.pid()
        for (width, height) in [(40, 10), (20, 5), (10, 3), (1, 1), (80, 24), (200, 60), (100, 30)] {
            try session.resize(width: width, height: height)
            try session.send("j")  // a key at every size: it must not crash the layout
            usleep(100_000)
            #expect(kill(pid, 0) == 0, "the browser died at \(width)x\(height)")
        }
        let back = try session.waitForScreen { $0.count == 30 && isBrowser($0, database: db, mode: "RW") }
        #expect(back.met, "\(back.screen.joined(separator: "\n"))")
        try session.send("q")
        #expect(try session.exitStatus() == 0)
    }

    #if DEBUG
    @Test("a crash restores the terminal first: the fatal error and what went to stderr meanwhile are shown after")
    func crash() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // Debug builds only: LINEDB_BROWSE_FAIL=crash writes a line to stderr, then fatalError, after the first frame.
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch, environment: ["LINEDB_BROWSE_FAIL": "crash"])
        defer { session.stop() }
        try session.expectCleanExit(status: 132)  // SIGILL: Swift's trap on x86_64
        let shown = try session.history()
        let stderrLine = shown.firstIndex {
            $0 == "linedb: test: this line went to stderr while curses owned the screen"
        }
        let fatal = shown.firstIndex { $0.hasSuffix("Fatal error: LINEDB_BROWSE_FAIL=crash") }
        #expect(stderrLine != nil && fatal != nil && stderrLine! < fatal!, "\(shown.joined(separator: "\n"))")
        #expect(shown.contains { $0.hasPrefix("EXIT=132") })
    }
    #endif

    @Test("a resize redraws at the new size: the key-hint line moves to the new last row")
    func resize() throws {
        let scratch = Scratch()
        let (session, _) = try openBrowser(scratch, width: 100, height: 30)
        defer { session.stop() }
        // The key-hint line is the last row; the status line above it.
        let first = try session.waitForScreen { $0.count == 30 && $0[29].hasPrefix("? help") }
        #expect(first.met, "\(first.screen.joined(separator: "\n"))")
        try session.resize(width: 80, height: 24)
        let resized = try session.waitForScreen { $0.count == 24 && $0[23].hasPrefix("? help") }
        #expect(resized.met, "not redrawn at 80x24:\n\(resized.screen.joined(separator: "\n"))")
        #expect(resized.screen.allSatisfy { $0.count <= 80 })
        try session.send("q")
        #expect(try session.exitStatus() == 0)
        // stty after differs only by the size.
        let strip = { (text: String) in text.split(separator: "\n").dropFirst().joined(separator: "\n") }
        #expect(!session.stty.before.isEmpty && strip(session.stty.before) == strip(session.stty.after))
    }
}

/// Whether `screen` is the browser on `database`: the Tables pane, and the status line naming the database (its
/// last path component) and the mode.
func isBrowser(_ screen: [String], database: String, mode: String) -> Bool {
    let name = database.split(separator: "/").last.map(String.init) ?? database
    return screen.contains { $0.contains("Tables (") }
        && screen.contains { $0.hasPrefix(" \(name) │") && $0.contains("│ \(mode)") }
}

#if DEBUG
/// The key mapping of the curses terminal, through a real terminal (tmux sends what a terminal sends for each key).
@Suite(
    "linedb browse in a terminal: keys", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct KeyMappingTests {
    @Test("arrows, paging, Home/End, Tab/Shift-Tab, Enter, Backspace, Delete, Esc, Ctrl-letters, F-keys, UTF-8")
    func keys() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // Debug builds only: LINEDB_BROWSE_KEYS shows each decoded key instead of the browser.
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch, environment: ["LINEDB_BROWSE_KEYS": "1"])
        defer { session.stop() }
        #expect(try session.waitForText("key 0: none").met)
        let cases: [([String], String)] = [
            (["Up"], "up"), (["Down"], "down"), (["Left"], "left"), (["Right"], "right"),
            (["PPage"], "pageUp"), (["NPage"], "pageDown"), (["Home"], "home"), (["End"], "end"),
            (["Tab"], "tab"), (["BTab"], "backTab"), (["Enter"], "enter"), (["BSpace"], "backspace"),
            (["DC"], "delete"), (["Escape"], "escape"),
            // Raw mode: Ctrl-S and Ctrl-Q are keys (no flow control), Ctrl-Z is a key (no suspend).
            (["C-s"], #"control("s")"#), (["C-q"], #"control("q")"#), (["C-z"], #"control("z")"#),
            (["C-r"], #"control("r")"#), (["F1"], "function(1)"), (["F5"], "function(5)"),
            (["F12"], "function(12)"), (["-l", "é"], #"character("é")"#), (["-l", "世"], #"character("世")"#),
            (["-l", "x"], #"character("x")"#),
        ]
        for (index, (keys, expected)) in cases.enumerated() {
            try session.send(keys)
            let shown = try session.waitForText("key \(index + 1): \(expected)")
            #expect(shown.met, "\(keys) → \(shown.screen.first ?? "")")
            if !shown.met { break }
        }
        // Ctrl-C is a key too (raw mode), and reported as .control("c").
        try session.send(["C-c"])
        #expect(try session.waitForText(#"key \#(cases.count + 1): control("c")"#).met)
        try session.send(["q"])
        try session.expectCleanExit()
    }
}
#endif
