import Foundation
import Testing

/// The frequency sheet in a real terminal at 80x24: F on a column, the counts on screen, Esc back, Enter filters.
@Suite(
    "linedb browse in a terminal: the frequency sheet", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct SheetTerminalTests {
    @Test("F on instructor.department at 80x24: a line per department with its count; Esc back; Enter filters")
    func frequencySheet() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "instructor", width: 80, height: 24)
        defer { session.stop() }
        // The departments counted here, from linedb select (the records with the WAL applied).
        let select = try Programs.linedb(["select", db, "instructor"])
        try #require(select.status == 0, "\(select)")
        var counts: [String: Int] = [:]
        for line in select.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            counts[(object["department"] as? String) ?? "∅", default: 0] += 1  // null shows as ∅
        }
        let total = counts.values.reduce(0, +)
        // Most frequent first; equal counts: null first, then by name.
        let order = counts.keys.sorted { a, b in
            if counts[a]! != counts[b]! { return counts[a]! > counts[b]! }
            if (a == "∅") != (b == "∅") { return a == "∅" }
            return a < b
        }

        try session.send("l", "l", "l")
        #expect(try session.waitForCursor { _, cell in order.contains(cell) }.met)
        try session.send("F")
        let sheet = try session.waitForScreen { statusLine($0).contains("frequency sheet  row 1 of \(counts.count)") }
        try #require(sheet.met, "no frequency sheet:\n\(shown(sheet.screen))")
        let screen = sheet.screen
        #expect(screen.contains { $0.contains("Frequency of department in instructor") }, "\(shown(screen))")
        // Each department on its own line, in order, with its count.
        var lastLine = -1
        for department in order {
            let line = try #require(screen.firstIndex { line in
                let cells = line.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }
                return cells.contains(department) && cells.contains(String(counts[department]!))
            }, "no line for \(department) (\(counts[department]!)):\n\(shown(screen))")
            #expect(line > lastLine, "\(department) out of order:\n\(shown(screen))")
            lastLine = line
        }
        #expect(screen.contains { $0.contains("████") })

        // Esc: back to instructor, the cursor on the department cell of row 1.
        try session.send("Escape")
        let back = try session.waitForScreen { statusLine($0).contains("instructor  row 1 of \(total)") }
        #expect(back.met, "Esc did not go back:\n\(shown(back.screen))")
        #expect(try session.waitForCursor { _, cell in order.contains(cell) }.met)

        // F again, the second line, Enter: the table filtered to that department.
        let second = order[1]
        try session.send("F")
        #expect(try session.waitForScreen { statusLine($0).contains("frequency sheet  row 1 of ") }.met)
        try session.send("j", "Enter")
        let filtered = try session.waitForScreen {
            statusLine($0).contains("instructor  row 1 of \(counts[second]!) (filtered from \(total))")
        }
        #expect(filtered.met, "Enter did not filter to \(second):\n\(shown(filtered.screen))")
        let rows = filtered.screen.filter { $0.contains("║") && !$0.contains("id* ") }
        #expect(rows.count == counts[second]!, "\(shown(filtered.screen))")
        #expect(rows.allSatisfy { $0.contains(second) }, "\(shown(filtered.screen))")
        try session.quit()
    }

    @Test(": runs SQL at 80x24: the result as a sheet, Esc back; Enter on a row with a key opens the record")
    func querySheet() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "instructor", width: 80, height: 24)
        defer { session.stop() }
        let select = try Programs.linedb(["select", db, "instructor"])
        try #require(select.status == 0, "\(select)")
        let departments = Set(select.stdout.split(separator: "\n").map { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["department"] as? String
        })
        try session.send(":")
        try session.send(["-l", "SELECT department, count(*) AS n FROM instructor GROUP BY department ORDER BY n DESC"])
        try session.send("Enter")
        let sheet = try session.waitForScreen { statusLine($0).contains("query sheet  row 1 of \(departments.count)") }
        #expect(sheet.met, "no query sheet:\n\(shown(sheet.screen))")
        #expect(sheet.screen.contains { $0.contains("Query: SELECT department, count(*)") }, "\(shown(sheet.screen))")
        try session.send("Escape")
        #expect(try session.waitForScreen { statusLine($0).contains("instructor  row 1 of ") }.met)

        try session.send(":")
        try session.send(["-l", "SELECT name, id FROM student WHERE id IN (7, 9) ORDER BY id"])
        try session.send("Enter")
        #expect(try session.waitForScreen { statusLine($0).contains("query sheet  row 1 of 2") }.met)
        try session.send("j", "Enter")
        let opened = try session.waitForScreen { statusLine($0).contains("student  row ") }
        #expect(opened.met, "Enter did not open student 9:\n\(shown(opened.screen))")
        let cursor = try session.waitForCursor { _, cell in cell == "9" }
        #expect(cursor.met, "the cursor is not on student 9: \(String(describing: cursor.cursor))\n\(shown(cursor.screen))")
        try session.quit()
    }
}
