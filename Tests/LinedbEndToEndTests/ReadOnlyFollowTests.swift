import Foundation
import Testing

/// `linedb browse --read-only`: it refuses edits, and follows what other `linedb` processes write (updates,
/// deletes, inserts, a checkpoint) in the grid and the WAL pane.
@Suite(
    "linedb browse in a terminal: --read-only, following updates, deletes and a checkpoint", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct ReadOnlyFollowTests {
    /// Runs `linedb arguments...` (another process than the browser) and requires it to succeed.
    private func write(_ arguments: [String]) throws {
        let result = try Programs.linedb(arguments)
        try #require(result.status == 0, "linedb \(arguments.joined(separator: " ")): \(result)")
    }

    /// Whether the WAL pane (the lines below its `WAL:` title) has a line with all of `words`.
    private func walPaneShows(_ screen: [String], _ words: String...) -> Bool {
        guard let title = screen.firstIndex(where: { $0.hasPrefix(" WAL: ") }) else { return false }
        return screen[title...].contains { line in words.allSatisfy { line.contains($0) } }
    }

    @Test("another process's update and delete appear in the grid and the WAL pane; after its checkpoint too")
    func followsUpdateDeleteCheckpoint() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course", arguments: ["--read-only"], mode: "RO")
        defer { session.stop() }
        let first = try session.screen()
        #expect(first.contains { $0.contains("Topics in Physics") } && first.contains { $0.contains("LI103") })

        // An update: the new title in the grid, an UPDATE line in the WAL pane.
        try write(["update", db, "course", "2", "--set", "title=Live Update"])
        let updated = try session.waitForScreen { screen in
            screen.contains { $0.contains(" 2 ║") && $0.contains("Live Update") }
                && walPaneShows(screen, "UPDATE", "course", "id=2")
        }
        #expect(updated.met, "the update did not appear:\n\(shown(updated.screen))")

        // A delete: the row gone, the count down, a DELETE line in the WAL pane.
        try write(["delete", db, "course", "3"])
        let deleted = try session.waitForScreen { screen in
            !screen.contains { $0.contains("LI103") } && screen.contains { $0.contains("course: 59 records") }
                && statusLine(screen).contains("of 59") && walPaneShows(screen, "DELETE", "course", "id=3")
        }
        #expect(deleted.met, "the delete did not appear:\n\(shown(deleted.screen))")

        // A checkpoint: the WAL pane starts again from the new WAL; the data stays as it was.
        try write(["checkpoint", db])
        let checkpointed = try session.waitForScreen { screen in
            screen.contains { $0.contains("WAL: entry 1 of 1") } && walPaneShows(screen, "CHECKP")
        }
        #expect(checkpointed.met, "the checkpoint did not appear:\n\(shown(checkpointed.screen))")
        let after = checkpointed.screen
        #expect(after.contains { $0.contains(" 2 ║") && $0.contains("Live Update") }, "\(shown(after))")
        #expect(!after.contains { $0.contains("LI103") }, "\(shown(after))")
        #expect(after.contains { $0.contains(" 4 ║") && $0.contains("HI104") }, "\(shown(after))")
        #expect(after.contains { $0.contains("course: 59 records") } && statusLine(after).contains("of 59"),
            "\(shown(after))")

        // And it follows the new WAL: an update and an insert after the checkpoint.
        try write(["update", db, "course", "4", "--set", "title=After Checkpoint"])
        try write(["insert", db, "course", #"{"code": "ZZ777", "title": "Inserted After Checkpoint"}"#])
        let followed = try session.waitForScreen { screen in
            screen.contains { $0.contains(" 4 ║") && $0.contains("After Checkpoint") }
                && screen.contains { $0.contains("course: 60 records") }
                && walPaneShows(screen, "UPDATE", "course", "id=4") && walPaneShows(screen, "INSERT", "course")
        }
        #expect(followed.met, "writes after the checkpoint did not appear:\n\(shown(followed.screen))")
        try session.send("G")
        let last = try session.waitForScreen { screen in
            statusLine(screen).contains("row 60 of 60") && screen.contains { $0.contains("ZZ777") }
        }
        #expect(last.met, "the inserted record is not the last row:\n\(shown(last.screen))")

        try session.quit()
        // The browser wrote nothing: the data is what the other process left.
        let select = try Programs.linedb(["select", db, "course", "--where", "id=2"])
        #expect(select.stdout.contains("Live Update"), "\(select)")
    }

    @Test("--read-only shows RO and refuses e (and a, d) with a read-only message; no file changes")
    func readOnlyFlagRefusesEdits() throws {
        let scratch = Scratch()
        // Wide, so the message is not clipped.
        let (session, db) = try openDemoBrowser(
            scratch, table: "course", arguments: ["--read-only"], width: 200, mode: "RO")
        defer { session.stop() }
        let before = snapshot(db)
        #expect(statusLine(try session.screen()).contains("│ RO"))

        for key in ["e", "a", "d"] {
            try session.send("Escape")  // clears the last message
            let cleared = try session.waitForScreen { !statusLine($0).contains("read-only") }
            try #require(cleared.met, "\(shown(cleared.screen))")
            try session.send(key)
            let refused = try session.waitForScreen { statusLine($0).contains("read-only") }
            #expect(refused.met, "'\(key)' not refused:\n\(shown(refused.screen))")
            let screen = refused.screen
            #expect(!(screen.last ?? "").hasPrefix("Editing"), "\(key) opened the line editor:\n\(shown(screen))")
            #expect(!screen.contains { $0.contains("Add a record") || $0.contains("Delete record") },
                "\(shown(screen))")
            #expect(!statusLine(screen).contains("pending"), "\(statusLine(screen))")
            if key == "e" {
                // Opened with --read-only, no other process writes: the message says so, and not that one does.
                #expect(statusLine(screen).contains("(opened read-only)"), "\(statusLine(screen))")
                #expect(!statusLine(screen).contains("another process writes it"), "\(statusLine(screen))")
            }
        }
        #expect(snapshot(db) == before, "a read-only browser changed a file of the database")
        // No writer lock held: another process can write while the browser is open.
        let insert = try Programs.linedb(["insert", db, "course", #"{"code": "ZZ555", "title": "Beside RO"}"#])
        #expect(insert.status == 0, "\(insert)")
        try session.quit()
    }
}
