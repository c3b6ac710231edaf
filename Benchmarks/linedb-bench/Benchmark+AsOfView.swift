import Foundation
import LineDB
import LineDBBrowser

/// The browser's as-of view on a big table (issue 15: stepping one entry ≤ 16 ms at 1M rows): the view is built
/// once as the browser builds it (``Database/pastStepper(asOf:)``, on its thread), shown, then `,` steps back and
/// `.` forwards, each timed from the key to the frame (the state's handling and the render, no curses output).
///
/// `--history` calls ``AsOfViewBench/measure(databasePath:table:entriesBack:steps:)`` on its database;
/// `--as-of-view DIR` runs it alone (creating DIR, 1M records then 2,000 updates, when it does not exist).
enum AsOfViewBench {
    struct Result {
        /// Rows of the table shown, and the LSN the view opened at.
        var rows: Int
        var lsn: Int
        /// The build (the browser's background thread) and the first frame of the past (the main thread).
        var build: Double
        var show: Double
        /// Each step, key to frame; and the state's handling of the key alone (the step, without the render).
        var steps: Samples
        var handling: Samples
    }

    /// Opens `databasePath` read-only, views `table` as of `entriesBack` entries before now, then steps back
    /// `steps` times and forwards as many.
    static func measure(databasePath: String, table: String = "student", entriesBack: Int = 1000, steps: Int = 200)
        throws -> Result
    {
        var options = DatabaseOptions()
        options.readOnly = true
        let db = try Database(path: databasePath, options: options)
        defer { try? db.close() }
        var state = BrowserState(databaseName: "bench", isReadOnly: true, context: db)
        state.viewport = (24, 80)
        if let i = state.tables.firstIndex(where: { $0.name == table }) {
            for _ in 0..<i { _ = state.handle(.down, context: db) }
        }
        _ = state.handle(.enter, context: db)
        let now = try db.historyFiles().reach.latestLSN
        let target = max(try db.historyFiles().reach.earliestLSN, now - entriesBack)
        var effects = state.handle(.character(" "), context: db)
        for c in "as-of" { effects += state.handle(.character(c), context: db) }
        effects += state.handle(.enter, context: db)
        for c in "\(target)" { effects += state.handle(.character(c), context: db) }
        effects += state.handle(.enter, context: db)
        guard case .buildAsOf(let moment, let generation)? = effects.last else {
            throw LineDBError.invalidInput(reason: "the palette's as-of asked for no build: \(state.message)")
        }
        var (built, build) = try timed { Optional(try db.pastStepper(asOf: moment)) }
        let (_, show) = timed {
            state.asOfBuilt(built!, generation: generation, context: db)
            built = nil  // (the state's is then the only copy: a step changes its rows in place, as in the browser)
            state.scrollToCursor()
            _ = Renderer.render(state)
        }
        guard state.isViewingPast else { throw LineDBError.invalidInput(reason: "not shown: \(state.message)") }
        var samples = Samples()
        var handling = Samples()
        for key in [Character(","), Character(".")] {
            for _ in 0..<steps {
                let start = nowNanos()
                _ = state.handle(.character(key), context: db)
                state.scrollToCursor()
                let handled = nowNanos()
                _ = Renderer.render(state)
                let drawn = nowNanos()
                handling.add(Double(handled - start) / 1e9)
                samples.add(Double(drawn - start) / 1e9)
            }
        }
        return Result(rows: state.table?.rows.count ?? 0, lsn: target, build: build, show: show, steps: samples,
                      handling: handling)
    }

    /// Prints a measurement (`--history` and `--as-of-view`).
    static func print(_ r: Result, into report: Report) {
        report.line("as-of view of \(grouped(Double(r.rows))) rows at lsn \(r.lsn): build \(duration(r.build)) "
            + "(background), first frame \(duration(r.show))")
        report.line("  step , / . (key to frame), \(r.steps.count) steps: median \(duration(r.steps.median)), "
            + "worst \(duration(r.steps.max)); the step alone (no render): median \(duration(r.handling.median)), "
            + "worst \(duration(r.handling.max))")
        report.add(SummaryRow(measurement: "as-of view: one step , .", lineDB: duration(r.steps.median), sqlite: "",
            ratio: "", target: "≤ 16 ms", met: r.steps.median <= 0.016))
    }

    /// `--as-of-view DIR`: the measurement alone, on DIR (created when missing: `records` records inserted and
    /// checkpointed, so that they are an archive, then 2,000 updates in the live WAL).
    static func runStandalone(_ dir: String, records: Int) -> Never {
        do {
            if !FileManager.default.fileExists(atPath: dir) {
                var options = DatabaseOptions()
                options.syncMode = .off
                let db = try Database(path: dir, options: options)
                try db.createTable(Students.schema())
                var i = 0
                while i < records {
                    let n = min(100_000, records - i)
                    try db.insert(Students.table, records: Students.records(i..<(i + n)))
                    i += n
                }
                try db.checkpoint()
                for k in 0..<2000 {
                    try db.update(Students.table, key: .int(1 + (k * 7919) % records), set: ["gpa": .double(Double(k % 40) / 10)])
                }
                try db.close()
            }
            let report = Report()
            report.section("Browser as-of view (issue 15)")
            print(try measure(databasePath: dir), into: report)
            report.printSummary()
        } catch {
            printError("linedb-bench: \(error)")
            exit(1)
        }
        exit(0)
    }
}
