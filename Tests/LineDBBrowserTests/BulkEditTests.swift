import LineDB
import Testing
@testable import LineDBBrowser

/// `b` sets a column in every selected row, `d` with rows selected deletes them: pending like every edit, one undo
/// step, one save; refused values change nothing; over many rows in slices that Esc cancels without a trace.
@Suite("Browser bulk edits of the selected rows: b and d")
struct BulkEditTests {
    /// A driver on the students, rows with these ids selected with `t`, the cursor back on the first row.
    private func selecting(_ ids: [Int], students: Int = 20) throws -> Driver {
        var d = Driver(try Fixture.memory(studentCount: students), columns: 100)
        d.press(.enter)
        for id in ids {
            d.press(.character("g"))
            d.press([Key](repeating: .character("j"), count: id - 1))
            d.press(.character("t"))
        }
        d.press(.character("g"))
        return d
    }

    private func value(_ d: Driver, id: Int, column: Int) -> JSONValue? {
        guard let table = d.state.table, let r = table.rowIndex(forKey: .int(id)) else { return nil }
        return table.rows[r][column]
    }

    @Test("b asks for a value naming the column and the count; Enter sets it in every selected row, pending, one undo step")
    func setSelected() throws {
        var d = try selecting([2, 5, 9])
        d.press(.character("l"), .character("l"), .character("l"))  // gpa
        let before = (1...20).map { value(d, id: $0, column: 3) }
        d.press(.character("b"))
        #expect(d.hints.hasPrefix("Set gpa in 3 selected rows"), "\(d.hints)")
        d.type("4.0")
        d.press(.enter)
        for id in 1...20 {
            #expect(value(d, id: id, column: 3) == ([2, 5, 9].contains(id) ? .double(4.0) : before[id - 1]), "id \(id)")
        }
        #expect(d.state.pending.count == 3)
        #expect(Set(d.state.pending.map(\.group)).count == 1 && d.state.pending[0].group != nil, "one group")
        #expect(d.state.message.contains("in 3 records"), "\(d.state.message)")
        #expect(d.lines.joined().contains("3 pending"))
        // One undo step takes all three back; redo puts them back.
        d.press(.character("u"))
        #expect(d.state.pending.isEmpty)
        #expect((1...20).map { value(d, id: $0, column: 3) } == before)
        d.press(.control("r"))
        #expect(d.state.pending.count == 3 && value(d, id: 5, column: 3) == .double(4.0))
        // Saving: one effect carrying the three changes (written as one transaction).
        d.press(.character("s"))
        guard case .save(let changes, _)? = d.effects.last else { Issue.record("no save"); return }
        #expect(changes.count == 3 && changes.allSatisfy { $0.operation == "UPDATE" })
    }

    @Test("d with rows selected asks for the N selected records, deletes them as one undo step, and clears the selection")
    func deleteSelected() throws {
        var d = try selecting([3, 4, 12])
        d.press(.character("l"))
        filter(&d, "José")  // ids 4 and 14: two of the selected are outside the view
        d.press(.character("d"))
        #expect(d.hints.contains("Delete the 3 selected records of student (2 not in this view)"), "\(d.hints)")
        d.press(.character("n"))
        #expect(d.state.pending.isEmpty && d.state.selection.count == 3)
        d.press(.character("d"), .character("y"))
        #expect(d.state.pending.count == 3 && d.state.pending.allSatisfy { $0.operation == "DELETE" })
        #expect(Set(d.state.pending.map(\.key)) == [.int(3), .int(4), .int(12)])
        #expect(d.state.selection.isEmpty)
        #expect(d.state.table?.liveCount == 17)
        d.press(.character("u"))
        #expect(d.state.pending.isEmpty && d.state.table?.liveCount == 20)
        // Without a selection, d deletes the record under the cursor, as before.
        d.press(.control("f"), .character("g"), .character("d"))
        #expect(d.hints.contains("Delete record 1 of student"), "\(d.hints)")
    }

    @Test("Refused: a value of the wrong type, null in NOT NULL, one value for a UNIQUE column, the key; nothing selected; read-only")
    func refusals() throws {
        var d = try selecting([2, 5])
        d.press(.character("l"), .character("l"), .character("l"))  // gpa
        d.press(.character("b"))
        d.type("high")
        d.press(.enter)
        #expect(d.state.messageIsError && d.state.pending.isEmpty)
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("the prompt closed"); return }
        #expect(prompt.editor.string == "high", "the typed text is kept to fix")
        d.press(.escape, .character("h"), .character("h"))  // name: NOT NULL
        d.press(.character("b"), .enter)
        #expect(d.state.messageIsError && d.state.message.contains("NOT NULL") && d.state.pending.isEmpty)
        d.press(.escape, .character("l"))  // email: UNIQUE
        d.press(.character("b"))
        d.type("same@uni.edu")
        d.press(.enter)
        #expect(d.state.messageIsError && d.state.message.contains("UNIQUE") && d.state.pending.isEmpty)
        d.press(.escape, .character("0"), .character("b"))  // the key
        #expect(d.state.messageIsError && d.state.message.contains("primary key") && d.state.mode == .normal)
        d.press(.character("U"), .character("l"), .character("b"))
        #expect(d.state.messageIsError && d.state.message.contains("no rows selected") && d.state.mode == .normal)
        var r = Driver(try Fixture.memory(), readOnly: true)
        r.press(.enter, .character("t"), .character("l"), .character("b"))
        #expect(r.state.messageIsError && r.state.message.contains("read-only") && r.state.mode == .normal)
        r.press(.character("d"))
        #expect(r.state.messageIsError && r.state.mode == .normal)
    }

    @Test("A bulk set over many rows runs in slices; Esc while it reads or while it applies leaves no change at all")
    func cancelLeavesNothing() throws {
        var d = Driver(try Fixture.memory(studentCount: 30_000), columns: 100)
        d.press(.enter, .character("*"))  // every row
        #expect(d.state.selection.count == 30_000)
        d.press(.character("l"), .character("l"), .character("l"), .character("b"))
        let before = d.state.table!.rows
        d.type("1.5")
        d.press(.enter)  // (the driver runs the work to its end)
        #expect(d.state.pending.count == before.filter { $0[3] != .double(1.5) }.count)
        d.press(.character("u"))
        #expect(d.state.pending.isEmpty && d.state.table!.rows == before)

        // Again, slice by slice: Esc while the rows are read.
        _ = d.state.handle(.character("b"), context: d.source)
        d.state.type(Array("2.5"))
        _ = d.state.handle(.enter, context: d.source)
        #expect(d.state.selectionJob != nil && d.state.selectionJob?.applying == false)
        _ = d.state.handle(.escape, context: d.source)
        #expect(d.state.selectionJob == nil && d.state.pending.isEmpty && d.state.table!.rows == before)
        #expect(d.state.message.contains("cancelled: nothing changed"), "\(d.state.message)")

        // And while the changes are applied.
        _ = d.state.handle(.character("b"), context: d.source)
        d.state.type(Array("2.5"))
        _ = d.state.handle(.enter, context: d.source)
        while d.state.selectionJob.map({ !$0.applying || $0.applied == 0 }) ?? false {
            d.state.work(until: .now, chunk: 5_000)
        }
        let job = try #require(d.state.selectionJob)
        #expect(job.applied > 0 && job.applied < job.changes.count)
        #expect(d.state.table!.rows == before, "applied to the job's copy: the table shown is unchanged until the end")
        _ = d.state.handle(.escape, context: d.source)
        #expect(d.state.selectionJob == nil && d.state.pending.isEmpty && d.state.table!.rows == before)
        #expect(d.state.redoStack.isEmpty == false, "the undone set is still there to redo")
    }
}

@Suite("Pending changes counted by table")
struct PendingCountTests {
    @Test("With thousands of changes pending, each table's count is right after edits, undo, redo and discard")
    func countsFollowTheList() throws {
        var d = Driver(try Fixture.memory(studentCount: 3_000), columns: 100)
        d.press(.enter, .character("*"), .character("l"), .character("l"), .character("l"), .character("b"))
        d.type("1.5")
        d.press(.enter)
        let n = d.state.pending.count
        #expect(n > 1_000 && d.state.pendingCount(of: "student") == n && d.state.pendingCount(of: "teacher") == 0)
        d.press(.character("g"), .character("e"), .control("u"))
        d.type("2.5")
        d.press(.enter)
        #expect(d.state.pendingCount(of: "student") == n + 1)
        d.press(.character("u"))
        #expect(d.state.pendingCount(of: "student") == n)
        d.press(.character("u"))
        #expect(d.state.pendingCount(of: "student") == 0)
        d.press(.control("r"))
        #expect(d.state.pendingCount(of: "student") == n)
        d.press(.character("D"), .character("y"))
        #expect(d.state.pendingCount(of: "student") == 0)
    }
}
