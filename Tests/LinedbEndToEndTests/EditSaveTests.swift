import Foundation
import Testing

/// Changing records from the keyboard of the real browser and saving them: what reaches `data/<table>.records` and
/// `wal/transaction.log`.
@Suite(
    "linedb browse in a terminal: edit, add, delete, save; the files on disk", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct EditSaveTests {
    /// The records of a table as the records file holds them, by key.
    private func records(_ db: String, _ table: String) throws -> [Int: [String: Any]] {
        var byKey: [Int: [String: Any]] = [:]
        for record in try jsonLines(db + "/data/\(table).records") {
            if let id = intValue(record["id"]) { byKey[id] = record }
        }
        return byKey
    }

    /// The WAL entries written after the first `skipping` ones.
    private func walEntries(_ db: String, after skipping: Int) throws -> [[String: Any]] {
        Array(try jsonLines(db + "/wal/transaction.log").dropFirst(skipping))
    }

    @Test("e edits a cell in place, Enter accepts it (pending), s saves: the records file and an UPDATE in the WAL")
    func editCellThenSave() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course")
        defer { session.stop() }
        let walBefore = try jsonLines(db + "/wal/transaction.log").count
        let recordsBefore = scratch.read("uni/data/course.records")

        // The title of course 1: the line editor starts with the value, the cursor at its end.
        try session.send("Right", "Right")
        try #require(try session.waitForCursor { _, cell in cell == "Seminar in Mathematics" }.met)
        try session.send("e")
        let editing = try session.waitForScreen { $0.last?.hasPrefix("Editing title") ?? false }
        #expect(editing.met, "no line editor:\n\(shown(editing.screen))")
        try session.send("-l", " Edited")
        try session.send("Enter")
        let pending = try session.waitForScreen { screen in
            statusLine(screen).contains("1 pending") && screen.contains { $0.contains("Seminar in Mathematics Edited") }
        }
        #expect(pending.met, "the edit is not pending:\n\(shown(pending.screen))")
        // Pending only: nothing on disk yet.
        #expect(scratch.read("uni/data/course.records") == recordsBefore)
        #expect(try jsonLines(db + "/wal/transaction.log").count == walBefore)

        try session.send("s")
        let saved = try session.waitForText("saved 1 change")
        #expect(saved.met, "\(shown(saved.screen))")
        #expect(!statusLine(saved.screen).contains("pending"), "\(statusLine(saved.screen))")
        // The WAL pane shows the new entry.
        #expect(saved.screen.contains { $0.contains("UPDATE") && $0.contains("course") && $0.contains("id=1") },
            "\(shown(saved.screen))")

        // On disk: the records file has the new title (and only that changed)...
        let course = try records(db, "course")
        #expect(course.count == 60)
        #expect(course[1]?["title"] as? String == "Seminar in Mathematics Edited", "\(course[1] ?? [:])")
        #expect(course[1]?["code"] as? String == "MA101")
        #expect(course[2]?["title"] as? String == "Topics in Physics")
        // ...and the WAL one UPDATE of course 1 with the new value, committed.
        let entries = try walEntries(db, after: walBefore)
        let updates = entries.filter { $0["operation"] as? String == "UPDATE" }
        #expect(updates.count == 1, "\(entries)")
        let update = try #require(updates.first)
        #expect(update["table"] as? String == "course")
        let record = update["record"] as? [String: Any]
        #expect(intValue(record?["id"]) == 1 && record?["title"] as? String == "Seminar in Mathematics Edited",
            "\(update)")
        #expect((update["old_record"] as? [String: Any])?["title"] as? String == "Seminar in Mathematics", "\(update)")
        #expect(entries.last?["operation"] as? String == "COMMIT", "\(entries)")
        // Another process reads the change.
        let select = try Programs.linedb(["select", db, "course", "--where", "id=1"])
        #expect(select.stdout.contains("Seminar in Mathematics Edited"), "\(select)")

        try session.quit()  // nothing pending: quits at once
    }

    @Test("a adds a record (a form, the key auto-assigned), d y deletes another, s saves: records file and WAL")
    func addAndDeleteThenSave() throws {
        let scratch = Scratch()
        let (session, db) = try openDemoBrowser(scratch, table: "course")
        defer { session.stop() }
        let walBefore = try jsonLines(db + "/wal/transaction.log").count

        // The form: one field per column, defaults filled in, the key already assigned (61).
        try session.send("a")
        // The whole form, not only its title: tmux may be read while curses is still drawing it.
        let form = try session.waitForScreen { screen in
            screen.contains { $0.contains("Add a record to course") } && (screen.last ?? "").contains("Enter add")
        }
        #expect(form.met, "no form:\n\(shown(form.screen))")
        #expect(form.screen.contains { $0.contains("id (int)*") && $0.contains("61") }, "\(shown(form.screen))")
        #expect(form.screen.contains { $0.contains("credits (int)") && $0.contains("5") }, "\(shown(form.screen))")
        let hint = form.screen.last ?? ""
        #expect(hint.contains("Tab") && hint.contains("Enter add"), "\(hint)")
        // Enter with the NOT NULL code and title empty is refused, naming the column.
        try session.send("Enter")
        let refused = try session.waitForScreen { s in  // both: tmux may be read mid-frame
            s.contains { $0.contains("code: may not be null") }
        }
        #expect(refused.met, "\(shown(refused.screen))")
        // The focus is on code (the first field after the assigned key): type it, Tab, the title, Enter.
        try session.send("-l", "ZZ900")
        let typed = try session.waitForScreen { $0.contains { $0.contains("code (str)") && $0.contains("ZZ900") } }
        #expect(typed.met, "the code was not typed into its field:\n\(shown(typed.screen))")
        try session.send("Tab")
        try session.send("-l", "Added Course")
        let typedTitle = try session.waitForScreen {
            $0.contains { $0.contains("title (str)") && $0.contains("Added Course") }
        }
        #expect(typedTitle.met, "\(shown(typedTitle.screen))")
        try session.send("Enter")
        let added = try session.waitForScreen { screen in
            statusLine(screen).contains("1 pending") && statusLine(screen).contains("row 61 of 61")
                && screen.contains { $0.contains("61 ║") && $0.contains("ZZ900") && $0.contains("Added Course") }
        }
        #expect(added.met, "the record was not added:\n\(shown(added.screen))")

        // Delete course 5 (MU105): g, 4 × Down, d, and y to the question.
        try session.send("g", "Down", "Down", "Down", "Down")
        try #require(try session.waitForCursor { line, _ in line.contains("MU105") }.met)
        try session.send("d")
        let question = try session.waitForScreen { $0.last?.contains("Delete record 5 of course?") ?? false }
        #expect(question.met, "no confirmation:\n\(shown(question.screen))")
        try session.send("y")
        let deleted = try session.waitForScreen { statusLine($0).contains("2 pending") }
        #expect(deleted.met, "\(shown(deleted.screen))")
        #expect(try records(db, "course")[5] != nil, "deleted before saving")

        try session.send("s")
        let saved = try session.waitForText("saved 2 changes")
        #expect(saved.met, "\(shown(saved.screen))")
        #expect(statusLine(saved.screen).contains("of 60"), "\(statusLine(saved.screen))")
        #expect(!saved.screen.contains { $0.contains("MU105") }, "\(shown(saved.screen))")

        // On disk: 60 records, 61 with what was typed and the defaults, 5 gone.
        let course = try records(db, "course")
        #expect(course.count == 60)
        #expect(course[5] == nil, "\(course[5] ?? [:])")
        let new = try #require(course[61], "no record 61 in the records file")
        #expect(new["code"] as? String == "ZZ900" && new["title"] as? String == "Added Course", "\(new)")
        #expect(intValue(new["credits"]) == 5 && new["online"] as? Bool == false, "defaults: \(new)")
        // The WAL: an INSERT of 61 and a DELETE of 5, then a COMMIT.
        let entries = try walEntries(db, after: walBefore)
        let operations = entries.compactMap { $0["operation"] as? String }
        #expect(operations.sorted() == ["COMMIT", "DELETE", "INSERT"], "\(operations)")
        #expect(operations.last == "COMMIT")
        let insert = entries.first { $0["operation"] as? String == "INSERT" }
        #expect(insert?["table"] as? String == "course")
        #expect(intValue((insert?["record"] as? [String: Any])?["id"]) == 61, "\(insert ?? [:])")
        #expect((insert?["record"] as? [String: Any])?["code"] as? String == "ZZ900")
        let delete = entries.first { $0["operation"] as? String == "DELETE" }
        #expect(delete?["table"] as? String == "course")
        #expect(intValue((delete?["old_record"] as? [String: Any])?["id"]) == 5, "\(delete ?? [:])")
        #expect((delete?["old_record"] as? [String: Any])?["code"] as? String == "MU105")

        try session.quit()
    }
}
