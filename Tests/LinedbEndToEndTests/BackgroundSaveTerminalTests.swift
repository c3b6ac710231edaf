import Foundation
import Testing

#if DEBUG
/// Saves in the background (issue 17 section 2), in a real terminal at 80x24: the screen stays live during a save, and
/// kill -9 during it loses nothing acknowledged. Each save holds the engine's lock 4 s longer than it takes (the
/// debug build's failpoint `save.afterWalSync=delay4000`, inside the save, after the WAL is synced), so that keys
/// and the kill land during it.
@Suite(
    "linedb browse in a terminal: saves in the background", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct BackgroundSaveTerminalTests {
    static let rows = 100_000

    /// A database with one table `t` of ``rows`` records (about 10 MB), written as plain files.
    private func bigDatabase(_ scratch: Scratch) throws -> String {
        let db = scratch.path + "/big"
        for folder in ["schema", "data", "wal"] {
            try FileManager.default.createDirectory(atPath: db + "/" + folder, withIntermediateDirectories: true)
        }
        scratch.write("big/schema/t.schema.json", """
            {"table_name": "t", "schema": {
              "id": {"type": "int", "primary_key": true, "nullable": false, "unique": false},
              "name": {"type": "str", "primary_key": false, "nullable": true, "unique": false},
              "note": {"type": "str", "primary_key": false, "nullable": true, "unique": false}},
             "created_at": "2026-01-01T00:00:00"}
            """)
        var text = ""
        text.reserveCapacity(Self.rows * 100)
        let filler = String(repeating: "lorem ipsum ", count: 5)
        for i in 1...Self.rows { text += "{\"id\":\(i),\"name\":\"name \(i)\",\"note\":\"\(filler)\(i)\"}\n" }
        scratch.write("big/data/t.records", text)
        scratch.write("big/wal/transaction.log", "")
        return db
    }

    @Test("during a save j moves the cursor at once; kill -9 during a save loses nothing acknowledged")
    func liveAndKilledDuringSave() throws {
        let scratch = Scratch()
        let db = try bigDatabase(scratch)
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: 80, height: 24,
                                      environment: ["TERM": "xterm-256color", "LINEDB_FAILPOINTS": "save.afterWalSync=delay4000"])
        defer { session.stop() }
        let opened = try session.waitForScreen(seconds: 60) { $0.contains { $0.contains("Tables (") } }
        try #require(opened.met, "\(opened.screen.joined(separator: "\n"))")
        // First edit, saved and acknowledged ("saved 1 change").
        try session.send("Enter", "Right", "e", "C-u")
        try session.send("-l", "first")
        try session.send("Enter")
        let pending = try session.waitForText("1 pending", seconds: 30)
        try #require(pending.met, "\(pending.screen.joined(separator: "\n"))")
        try session.send("s")
        let saved = try session.waitForText("saved 1 change", seconds: 120)
        try #require(saved.met, "\(saved.screen.joined(separator: "\n"))")
        // Second edit on the next row, then s and j sent at once (as a fast typist does).
        try session.send("j", "e", "C-u")
        try session.send("-l", "second")
        try session.send("Enter")
        let second = try session.waitForText("1 pending", seconds: 30)
        try #require(second.met, "\(second.screen.joined(separator: "\n"))")
        try session.send("s", "j")
        // The cursor is on row 3 while the save still runs: the screen is live.
        let live = try session.waitForScreen(seconds: 30) { screen in
            let status = statusLine(screen)
            return status.contains("row 3 of \(Self.rows)") && status.contains("saving 1 (")
        }
        try #require(live.met, "the cursor did not move during the save: \(live.screen.joined(separator: "\n"))")
        let committed = statusLine(live.screen).contains("saving 1 (records)")
        let pid = try session.pid()
        #expect(kill(pid, SIGKILL) == 0)
        _ = try session.exitStatus()

        // Reopened: the acknowledged edit is there; the records file is whole (old or new, every line a record).
        let records = scratch.read("big/data/t.records")
        let lines = records.split(separator: "\n")
        #expect(lines.count == Self.rows)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"id\":") && $0.hasSuffix("}") })
        let wal = scratch.read("big/wal/transaction.log")
        #expect(wal.contains("\"first\""))
        let check = try Programs.linedb(["check", db])
        #expect(check.status == 0, "\(check)")
        let first = try Programs.linedb(["select", db, "t", "--where", "id=1"])
        #expect(first.stdout.contains("\"first\""), "\(first)")
        // The second save's transaction was written before its records file ("writing the records files"): it is in
        // the WAL and comes back.
        #expect(committed, "\(statusLine(live.screen))")
        let row2 = try Programs.linedb(["select", db, "t", "--where", "id=2"])
        #expect(row2.stdout.contains("\"second\""), "\(row2)")
        // The records file still holds the first save's version (the second was killed before writing it).
        #expect(lines[0].contains("\"first\"") && lines[1].contains("\"name 2\""))
    }
}
#endif
