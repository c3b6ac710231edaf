import Foundation
import Testing

/// Keys typed ahead while a sort or filter runs (issue 17, section 1), in a real 80x24 terminal: whole sequences
/// sent at once (`send-keys` without waits, as a fast typist or a paste does) on a table big enough for the work to
/// take visible time; what was typed happens, in the order typed.
@Suite(
    "linedb browse in a terminal: keys typed ahead during work are kept and applied in order", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct TypeAheadTerminalTests {
    static let rows = 250_000
    static let origins = ["EWR", "LGA", "JFK"]

    /// The delay of flight `i`: every value once (7919 is prime to 250,000), so the sort has no ties.
    static func delay(_ i: Int) -> Int { (i * 7919) % rows - 1000 }

    /// tmux key names typing `text` (one `send-keys` sends them all at once).
    static func keyNames(_ text: String) -> [String] { text.map { $0 == " " ? "Space" : String($0) } }

    /// Writes a `flights` table of ``rows`` records (id, tailnum `T<id>`, origin, dep_delay) as the browser reads
    /// it from disk: a schema file and a JSON Lines records file.
    func flightsDatabase(in scratch: Scratch) throws -> String {
        let db = scratch.path + "/big"
        for folder in ["schema", "data", "wal"] {
            try FileManager.default.createDirectory(atPath: db + "/" + folder, withIntermediateDirectories: true)
        }
        let schema = """
            {
              "table_name": "flights",
              "schema": {
                "id": {"type": "int", "primary_key": true, "nullable": false, "unique": true},
                "tailnum": {"type": "str", "primary_key": false, "nullable": true, "unique": false},
                "origin": {"type": "str", "primary_key": false, "nullable": true, "unique": false},
                "dep_delay": {"type": "int", "primary_key": false, "nullable": true, "unique": false}
              },
              "created_at": "2026-01-01T00:00:00"
            }
            """
        try Data(schema.utf8).write(to: URL(fileURLWithPath: db + "/schema/flights.schema.json"))
        var records = ""
        records.reserveCapacity(Self.rows * 70)
        for i in 0..<Self.rows {
            records += "{\"id\": \(i), \"tailnum\": \"T\(i)\", \"origin\": \"\(Self.origins[i % 3])\", "
                + "\"dep_delay\": \(Self.delay(i))}\n"
        }
        try Data(records.utf8).write(to: URL(fileURLWithPath: db + "/data/flights.records"))
        return db
    }

    @Test("] then /T123457 Enter sent at once: the search runs once the sort is done; then f = EWR Enter, Ctrl-F, f = LGA Enter leaves the LGA filter and no cell edited")
    func sortSearchFilterTypedAhead() throws {
        let scratch = Scratch()
        let db = try flightsDatabase(in: scratch)
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: 80, height: 24)
        defer { session.stop() }
        var seen = try session.waitForScreen(seconds: 60) { statusLine($0).contains("flights  row 1 of 250000") }
        try #require(seen.met, "the table did not open:\n\(shown(seen.screen))")
        try session.send("Enter")  // the focus to the grid (its keys in the hint line)
        seen = try session.waitForScreen(seconds: 60) { $0.last?.contains("e edit") == true }
        try #require(seen.met, "the grid did not get the focus:\n\(shown(seen.screen))")

        // The last column (dep_delay), sorted descending, and a search typed at once behind the sort.
        try session.send(["$", "]", "/"] + Self.keyNames("T123457") + ["Enter"])
        let target = 123_457
        let rank = (Self.rows - 1000 - 1) - Self.delay(target) + 1  // its row in the view sorted by delay, descending
        seen = try session.waitForScreen(seconds: 60) {
            statusLine($0).contains("row \(rank) of 250000") && statusLine($0).contains("/T123457")
        }
        #expect(seen.met, "the search did not run after the sort (expected row \(rank)):\n\(shown(seen.screen))")
        #expect(try session.gridCursor()?.cell.contains("T123457") == true)

        // On origin: a filter, clearing it, another filter, all at once.
        try session.send(["l", "f"] + Self.keyNames("= EWR") + ["Enter", "C-f", "f"] + Self.keyNames("= LGA") + ["Enter"])
        let lga = (0..<Self.rows).filter { $0 % 3 == 1 }.count
        seen = try session.waitForScreen(seconds: 60) {
            // (and no work running: "filtering… 40%", "sorting… 10%")
            statusLine($0).contains("row 1 of \(lga) (filtered from 250000)") && !statusLine($0).contains("ing… ")
        }
        #expect(seen.met, "the LGA filter is not what shows:\n\(shown(seen.screen))")
        #expect(seen.screen[0].contains("by dep_delay ↓ │ origin = LGA") && !seen.screen[0].contains("EWR"),
                "\(shown(seen.screen))")
        // No text reached the grid: nothing pending, no editor or prompt open; the sort is still there.
        #expect(!statusLine(seen.screen).contains("pending"), "\(shown(seen.screen))")
        #expect(seen.screen.last?.hasPrefix("Filter") == false && seen.screen.last?.hasPrefix("Edit") == false)
        // The first row is the greatest delay among LGA flights.
        let first = (0..<Self.rows).filter { $0 % 3 == 1 }.max { Self.delay($0) < Self.delay($1) }!
        #expect(seen.screen.contains { $0.contains("T\(first) ") }, "\(shown(seen.screen))")
        try session.quit()
    }
}
