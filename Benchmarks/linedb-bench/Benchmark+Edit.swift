import Foundation
import LineDB
import LineDBBrowser

/// `--edit-keys`: the editing keys of issue 14 items 6, 7 and 16 on the big table (the database of `--browser`),
/// in this process: from the key to the next frame (state + render, no curses output), each key several times.
extension Benchmark {
    func editKeys() throws {
        report.section("Browser editing keys on \(grouped(Double(n))) records (issue 14 items 7, 16)")
        try prepareBrowserDB()
        let db = try Database(path: browserDB)
        defer { try? db.close() }
        var state = BrowserState(databaseName: "bench", isReadOnly: false, context: db)
        state.viewport = (24, 80)
        var samples: [String: Samples] = [:]
        var handling: [String: Samples] = [:]
        func press(_ key: Key, _ label: String? = nil) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = state.handle(key, context: db)
            state.scrollToCursor()
            let handled = DispatchTime.now().uptimeNanoseconds
            _ = Renderer.render(state)
            let end = DispatchTime.now().uptimeNanoseconds
            if let label {
                samples[label, default: Samples()].add(Double(end - start) / 1e9)
                handling[label, default: Samples()].add(Double(handled - start) / 1e9)
            }
        }
        press(.enter)  // open student, the cursor on record 1
        press(.pageDown)
        press(.right); press(.right); press(.right)  // gpa
        // The first change after opening (or after an undo, which rebuilds the rows from the saved ones) copies the
        // table's row list once (copy on write); the next ones change it in place.
        let labels = ["Delete: gpa to null (pending; first change)", "Delete again on the next row",
                      "u: undo it", "y: copy the cell", "P: paste it (pending)",
                      "Y: copy the record as JSON", "A: duplicate (UNIQUE email: the form opens)",
                      "Esc: close the form", "Ctrl-N then Enter in the cell editor"]
        for _ in 0..<7 {
            press(.delete, labels[0])
            press(.down)
            press(.delete, labels[1])
            press(.character("u"))
            press(.up)
            press(.character("u"), labels[2])
            press(.character("y"), labels[3])
            press(.down)
            press(.character("P"), labels[4])
            press(.character("u"))
            press(.character("Y"), labels[5])
            press(.character("A"), labels[6])
            press(.escape, labels[7])
            press(.character("e"))
            press(.control("n"))
            press(.enter, labels[8])
            press(.character("u"))
        }
        report.line("in this process, 24x80 in memory, 7 times each; from the key to the frame (state + render):")
        for label in labels {
            let s = samples[label] ?? Samples()
            report.line("  \(pad(label, 50)) median \(right(duration(s.median), 9))   max \(right(duration(s.max), 9))"
                + "   (the key itself: \(duration(handling[label]?.median ?? .nan)), the rest drawing the frame)")
            report.add(SummaryRow(measurement: "edit keys: \(label)", lineDB: duration(s.median), sqlite: "",
                                  ratio: "", target: "≤ 16 ms", met: s.median <= 0.016))
        }
        if !state.pending.isEmpty { report.line("  (left pending: \(state.pending.count))") }
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }
}
