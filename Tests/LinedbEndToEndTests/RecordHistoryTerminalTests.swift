import Foundation
import Testing

/// The history view (`r`) of the real browser at 80x24: a record edited by `linedb update` before the browser
/// opens, its versions on screen, one restored with Enter and saved with `s`, read back by `linedb select`.
@Suite(
    "linedb browse in a terminal: a record's history (r), a version restored and saved", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct RecordHistoryTerminalTests {
    @Test("r on course 1 edited twice shows its versions; G, Enter, s restore the oldest title; select shows it")
    func restoreAVersion() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24) { db in
            for title in ["First Rename", "Second Rename"] {
                let result = try Programs.linedb(["update", db, "course", "1", "--set", "title=\(title)"])
                try #require(result.status == 0, "\(result)")
            }
        }
        defer { session.stop() }
        let before = try Programs.linedb(["select", db, "course", "--where", "id=1"])
        #expect(before.stdout.contains("Second Rename"), "\(before)")

        try session.send("r")
        let view = try session.waitForScreen { screen in
            screen.contains { $0.contains("course 1: history,") } && screen.contains { $0.contains("▸ ") }
        }
        #expect(view.met, "no history view:\n\(shown(view.screen))")
        // The newest version: the second rename, old → new, marked; the status line names the version.
        #expect(view.screen.contains { $0.contains("First Rename → Second Rename") }, "\(shown(view.screen))")
        #expect(view.screen.contains { $0.contains(" * ") && $0.contains("title") }, "\(shown(view.screen))")
        #expect(statusLine(view.screen).contains("history of course 1: version"), "\(statusLine(view.screen))")
        for line in view.screen { #expect(line.count <= 80) }

        // The oldest version read: the title before both renames.
        try session.send("G")
        let oldest = try session.waitForScreen { screen in
            screen.contains { $0.hasPrefix("▸ 1/") || $0.contains(" ▸ 1/") || $0.contains("│▸ 1/") }
        }
        #expect(oldest.met, "G did not reach the oldest version:\n\(shown(oldest.screen))")
        try session.send("Enter")
        let restored = try session.waitForScreen { statusLine($0).contains("1 pending") }
        #expect(restored.met, "Enter did not restore:\n\(shown(restored.screen))")
        #expect(restored.screen.contains { $0.contains("Seminar in Mathematics") }, "\(shown(restored.screen))")
        try session.send("s")
        let saved = try session.waitForText("saved 1 change")
        #expect(saved.met, "\(shown(saved.screen))")
        let after = try Programs.linedb(["select", db, "course", "--where", "id=1"])
        #expect(after.stdout.contains("Seminar in Mathematics") && !after.stdout.contains("Rename"), "\(after)")
        try session.quit()
    }
}
