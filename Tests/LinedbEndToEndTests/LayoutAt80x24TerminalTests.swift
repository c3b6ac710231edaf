import Foundation
import Testing

/// Issue 14 section A in a real terminal at 80x24: the schema pane on `S`, the recent messages on Ctrl-P, the
/// focused pane marked; screens read as whole frames (``TmuxSession/frame()``).
@Suite(
    "linedb browse in a terminal: every pane at 80x24", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct LayoutAt80x24TerminalTests {
    @Test("S shows the schema pane at 80x24 in the tables' place; Ctrl-P lists the messages; Esc closes them")
    func schemaAndMessages() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24,
                                               environment: ["TERM": "xterm-256color"])
        defer { session.stop() }
        let opened = try session.waitForScreen { $0.first?.contains("▶ course:") == true }.screen
        #expect(opened.first?.contains("▶ course:") == true, "the grid has the focus:\n\(shown(opened))")
        #expect(!opened.joined().contains("Schema: course"))
        #expect(session.frame() != nil, "the browser writes no frame numbers")

        var frame = session.frame()
        try session.send("S")
        let schema = try session.waitForScreen { $0.first?.hasPrefix(" Schema: course") == true }
        try #require(schema.met, "S showed no schema pane at 80x24:\n\(shown(schema.screen))")
        #expect(try session.waitForFrame(after: frame).met, "no frame was completed after S")
        // The columns with their types and flags, in the left place, the grid beside them.
        #expect(schema.screen.contains { $0.hasPrefix(" code") && $0.contains("str") && $0.contains("unique not null") },
                "\(shown(schema.screen))")
        #expect(schema.screen.contains { $0.hasPrefix(" id ") && $0.contains("int") && $0.contains("PK") })
        #expect(schema.screen.contains { $0.hasPrefix(" tags ") && $0.contains("json") && $0.contains("│") })
        #expect(statusLine(schema.screen).contains("course  row 1 of ") && statusLine(schema.screen).contains("id: int"))

        // Tab: the grid, then the WAL, then the schema pane (the marker moves there).
        try session.send("Tab", "Tab")
        let focused = try session.waitForScreen { $0.first?.hasPrefix("▶ Schema: course") == true }
        #expect(focused.met, "Tab never reached the schema pane:\n\(shown(focused.screen))")

        frame = session.frame()
        try session.send("C-p")
        let messages = try session.waitForText("Recent messages, newest last")
        try #require(messages.met, "Ctrl-P showed nothing:\n\(shown(messages.screen))")
        #expect(messages.screen.contains { $0.contains("schema pane shown in the tables' place") },
                "\(shown(messages.screen))")
        #expect((session.frame() ?? 0) > (frame ?? 0))
        try session.send("Escape")
        let closed = try session.waitForScreen { !$0.joined().contains("Recent messages") }
        #expect(closed.met && closed.screen.first?.hasPrefix("▶ Schema: course") == true, "\(shown(closed.screen))")
        try session.quit()
    }
}
