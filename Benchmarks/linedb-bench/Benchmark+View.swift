import Foundation
import LineDB
import LineDBBrowser

/// The view keys of issue 14 (items 10, 11, 12, 15) on the big table (`--view`): each key from `handle` to the
/// frame rendered (state + scroll + render into a grid, no curses output), at 80x24 and 200x60, in this process,
/// on the database of `--browser` (reused the same way). Targets: ≤ 16 ms per key; the two-column sort (`{` after
/// `[`) runs in slices like every sort, so its whole time is reported, not held against the 16 ms.
extension Benchmark {
    func viewKeys() throws {
        report.section("Browser view keys on \(grouped(Double(n))) records (issue 14: record view, columns, sort, go to)")
        try prepareBrowserDB()
        MallocTuning.apply()  // as linedb's main does
        let db = try Database(path: browserDB)
        for size in [(rows: 24, columns: 80), (rows: 60, columns: 200)] {
            var state = BrowserState(databaseName: "bench", isReadOnly: false, context: db)
            state.viewport = size
            _ = state.handle(.enter, context: db)  // open student, the grid focused
            state.finishWork()
            _ = state.handle(.character("l"), context: db)
            state.scrollToCursor()
            _ = Renderer.render(state)
            let rows = state.view.count
            /// Times `keys` pressed in turn `repeats` times; each key: handle, scroll, render.
            func measure(_ label: String, _ keys: [Key], repeats: Int = 40) {
                var samples = Samples()
                for _ in 0..<repeats {
                    for key in keys {
                        let start = ContinuousClock.now
                        _ = state.handle(key, context: db)
                        state.scrollToCursor()
                        _ = Renderer.render(state)
                        samples.add(seconds(ContinuousClock.now - start))
                    }
                }
                report.line("  " + latencyLine("\(size.columns)x\(size.rows) \(label)", samples))
                report.add(SummaryRow(measurement: "view \(size.columns)x\(size.rows): \(label)",
                    lineDB: duration(samples.median), sqlite: "", ratio: "", target: "≤ 16 ms",
                    met: samples.median <= 0.016))
            }
            measure("- hide column, + show", [.character("-"), .character("+")])
            measure("> widen, < narrow", [.character(">"), .character("<")])
            measure("_ fit column to content", [.character("_")])
            measure("L move column right, H left", [.character("L"), .character("H")])
            measure("v record view, Esc back", [.character("v"), .escape])
            _ = state.handle(.character("v"), context: db)
            measure("J/K next/previous record (record view)", [.character("J"), .character("K")])
            measure("j field down (record view)", [.character("j"), .character("k")])
            _ = state.handle(.escape, context: db)
            measure("Ctrl-D / Ctrl-U half page", [.control("d"), .control("u")])
            measure("# 500000 Enter (go to row)", [.character("#")] + "500000".map { Key.character($0) } + [.enter],
                    repeats: 10)
            measure("@ \(rows / 2) Enter (go to key)",
                    [.character("@")] + "\(rows / 2)".map { Key.character($0) } + [.enter], repeats: 10)
            // The two-column sort, whole (it runs in slices in the app).
            _ = state.handle(.character("l"), context: db)
            var start = ContinuousClock.now
            _ = state.handle(.character("["), context: db)
            state.finishWork()
            let one = seconds(ContinuousClock.now - start)
            _ = state.handle(.character("h"), context: db)
            start = ContinuousClock.now
            _ = state.handle(.character("}"), context: db)
            state.finishWork()
            let two = seconds(ContinuousClock.now - start)
            let message = state.message
            start = ContinuousClock.now
            _ = state.handle(.character("]"), context: db)
            state.finishWork()
            let second = seconds(ContinuousClock.now - start)
            report.line("  \(size.columns)x\(size.rows) sorts, whole (sliced in the app): [ by one column "
                + "\(duration(one)); } adding a second \(duration(two)) (\(message)); ] by the second alone "
                + "\(duration(second))")
            measure("- hide, + show (two-column sort)", [.character("-"), .character("+")])
            measure("@ key in a sorted view", [.character("@")] + "\(rows / 2)".map { Key.character($0) } + [.enter],
                    repeats: 10)
        }
        try db.close()
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
