import Foundation
import LineDB
import LineDBBrowser

/// The command palette, the WAL pane's cursor and the mouse on the big table (`--palette`, issue 14 items 17, 18,
/// 20): each key from `handle` to a rendered frame (state, scroll to the cursor, render; no curses output), at
/// 80x24 and 160x50, with the big table open in the grid and the WAL pane full (1,000 entries, its limit).
extension Benchmark {
    func palette() throws {
        report.section("Command palette, WAL pane and mouse on \(grouped(Double(n))) records (issue 14)")
        try prepareBrowserDB()
        MallocTuning.apply()  // as linedb's main does
        let entries = try paletteWALEntries()
        let db = try Database(path: browserDB)
        defer { try? db.close() }
        var byLabel: [(String, Samples)] = []
        for (rows, columns) in [(24, 80), (50, 160)] {
            var state = BrowserState(databaseName: "bench", isReadOnly: false, context: db)
            state.viewport = (rows, columns)
            state.appendWAL(entries)
            var samples: [String: Samples] = [:]
            var order: [String] = []
            func press(_ key: Key, _ label: String?) {
                let (_, t) = timed {
                    _ = state.handle(key, context: db)
                    state.scrollToCursor()
                    _ = Renderer.render(state)
                }
                guard let label else { return }
                if samples[label] == nil { order.append(label) }
                samples[label, default: Samples()].add(t)
            }
            press(.enter, nil)  // the big table in the grid
            let grid = state.layout.grid
            for round in 0..<20 {
                press(.character(" "), "Space: open the palette")
                for c in "sort-desc" { press(.character(c), "palette: a letter typed") }
                press(.down, "palette: ↓")
                press(.up, "palette: ↑")
                press(.escape, "palette: Esc")
                let click = MouseEvent(.press(button: 0), row: grid.row + 2 + round % 10, column: grid.column + 12)
                press(.mouse(click), "mouse: click a grid cell")
                press(.mouse(MouseEvent(.wheelDown, row: grid.row + 4, column: grid.column + 12)),
                      "mouse: wheel over the grid")
            }
            while state.focus != .wal { press(.tab, nil) }
            for _ in 0..<50 { press(.character("k"), "WAL pane: k (its cursor up)") }
            for _ in 0..<20 {
                press(.enter, "WAL pane: Enter (the entry view)")
                press(.escape, "WAL pane: Esc (back)")
            }
            press(.character("f"), "WAL pane: f (its filter prompt)")
            for c in "op=update" { press(.character(c), nil) }
            press(.enter, "WAL pane: Enter (filter applied)")
            for _ in 0..<50 { press(.character("k"), "WAL pane: k, filtered") }
            for label in order { byLabel.append(("\(columns)x\(rows) " + label, samples[label]!)) }
        }
        report.line("in this process, the big table open, \(entries.count) WAL entries in the pane; from the key to "
            + "the frame (state + render, no curses output):")
        for (label, s) in byLabel {
            report.line("  \(pad(label, 46)) median \(right(duration(s.median), 9))   max \(right(duration(s.max), 9))"
                + "   (\(s.count) keys)")
            // The summary's figure is the median, as elsewhere; the max (above) is mostly the shared VM's scheduling.
            report.add(SummaryRow(measurement: "browser: \(label)", lineDB: duration(s.median), sqlite: "",
                                  ratio: "", target: "≤ 16 ms", met: s.median <= 0.016))
        }
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }

    /// 1,000 WAL entries (inserts, then updates, of another database of the same table), as the pane holds them.
    private func paletteWALEntries() throws -> [WALEntry] {
        let path = browserDB + "-wal-entries"
        removeTree(path)
        defer { removeTree(path) }
        let side = try Database(path: path)
        try side.createTable(try Students.schema())
        for i in 0..<600 {
            try side.insert(Students.table, ["name": .string("Student \(i)"), "email": .string("s\(i)@bench"),
                                             "gpa": .double(2.5), "active": .bool(true)])
        }
        for i in 1...400 { try side.update(Students.table, key: .int(i), set: ["gpa": .double(3.5)]) }
        try side.close()
        return Array(try Database.readWAL(path: path + "/wal/transaction.log").suffix(1000))  // (the pane's limit)
    }
}
