import Foundation
import Testing

/// Moving in the grid and searching, in a real terminal: the status line's "row i of n", the rows and columns on
/// screen, and where the cursor is drawn.
@Suite(
    "linedb browse in a terminal: moving and searching in the grid", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct GridNavigationTests {
    /// The grid's data rows on screen: lines with the key column's `║`, the header aside.
    private func gridRows(_ screen: [String]) -> [String] {
        screen.filter { $0.contains("║") && !$0.contains("id* ") }
    }

    /// The course codes on screen (`MA101`, `PH102`...).
    private func codesShown(_ screen: [String]) -> Set<String> {
        var codes: Set<String> = []
        for line in gridRows(screen) {
            for word in line.split(whereSeparator: { $0 == " " || $0 == "│" || $0 == "║" })
            where word.count == 5 && word.prefix(2).allSatisfy(\.isUppercase) && word.suffix(3).allSatisfy(\.isNumber) {
                codes.insert(String(word))
            }
        }
        return codes
    }

    @Test("arrows, PgDn, G, g, $ and 0 move the cursor: row i of n, the rows and columns shown, the cursor's cell")
    func moving() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: "course")
        defer { session.stop() }
        var cursor = try session.waitForCursor { line, cell in line.contains("MA101") && cell == "1" }
        #expect(cursor.met, "the cursor is not on row 1, column id:\n\(shown(cursor.screen))")
        let visible = gridRows(cursor.screen).count
        try #require(visible > 5 && visible < 60, "\(shown(cursor.screen))")

        // Down, Down, Down: row 4 (HI104); Up: row 3 (LI103).
        try session.send("Down", "Down", "Down")
        var moved = try session.waitForScreen { statusLine($0).contains("course  row 4 of 60") }
        #expect(moved.met, "\(shown(moved.screen))")
        cursor = try session.waitForCursor { line, cell in line.contains("HI104") && cell == "4" }
        #expect(cursor.met, "\(String(describing: cursor.cursor))\n\(shown(cursor.screen))")
        try session.send("Up")
        moved = try session.waitForScreen { statusLine($0).contains("course  row 3 of 60") }
        #expect(moved.met, "\(shown(moved.screen))")
        cursor = try session.waitForCursor { line, _ in line.contains("LI103") }
        #expect(cursor.met, "\(String(describing: cursor.cursor))\n\(shown(cursor.screen))")

        // Right: the code column; Left: back to the key.
        try session.send("Right")
        cursor = try session.waitForCursor { _, cell in cell == "LI103" }
        #expect(cursor.met, "Right did not move to the code column: \(String(describing: cursor.cursor))")
        try session.send("Left")
        cursor = try session.waitForCursor { _, cell in cell == "3" }
        #expect(cursor.met, "Left did not move back to the key: \(String(describing: cursor.cursor))")

        // g then PgDn: a page further, the first page scrolled away.
        try session.send("g")
        #expect(try session.waitForScreen { statusLine($0).contains("course  row 1 of 60") }.met)
        try session.send("NPage")
        moved = try session.waitForScreen { statusLine($0).contains("course  row \(1 + visible) of 60") }
        #expect(moved.met, "PgDn from row 1 with \(visible) rows shown:\n\(shown(moved.screen))")
        let subject = ["MA", "PH", "LI", "HI", "MU", "BI", "EC", "CS"][visible % 8]
        let pagedCode = subject + "1" + String(format: "%02d", 1 + visible)  // course n is SUBJ1nn
        cursor = try session.waitForCursor { line, _ in line.contains(pagedCode) }
        #expect(cursor.met, "the cursor is not on \(pagedCode): \(String(describing: cursor.cursor))")
        #expect(!codesShown(cursor.screen).contains("MA101"), "row 1 still shown:\n\(shown(cursor.screen))")
        #expect(codesShown(cursor.screen).contains(pagedCode))

        // G: the last row, the first rows gone; g: back at the top.
        try session.send("G")
        moved = try session.waitForScreen { statusLine($0).contains("course  row 60 of 60") }
        #expect(moved.met, "\(shown(moved.screen))")
        cursor = try session.waitForCursor { line, _ in line.contains("HI160") }
        #expect(cursor.met, "the cursor is not on the last course: \(String(describing: cursor.cursor))")
        #expect(!codesShown(cursor.screen).contains("MA101") && !codesShown(cursor.screen).contains(pagedCode),
            "\(shown(cursor.screen))")
        try session.send("g")
        moved = try session.waitForScreen { statusLine($0).contains("course  row 1 of 60") }
        #expect(moved.met, "\(shown(moved.screen))")
        cursor = try session.waitForCursor { line, cell in line.contains("MA101") && cell == "1" }
        #expect(cursor.met, "\(String(describing: cursor.cursor))")
        #expect(!codesShown(cursor.screen).contains("HI160"))

        // $: the last column (tags); the grid scrolled sideways, the key column pinned; 0: back to the key column.
        let header = { (screen: [String]) in screen.first { $0.contains("id* int") } ?? "" }
        #expect(header(cursor.screen).contains("code str"), "\(shown(cursor.screen))")
        try session.send("$")
        cursor = try session.waitForCursor { line, cell in line.contains(" 1 ║") && cell == #"["mathematics"]"# }
        #expect(cursor.met, "$ did not reach the tags column: \(String(describing: cursor.cursor))\n\(shown(cursor.screen))")
        #expect(header(cursor.screen).contains("tags json"), "\(shown(cursor.screen))")
        #expect(!header(cursor.screen).contains("code str"), "no horizontal scroll:\n\(shown(cursor.screen))")
        #expect(statusLine(cursor.screen).contains("course  row 1 of 60"))
        try session.send("0")
        cursor = try session.waitForCursor { line, cell in line.contains("MA101") && cell == "1" }
        #expect(cursor.met, "0 did not return to the key column: \(String(describing: cursor.cursor))")
        #expect(header(cursor.screen).contains("code str"), "\(shown(cursor.screen))")

        // j and k move like Down and Up.
        try session.send("j", "j")
        #expect(try session.waitForScreen { statusLine($0).contains("course  row 3 of 60") }.met)
        try session.send("k")
        #expect(try session.waitForScreen { statusLine($0).contains("course  row 2 of 60") }.met)

        try session.quit()
    }

    @Test("/ text Enter jumps to the first match (any case); n and N go to the next and previous match, wrapping")
    func searching() throws {
        let scratch = Scratch()
        let (session, _) = try openDemoBrowser(scratch, table: "course")
        defer { session.stop() }
        // "ph1" is in the codes PH102, PH110, PH118... (every 8th course from row 2) and in no other cell.
        try session.send("/")
        let prompt = try session.waitForScreen { $0.last?.hasPrefix("Search") ?? false }
        #expect(prompt.met, "no search prompt:\n\(shown(prompt.screen))")
        try session.send("-l", "ph1")
        try session.send("Enter")
        var found = try session.waitForScreen { statusLine($0).contains("course  row 2 of 60") }
        #expect(found.met, "/ph1 did not jump to row 2:\n\(shown(found.screen))")
        var cursor = try session.waitForCursor { line, cell in line.contains(" 2 ║") && cell == "PH102" }
        #expect(cursor.met, "the match is not under the cursor: \(String(describing: cursor.cursor))")
        // The status line counts the matches once the search is done.
        found = try session.waitForScreen { statusLine($0).contains("match 1 of 8") }
        #expect(found.met, "no match count:\n\(shown(found.screen))")

        for (key, row, code) in [("n", 10, "PH110"), ("n", 18, "PH118"), ("N", 10, "PH110"), ("N", 2, "PH102"),
                                 ("N", 58, "PH158"), ("n", 2, "PH102")] {
            try session.send(key)
            let moved = try session.waitForScreen { statusLine($0).contains("course  row \(row) of 60") }
            #expect(moved.met, "\(key) did not go to row \(row):\n\(shown(moved.screen))")
            cursor = try session.waitForCursor { line, cell in line.contains("\(row) ║") && cell == code }
            #expect(cursor.met, "\(key): \(code) is not under the cursor: \(String(describing: cursor.cursor))")
            if !moved.met { break }
        }

        try session.quit()
    }
}
