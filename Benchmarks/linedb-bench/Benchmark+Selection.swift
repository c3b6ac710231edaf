import LineDB
import LineDBBrowser

/// Row selection and bulk edits on the big table (part of `--browser`, issue 14 item 14): `t` per key; `*` selecting
/// every row and the rows matching a search; `~` inverting; `U`; `b` setting a column in every selected row; `d`
/// deleting them; undo of a bulk set; Esc during `*` and `b`. Each from the key to the frame that shows it done, the
/// longest time between two frames while it runs, and `j` pressed while it runs (in this process, as `--sheets`).
extension Benchmark {
    /// `--selection`: the database of `--browser` (built or reused), then ``selectionRuns()``.
    func selection() throws {
        try prepareBrowserDB()
        try selectionRuns()
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }

    func selectionRuns() throws {
        report.section("Browser selection and bulk edits on \(grouped(Double(n))) records (issue 14)")
        MallocTuning.apply()
        let db = try Database(path: browserDB)
        let probe = BrowserProbe(script: BrowserProbe.selectionScript())
        _ = try BrowserApp(database: db).run(on: probe)
        try db.close()
        var byLabel: [String: Samples] = [:]
        for (label, seconds) in probe.latencies { byLabel[label, default: Samples()].add(seconds) }
        report.line("in this process, \(BrowserProbe.rows)x\(BrowserProbe.columns) in memory, "
            + "\(BrowserProbe.opRepeats) times each; from the key to the frame (state + render, no curses output):")
        for label in BrowserProbe.selectionKeys {
            let s = byLabel[label] ?? Samples()
            report.line("  \(pad(label, 44)) \(pad("to the next frame", 18)) median \(right(duration(s.median), 9))   "
                + "max \(right(duration(s.max), 9))")
            report.add(SummaryRow(measurement: "selection: \(label)", lineDB: duration(s.median), sqlite: "",
                ratio: "", target: "≤ 16 ms", met: s.median <= 0.016))
        }
        for label in BrowserProbe.selectionOps {
            for part in ["first frame", "whole operation", "longest frame gap"] {
                let s = byLabel[label + ": " + part] ?? Samples()
                report.line("  \(pad(label, 44)) \(pad(part, 18)) median \(right(duration(s.median), 9))   "
                    + "max \(right(duration(s.max), 9))")
                let target = part == "whole operation" ? "" : "≤ 16 ms"
                report.add(SummaryRow(measurement: "selection: \(label): \(part)", lineDB: duration(s.median),
                    sqlite: "", ratio: "", target: target, met: target.isEmpty ? nil : s.median <= 0.016))
            }
        }
        let busy = byLabel[BrowserProbe.keyWhileBusyLabel] ?? Samples()
        report.line("  \(pad("j while * / ~ / b / d run", 44)) \(pad("to the next frame", 18)) median "
            + "\(right(duration(busy.median), 9))   max \(right(duration(busy.max), 9))")
        report.add(SummaryRow(measurement: "selection: j while * / ~ / b / d run", lineDB: duration(busy.median),
            sqlite: "", ratio: "", target: "≤ 16 ms", met: busy.median <= 0.016))
        for label in BrowserProbe.selectionCancels {
            let s = byLabel[label] ?? Samples()
            report.line("  \(pad(label, 44)) \(pad("to the next frame", 18)) median \(right(duration(s.median), 9))")
            report.add(SummaryRow(measurement: "selection: \(label)", lineDB: duration(s.median), sqlite: "",
                ratio: "", target: "≤ 16 ms", met: s.median <= 0.016))
        }
        for note in probe.notes { report.line("  screen: \(note)") }
    }
}

extension BrowserProbe {
    static let selectToggle = "t (select the row, move down)"
    static let selectClear = "U (clear a selection of every row)"
    static let selectUndo = "u (undo a bulk set of every row)"
    static let movePending = "j with a million changes pending"
    static let selectKeys = [selectToggle, selectClear, movePending, selectUndo]
    static let selectAll = "* select every row (no search)"
    static let selectMatches = "* select the rows matching \"\(filter)\""
    static let invertAll = "~ invert the selection (every row)"
    static let bulkSet = "b set gpa in every selected row"
    static let bulkDelete = "d y delete the selected rows"
    static let selectionOps = [selectAll, selectMatches, invertAll, bulkSet, bulkDelete]
    static let selectionCancels = ["Esc during * (every row)", "Esc during b (every row)"]
    static var selectionKeys: [String] { selectKeys }

    /// The keys of the selection run: each operation ``opRepeats`` times, `j` pressed while it runs.
    static func selectionScript() -> [Step] {
        var script: [Step] = [.key(.right, nil)]
        func typed(_ text: String) { script += text.map { .key(.character($0), nil) } }
        for _ in 0..<opRepeats {
            script += [.key(.character("g"), nil), .key(.character("0"), nil)]
            script += Array(repeating: .key(.character("t"), selectToggle), count: 20)
            script.append(.opWithKeys(.character("*"), selectAll, keys: 8))
            script.append(.key(.character("U"), selectClear))
            typed("/" + filter)
            script += [.key(.enter, nil)]
            script.append(.opWithKeys(.character("*"), selectMatches, keys: 8))
            script += [.key(.escape, nil), .key(.character("g"), nil)]
            script.append(.opWithKeys(.character("~"), invertAll, keys: 8))
            // gpa is the fourth column; every row is selected but the matches of the search.
            script += [.key(.character("0"), nil), .key(.character("l"), nil), .key(.character("l"), nil),
                       .key(.character("l"), nil), .key(.character("b"), nil)]
            typed("3.5")
            script.append(.opWithKeys(.enter, bulkSet, keys: 8))
            script += Array(repeating: .key(.character("j"), movePending), count: 10)
            script.append(.key(.character("u"), selectUndo))
            script += [.key(.character("b"), nil)]
            typed("1.5")
            script.append(.cancel(.enter, selectionCancels[1], frames: 3))
            script += [.key(.character("U"), nil), .cancel(.character("*"), selectionCancels[0], frames: 3)]
            script += [.key(.character("*"), nil), .key(.character("d"), nil)]
            script.append(.opWithKeys(.character("y"), bulkDelete, keys: 8))
            script += [.key(.character("u"), nil), .key(.character("U"), nil)]
        }
        script += [.key(.character("q"), nil), .key(.character("d"), nil)]
        return script
    }
}
