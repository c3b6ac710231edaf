import Foundation
import Testing

/// Selecting rows with t and *, a regular expression search highlighted, a bulk set and its save, in the real
/// browser at 80x24: what the screen shows and what reaches the records file and the WAL.
@Suite(
    "linedb browse in a terminal at 80x24: regex search, selection, bulk set, save", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct SelectionTerminalTests {
    @Test("t and * select rows (marked, counted), a regex search highlights its matches, b sets credits in all, s saves one transaction")
    func selectSearchBulkSetSave() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24)
        defer { session.stop() }
        let walBefore = try jsonLines(db + "/wal/transaction.log").count
        let before = try jsonLines(db + "/data/course.records")
        let topics = Set(before.filter { ($0["title"] as? String)?.hasPrefix("Topics") == true }.compactMap { intValue($0["id"]) })
        try #require(topics.count == 11 && !topics.contains(1) && !topics.contains(3))

        // t on course 1 (the cursor moves down), j, t on course 3.
        try session.send("t", "j", "t")
        let two = try session.waitForText("2 selected")
        #expect(two.met, "\(shown(two.screen))")
        let marked = two.screen.filter { $0.contains("•") }
        #expect(marked.count == 2 && marked[0].contains("MA101") && marked[1].contains("LI103"), "\(shown(two.screen))")

        // A regular expression, case ignored: the label says regex; the matches are highlighted (yellow).
        try session.send("/", "C-r")
        let label = try session.waitForScreen { $0.last?.hasPrefix("Search (regex):") ?? false }
        #expect(label.met, "\(shown(label.screen))")
        try session.send("-l", "^topics")
        try session.send("Enter")
        // From course 4 (the cursor moved down after t), itself the second match.
        let found = try session.waitForScreen { statusLine($0).contains("match 2 of 11") }
        #expect(found.met, "\(shown(found.screen))")
        let styled = try session.styledScreen()
        let highlighted = styled.filter { row in
            let yellow = String(row.filter { $0.background == 43 }.map(\.character))
            return yellow.contains("Topics")
        }
        #expect(highlighted.count >= 2, "the matching cells are drawn on yellow:\n\(shown(found.screen))")
        #expect(!styled.contains { row in
            String(row.filter { $0.background == 43 }.map(\.character)).contains("Seminar")
        }, "a cell that does not match is not highlighted")
        try session.send("n")
        let second = try session.waitForScreen { statusLine($0).contains("match 3 of 11") }
        #expect(second.met, "\(shown(second.screen))")

        // * adds the 11 matches: 13 selected.
        try session.send("*")
        let all = try session.waitForText("13 selected")
        #expect(all.met, "\(shown(all.screen))")

        // b on credits: every selected course gets 9 credits (pending), then s saves them in one transaction.
        try session.send("Escape", "0", "l", "l", "l", "b")
        let asked = try session.waitForScreen { $0.last?.hasPrefix("Set credits in 13 selected rows") ?? false }
        #expect(asked.met, "\(shown(asked.screen))")
        try session.send("-l", "9")
        try session.send("Enter")
        let selected = topics.union([1, 3])
        let unchanged = before.filter { selected.contains(intValue($0["id"]) ?? 0) && intValue($0["credits"]) == 9 }.count
        let pending = try session.waitForText("\(13 - unchanged) pending")
        #expect(pending.met, "\(shown(pending.screen))")
        try session.send("s")
        let saved = try session.waitForText("saved \(13 - unchanged) change")
        #expect(saved.met, "\(shown(saved.screen))")

        let after = try jsonLines(db + "/data/course.records")
        #expect(after.count == before.count)
        for (old, new) in zip(before, after) {
            let id = intValue(new["id"]) ?? 0
            #expect(intValue(old["id"]) == id)
            #expect(intValue(new["credits"]) == (selected.contains(id) ? 9 : intValue(old["credits"])), "course \(id)")
            #expect(new["title"] as? String == old["title"] as? String)
        }
        let entries = Array(try jsonLines(db + "/wal/transaction.log").dropFirst(walBefore))
        let updates = entries.filter { $0["operation"] as? String == "UPDATE" }
        #expect(updates.count == 13 - unchanged)
        let commits = entries.filter { $0["operation"] as? String == "COMMIT" }
        #expect(commits.count == 1, "one transaction: \(entries.map { $0["operation"] ?? "" })")
        try session.quit()
    }
}
