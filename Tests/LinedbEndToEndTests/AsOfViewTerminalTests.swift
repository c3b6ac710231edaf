import Foundation
import Testing

/// Issue 15's as-of view in a real terminal at 80x24: a demo database edited with `linedb update` before the
/// browser opens; from the WAL pane, Enter on the entry before the update, `a`: the old value on screen, marked;
/// Esc: the new value.
@Suite(
    "linedb browse in a terminal: the database as of a WAL entry", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct AsOfViewTerminalTests {
    @Test("WAL pane, the entry before an update, Enter, a: the old title on screen with the AS OF banner; Esc: the new title")
    func oldValueThenNow() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // Course 2's title before the update, from its records file.
        let records = scratch.read("uni/data/course.records").split(separator: "\n")
        let line = try #require(records.first { $0.contains("\"id\":2,") || $0.contains("\"id\": 2,") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let oldTitle = try #require(object["title"] as? String)
        let update = try Programs.linedb(["update", db, "course", "2", "--set", "title=Renamed Since"])
        try #require(update.status == 0, "\(update)")
        let files = snapshot(db)

        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch, width: 80, height: 24,
            environment: ["TERM": "xterm-256color"])
        defer { session.stop() }
        let first = try session.waitForScreen(seconds: 15) { isBrowser($0, database: db, mode: "RW") }
        try #require(first.met, "the browser did not start:\n\(shown(first.screen))")
        try session.send("Enter")  // course, the first table
        let opened = try session.waitForScreen(seconds: 15) { statusLine($0).contains("course  row 1 of ") }
        try #require(opened.met, "\(shown(opened.screen))")
        #expect(opened.screen.contains { $0.contains(" 2 ║") && $0.contains("Renamed Since") })
        // The WAL pane: its cursor on the newest entry (the update); one up is the entry before it.
        try session.send("Tab")
        let focused = try session.waitForText("WAL: entry ")
        try #require(focused.met, "\(shown(focused.screen))")
        try session.send("k", "Enter")
        let detail = try session.waitForText("a as of this")
        #expect(detail.met, "the entry view does not offer the as-of view:\n\(shown(detail.screen))")
        try session.send("a")
        let past = try session.waitForScreen(seconds: 20) { screen in
            statusLine(screen).contains("AS OF lsn") && screen.contains { $0.contains(" 2 ║") }
        }
        #expect(past.met, "no past view:\n\(shown(past.screen))")
        let row2 = try #require(past.screen.first { $0.contains(" 2 ║") })
        #expect(row2.contains(String(oldTitle.prefix(12))) && row2.contains("*"),
                "course 2 as it was (\(oldTitle)), marked as differing from now:\n\(shown(past.screen))")
        #expect(!past.screen.contains { $0.contains("Renamed Since") })
        // An edit key is refused, naming the way back.
        try session.send("Tab", "e")
        let refused = try session.waitForText("read-only; Esc returns to now")
        #expect(refused.met, "\(shown(refused.screen))")
        try session.send("Escape")
        let now = try session.waitForScreen { screen in
            !statusLine(screen).contains("AS OF") && screen.contains { $0.contains(" 2 ║") && $0.contains("Renamed Since") }
        }
        #expect(now.met, "Esc did not return to now:\n\(shown(now.screen))")
        try session.quit()
        #expect(snapshot(db) == files, "viewing the past changed a file")
    }
}
