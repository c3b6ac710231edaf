import Foundation
import Testing

/// The filter prompt in a real 80x24 terminal: a SQL expression over the demo's students, the count on screen,
/// a bad expression kept in the prompt, and Backspace removing the last filter.
@Suite(
    "linedb browse in a terminal: filters by SQL expression", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct FilterExpressionTests {
    /// "1,234".
    private func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    @Test("f with 'gpa > 3.5 AND active = 1' shows 'N of 2,120' and the filter; a second narrows; Backspace pops each")
    func expressionFilter() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "student", width: 80, height: 24)
        defer { session.stop() }
        // The expected counts, from the records file itself.
        let students = try jsonLines(db + "/data/student.records")
        let gpa = { (s: [String: Any]) in (s["gpa"] as? NSNumber)?.doubleValue }
        let first = students.filter { (gpa($0) ?? 0) > 3.5 && ($0["active"] as? Bool) == true }
        let second = first.filter { (($0["name"] as? String) ?? "").hasPrefix("A") }
        try #require(first.count > 10 && !second.isEmpty && second.count < first.count)

        try session.send("f")
        var seen = try session.waitForScreen { $0.last?.hasPrefix("Filter id:") == true }
        #expect(seen.met, "the filter prompt did not name the column:\n\(shown(seen.screen))")
        try session.send("-l", "gpa > 3.5 AND active = 1")
        seen = try session.waitForScreen { $0.last?.hasPrefix("Filter WHERE gpa > 3.5 AND active = 1") == true }
        #expect(seen.met, "the prompt does not read the text as SQL:\n\(shown(seen.screen))")
        try session.send("Enter")
        let count = "student: \(grouped(first.count)) of 2,120 │ gpa > 3.5 AND active = 1"
        seen = try session.waitForScreen { $0[0].contains(count) }
        #expect(seen.met, "the count is not on screen (\(count)):\n\(shown(seen.screen))")
        #expect(statusLine(seen.screen).contains("row 1 of \(first.count) (filtered from 2120)"))

        // A bad expression: SQLite's message in the status line, the prompt still open with the text.
        try session.send("f")
        try session.send("-l", "name LIKE 'A%' AN")
        try session.send("Enter")
        seen = try session.waitForScreen { statusLine($0).contains("SQL error at 16: near \"AN\": syntax error") }
        #expect(seen.met, "no SQL error shown (whole, at 80 columns):\n\(shown(seen.screen))")
        #expect(seen.screen.last?.hasPrefix("Filter WHERE name LIKE 'A%' AN") == true, "\(shown(seen.screen))")
        #expect(seen.screen[0].contains(count))
        // The cursor is where SQLite points (at "AN"): fixed there, the second filter narrows the first.
        try session.send("DC", "DC", "DC", "Enter")
        // (At 80 columns the first filter gives way to "…": the newest is the one Backspace removes.)
        let narrowed = "student: \(grouped(second.count)) of 2,120 │ … › name LIKE 'A%'"
        seen = try session.waitForScreen { $0[0].contains(narrowed) }
        #expect(seen.met, "the second filter did not narrow the first (\(narrowed)):\n\(shown(seen.screen))")

        // Backspace in the grid removes the last filter, then the one before it.
        try session.send("BSpace")
        seen = try session.waitForScreen { $0[0].contains(count) && !$0[0].contains("›") }
        #expect(seen.met, "Backspace did not remove the last filter:\n\(shown(seen.screen))")
        try session.send("BSpace")
        seen = try session.waitForScreen { $0[0].contains("student: 2120 records") }
        #expect(seen.met, "Backspace did not remove the first filter:\n\(shown(seen.screen))")
    }
}
