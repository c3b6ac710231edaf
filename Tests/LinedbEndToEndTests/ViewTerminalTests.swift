import Foundation
import Testing

/// The record view and a multi-column sort in a real terminal at 80x24 (issue 14 items 10 and 12).
@Suite(
    "linedb browse in a terminal: the record view and a multi-column sort at 80x24", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct ViewTerminalTests {
    @Test("v on course: one field a line with its type, tags pretty-printed; J the next record; Esc back to the grid")
    func recordView() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24)
        defer { session.stop() }
        try session.send("v")
        // Wait for the whole view, not only its title: a capture can land between the title and the fields.
        let opened = try session.waitForScreen {
            $0.contains { $0.contains("course: record 1 of 60, id 1") } && $0.contains { $0.contains("online") && $0.contains("true") }
        }
        try #require(opened.met, "no record view:\n\(shown(opened.screen))")
        let screen = opened.screen
        #expect(screen.contains { $0.contains("code") && $0.contains("str") && $0.contains("MA101") }, "\(shown(screen))")
        #expect(screen.contains { $0.contains("title") && $0.contains("Seminar in Mathematics") })
        #expect(screen.contains { $0.contains("online") && $0.contains("bool") && $0.contains("true") })
        // The json list over several lines: its opening bracket, then its element on a line of its own.
        let tags = try #require(screen.firstIndex { $0.contains("tags") && $0.contains("json") }, "\(shown(screen))")
        #expect(screen[tags].hasSuffix("[") || screen[tags].trimmingCharacters(in: .whitespaces).hasSuffix("["))
        #expect(screen[tags + 1].contains("\"mathematics\""), "\(shown(screen))")
        // No grid while it shows (the grid's key column is drawn with ║).
        #expect(!screen.contains { $0.contains("║") })

        try session.send("J")
        let next = try session.waitForScreen {
            $0.contains { $0.contains("course: record 2 of 60, id 2") } && $0.contains { $0.contains("code") && $0.contains("PH102") }
        }
        #expect(next.met, "\(shown(next.screen))")
        #expect(next.screen.contains { $0.contains("code") && $0.contains("PH102") })

        try session.send("Escape")
        let back = try session.waitForScreen {
            statusLine($0).contains("course  row 2 of 60") && $0.contains { $0.contains("║") }
        }
        #expect(back.met, "Esc did not go back to the grid:\n\(shown(back.screen))")
        #expect(try session.waitForCursor { line, _ in line.contains("PH102") }.met)
    }

    @Test("{ on online then } on credits: the title says online↑1 credits↓2, the header marks credits↓2, rows ordered")
    func multiColumnSort() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24)
        defer { session.stop() }
        // The expected first row: online false first, then the most credits, ties by id.
        let select = try Programs.linedb(["select", db, "course"])
        try #require(select.status == 0, "\(select)")
        var rows: [(id: Int, code: String, credits: Int, online: Bool)] = []
        for line in select.stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rows.append((o["id"] as! Int, o["code"] as! String, (o["credits"] as? Int) ?? Int.min,
                         (o["online"] as? Bool) ?? false))
        }
        let first = try #require(rows.min { a, b in
            if a.online != b.online { return !a.online }
            if a.credits != b.credits { return a.credits > b.credits }
            return a.id < b.id
        })

        try session.send("l", "l", "l", "l", "l")  // online
        try session.send("{")
        let one = try session.waitForScreen { $0.first?.contains("by online ↑") == true }
        #expect(one.met, "\(shown(one.screen))")
        try session.send("h", "h", "}")  // credits
        let two = try session.waitForScreen { $0.first?.contains("by online↑1 credits↓2") == true }
        try #require(two.met, "no multi-column sort in the title:\n\(shown(two.screen))")
        #expect(two.screen[1].contains("credits↓2"), "\(shown(two.screen))")
        #expect(statusLine(two.screen).contains("course  row 1 of 60"))
        try session.send("0")
        let cursor = try session.waitForCursor { line, _ in line.contains(first.code) }
        #expect(cursor.met, "row 1 is not \(first.code):\n\(shown(cursor.screen))")

        // \ back to the natural order: row 1 is id 1 again.
        try session.send("g")
        try session.send(["-l", "\\"])
        let natural = try session.waitForScreen { $0.first.map { !$0.contains(", by ") } ?? false }
        #expect(natural.met, "\(shown(natural.screen))")
    }

    @Test("at 80x24 the key column stays pinned while scrolled to the last column; - hides it, + shows it, H moves it")
    func columns() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: "course", width: 80, height: 24)
        defer { session.stop() }
        /// The grid's header line: the first line with the pinned key column's ║ (right of the Tables pane).
        func header(_ screen: [String]) -> String {
            let line = screen.first { $0.contains("id* ") && $0.contains("║") } ?? ""
            return line.split(separator: "│", maxSplits: 1).last.map(String.init) ?? line
        }
        /// Whether the status area (the last lines: a long message may take a line above the position) says `text`.
        func said(_ screen: [String], _ text: String) -> Bool {
            screen.suffix(4).contains { $0.contains(text) }
        }
        try session.send("$")
        let last = try session.waitForScreen { header($0).contains("tags") }
        try #require(last.met, "\(shown(last.screen))")
        #expect(header(last.screen).trimmingCharacters(in: .whitespaces).hasPrefix("id* int"), "\(shown(last.screen))")
        #expect(!header(last.screen).contains("code "), "\(shown(last.screen))")  // scrolled past

        try session.send("-")
        let hidden = try session.waitForScreen { said($0, "tags hidden (1 hidden column") }
        #expect(hidden.met, "\(shown(hidden.screen))")
        #expect(!header(hidden.screen).contains("tags"))
        #expect(header(hidden.screen).trimmingCharacters(in: .whitespaces).hasPrefix("id* int"))

        try session.send("+")
        let again = try session.waitForScreen { said($0, "1 hidden column shown again") }
        #expect(again.met, "\(shown(again.screen))")

        // H on tags: it moves left of online.
        try session.send("$", "H")
        let moved = try session.waitForScreen { said($0, "tags moved left") }
        #expect(moved.met, "\(shown(moved.screen))")
        let line = header(moved.screen)
        let tags = try #require(line.range(of: "tags")), online = try #require(line.range(of: "online"))
        #expect(tags.lowerBound < online.lowerBound, "\(line)")
    }
}
