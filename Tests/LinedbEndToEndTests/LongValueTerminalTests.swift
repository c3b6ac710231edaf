import Foundation
import Testing

/// A 1 MB value in a real terminal: the editor opens on it, takes keys and the grid moves, each within seconds
/// (before: 15 s to open the editor on a 10,000-character value and 22 s per key; on 1 MB it never appeared).
@Suite(
    "linedb browse in a terminal: long values", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct LongValueTerminalTests {
    /// A database `db` in `scratch` with table `t` (id, v: str) whose record 1 has a `size`-character `v`
    /// (`abcdefghij` repeated, ending in `<end>`) and record 2 a short one; written as files, as another program would.
    func database(_ scratch: Scratch, size: Int) throws -> String {
        let db = scratch.path + "/db"
        for folder in ["schema", "data", "wal"] {
            try FileManager.default.createDirectory(atPath: db + "/" + folder, withIntermediateDirectories: true)
        }
        scratch.write("db/schema/t.schema.json", """
            {"table_name": "t", "schema": {
              "id": {"type": "int", "primary_key": true, "nullable": false, "unique": false},
              "v": {"type": "str", "primary_key": false, "nullable": true, "unique": false}},
             "created_at": "2026-01-01T00:00:00"}
            """)
        let long = String(String(repeating: "abcdefghij", count: size / 10).dropLast(5)) + "<end>"
        scratch.write("db/data/t.records", "{\"id\": 1, \"v\": \"\(long)\"}\n{\"id\": 2, \"v\": \"short\"}\n")
        scratch.write("db/wal/transaction.log", "")
        return db
    }

    @Test("a 1 MB value: the editor opens on its end, typed keys show, Home shows its start; j and k move")
    func editorAndMoves() throws {
        let scratch = Scratch()
        let db = try database(scratch, size: 1_000_000)
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: 80, height: 24)
        defer { session.stop() }
        #expect(try session.waitForScreen(seconds: 15) { isBrowser($0, database: db, mode: "RW") }.met)
        try session.send("Enter")
        var seen = try session.waitForScreen(seconds: 10) { statusLine($0).contains("t  row 1 of 2") }
        try #require(seen.met, "the table did not open:\n\(shown(seen.screen))")
        // The grid shows the value's start, clipped.
        #expect(seen.screen.contains { $0.contains("abcdefghij") && $0.contains("…") }, "\(shown(seen.screen))")

        try session.send("l", "e")
        seen = try session.waitForScreen(seconds: 5) { screen in
            screen.contains { $0.contains("Editing v:") } && screen.contains { $0.contains("<end>") }
        }
        #expect(seen.met, "the editor did not open on the value's end within 5 s:\n\(shown(seen.screen))")
        try session.send(["-l", "XYZ"])
        seen = try session.waitForText("<end>XYZ", seconds: 5)
        #expect(seen.met, "typed keys did not show within 5 s:\n\(shown(seen.screen))")
        try session.send("Home")
        seen = try session.waitForScreen(seconds: 5) { screen in
            !screen.contains { $0.contains("<end>") } && screen.contains { $0.contains("abcdefghijabcdefghij") }
        }
        #expect(seen.met, "Home did not show the start within 5 s:\n\(shown(seen.screen))")
        try session.send("Escape")
        seen = try session.waitForText("edit cancelled", seconds: 5)
        #expect(seen.met, "\(shown(seen.screen))")

        try session.send("j")
        seen = try session.waitForScreen(seconds: 5) { statusLine($0).contains("t  row 2 of 2") }
        #expect(seen.met, "j did not move within 5 s:\n\(shown(seen.screen))")
        try session.send("k")
        seen = try session.waitForScreen(seconds: 5) { statusLine($0).contains("t  row 1 of 2") }
        #expect(seen.met, "k did not move within 5 s:\n\(shown(seen.screen))")
        try session.send("q")
        try session.expectCleanExit()
    }
}
