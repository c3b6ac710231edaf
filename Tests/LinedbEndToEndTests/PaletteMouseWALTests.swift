import Foundation
import Testing

/// Issue 14 items 17, 18 and 20 in a real terminal at 80x24: the command palette, the mouse, the WAL pane's own
/// cursor.
@Suite(
    "linedb browse in a terminal: the command palette, mouse clicks, the WAL pane following", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct PaletteMouseWALTests {
    /// A tmux format of the pane (`#{mouse_any_flag}`: whether the program asked for mouse reports).
    private func paneFlag(_ session: TmuxSession, _ format: String) throws -> String {
        try Programs.run("/usr/bin/env", ["tmux", "-S", session.socket, "display", "-p", format])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Space, a few letters of the action's name and Enter run it: sort-descending sorts the key column")
    func paletteRunsAction() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24)
        defer { session.stop() }
        try session.send("Space")
        let open = try session.waitForText("Commands (")
        #expect(open.met, "no palette:\n\(shown(open.screen))")
        try session.send("-l", "srtdesc")
        let typed = try session.waitForScreen { $0.last?.contains("Command: srtdesc") == true }
        #expect(typed.met, "\(shown(typed.screen))")
        // A resize to 1x1 and back: the palette and its text are there again.
        try session.resize(width: 1, height: 1)
        usleep(200_000)
        try session.resize(width: 80, height: 24)
        let back = try session.waitForScreen { screen in
            screen.count == 24 && screen.last?.contains("Command: srtdesc") == true
                && screen.contains { $0.contains("sort-descending") && $0.contains("]") }
        }
        #expect(back.met, "\(shown(back.screen))")
        try session.send("Enter")
        // The key column (id) sorted descending: the first row shown (the screen's third line) is the last course.
        let sorted = try session.waitForScreen { screen in screen.count > 2 && screen[2].contains(" 60 ║") }
        #expect(sorted.met, "not sorted:\n\(shown(sorted.screen))")
        #expect(!sorted.screen.contains { $0.contains("Commands (") }, "the palette closed")
        try session.quit()
    }

    @Test("a click on a cell moves the cursor there (xterm's SGR report, through ncurses or decoded by linedb)",
          arguments: ["xterm-256color", "screen", "vt100"])
    func clickMovesCursor(term: String) throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(
            scratch, table: "course", width: 80, height: 24, environment: ["TERM": term])
        defer { session.stop() }
        #expect(try paneFlag(session, "#{mouse_any_flag}") == "1", "mouse reports not asked for")
        // At 80x24 the grid starts at column 19 (after the 18-column tables pane and its separator); its first row
        // is the screen's third line. Row 5 of the grid: screen line 7 (1-based in the report), column 32 (1-based)
        // in the code column (the grid's x 11 on: the id column is 7 wide, then " ║ ").
        try session.send("-l", "\u{1B}[<0;32;7M\u{1B}[<0;32;7m")
        let moved = try session.waitForScreen { statusLine($0).contains("row 5 of 60") }
        #expect(moved.met, "the click did not move the cursor:\n\(shown(moved.screen))")
        // The cursor's cell is course 5's code (seen by its colours: vt100 has none).
        if term != "vt100" {
            let cell = try session.waitForCursor { _, cell in cell == "MU105" }
            #expect(cell.met, "cursor on \(String(describing: cell.cursor)):\n\(shown(cell.screen))")
        }
        // The wheel: three rows down.
        try session.send("-l", "\u{1B}[<65;32;7M")
        let wheeled = try session.waitForScreen { statusLine($0).contains("row 8 of 60") }
        #expect(wheeled.met, "the wheel did not move the cursor:\n\(shown(wheeled.screen))")
        try session.quit()
        #expect(try paneFlag(session, "#{mouse_any_flag}") == "0", "mouse reports left on after exit")
    }

    @Test("mouse reports are turned off when a signal ends the browser (ncurses' and linedb's own)",
          arguments: ["xterm-256color", "vt100"])
    func mouseOffAfterSignal(term: String) throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: nil, width: 80, height: 24, environment: ["TERM": term])
        defer { session.stop() }
        #expect(try paneFlag(session, "#{mouse_any_flag}") == "1")
        #expect(kill(try session.pid(), SIGTERM) == 0)
        try session.expectCleanExit(status: 143)
        #expect(try paneFlag(session, "#{mouse_any_flag}") == "0", "mouse reports left on after SIGTERM")
    }

    @Test("\"mouse\": false in the config file: no mouse reports asked for")
    func mouseOff() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/config/linedb",
                                                withIntermediateDirectories: true)
        scratch.write("config/linedb/config.json", #"{"mouse": false}"#)
        let (session, _) = try openDemoBrowser(
            scratch, table: nil, width: 80, height: 24,
            environment: ["TERM": "xterm-256color", "XDG_CONFIG_HOME": scratch.path + "/config"])
        defer { session.stop() }
        #expect(try paneFlag(session, "#{mouse_any_flag}") == "0")
        try session.quit()
    }

    @Test("the WAL pane's cursor: entry k of N; scrolled up it counts another process's writes as N new; at the bottom it follows")
    func walFollowsAndCountsNew() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(
            scratch, table: "course", arguments: ["--read-only"], width: 80, height: 24, mode: "RO")
        defer { session.stop() }
        try session.send("Tab")
        let focused = try session.waitForScreen { screen in screen.contains { $0.contains("WAL: entry ") } }
        try #require(focused.met, "no WAL position:\n\(shown(focused.screen))")
        let title = try #require(focused.screen.first { $0.contains("WAL: entry ") })
        // " WAL: entry 341 of 341"
        let numbers = title.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count >= 2 && numbers[0] == numbers[1], "\(title)")
        let n = numbers[1]
        try session.send("k", "k")
        let up = try session.waitForText("WAL: entry \(n - 2) of \(n)")
        #expect(up.met, "\(shown(up.screen))")
        let result = try Programs.linedb(["update", db, "course", "2", "--set", "title=Seen Live"])
        try #require(result.status == 0, "\(result)")
        let counted = try session.waitForText("WAL: entry \(n - 2) of \(n + 1) · 1 new")
        #expect(counted.met, "\(shown(counted.screen))")
        try session.send("G")
        let following = try session.waitForText("WAL: entry \(n + 1) of \(n + 1)")
        #expect(following.met, "\(shown(following.screen))")
        let again = try Programs.linedb(["update", db, "course", "3", "--set", "title=Followed"])
        try #require(again.status == 0, "\(again)")
        let followed = try session.waitForText("WAL: entry \(n + 2) of \(n + 2)")
        #expect(followed.met, "\(shown(followed.screen))")
        #expect(!followed.screen.contains { $0.contains(" new") }, "\(shown(followed.screen))")
        // Enter shows the entry whole; Esc goes back; o there opens its record in the grid.
        try session.send("Enter")
        let detail = try session.waitForText("\"title\": \"Followed\"")
        #expect(detail.met, "\(shown(detail.screen))")
        try session.send("Escape")
        let back = try session.waitForScreen { screen in !screen.contains { $0.contains("\"title\": \"Followed\"") } }
        #expect(back.met, "\(shown(back.screen))")
        try session.send("Enter", "o")
        let record = try session.waitForScreen { statusLine($0).contains("course  row 3 of 60") }
        #expect(record.met, "the entry's record is not under the cursor:\n\(shown(record.screen))")
        try session.quit()
    }
}
