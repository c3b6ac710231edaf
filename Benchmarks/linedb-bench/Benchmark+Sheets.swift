import LineDB
import LineDBBrowser

/// The browser's sheets on the big table (`--sheets`, issue 13): a frequency sheet (`F`) of a column with a few
/// hundred values, of one with a value per record and of a number column; the describe sheet (`I`); Esc back to the
/// table; Esc while a frequency sheet is counted. Each from the key to the frame that shows it, and the longest
/// time between two frames while it is counted (the most a key typed meanwhile waits before it is handled).
extension Benchmark {
    func sheets() throws {
        report.section("Browser sheets on \(grouped(Double(n))) records (issue 13)")
        try prepareBrowserDB()
        MallocTuning.apply()  // as linedb's main does
        let db = try Database(path: browserDB)
        let probe = BrowserProbe(script: BrowserProbe.sheetScript())
        _ = try BrowserApp(database: db).run(on: probe)
        try db.close()
        var byLabel: [String: Samples] = [:]
        for (label, seconds) in probe.latencies { byLabel[label, default: Samples()].add(seconds) }
        report.line("in this process, \(BrowserProbe.rows)x\(BrowserProbe.columns) in memory, "
            + "\(BrowserProbe.opRepeats) times each; from the key to the frame (state + render, no curses output):")
        for label in BrowserProbe.sheetOps {
            for part in ["first frame", "whole operation", "longest frame gap"] {
                let s = byLabel[label + ": " + part] ?? Samples()
                report.line("  \(pad(label, 44)) \(pad(part, 18)) median \(right(duration(s.median), 9))   "
                    + "max \(right(duration(s.max), 9))")
                let target = part == "whole operation" ? (label.hasPrefix("F") ? "≤ 0.5 s" : "") : "≤ 16 ms"
                let met: Bool? = target.isEmpty ? nil : s.median <= (part == "whole operation" ? 0.5 : 0.016)
                report.add(SummaryRow(measurement: "sheets: \(label): \(part)", lineDB: duration(s.median),
                    sqlite: "", ratio: "", target: target, met: met))
            }
        }
        for label in [BrowserProbe.sheetBack, BrowserProbe.sheetMove, BrowserProbe.sheetCancel] {
            let s = byLabel[label] ?? Samples()
            report.line("  \(pad(label, 44)) \(pad("to the next frame", 18)) median \(right(duration(s.median), 9))   "
                + "max \(right(duration(s.max), 9))")
            report.add(SummaryRow(measurement: "sheets: \(label)", lineDB: duration(s.median), sqlite: "", ratio: "",
                target: "≤ 16 ms", met: s.median <= 0.016))
        }
        for note in probe.notes { report.line("  screen: \(note)") }
        let peer = "sqlite3 '\(browserSQLite)' '\(BrowserProbe.groupBy)' >/dev/null"
        if fileSize(browserSQLite) > 0, let t = shellTime(peer) {
            report.line("  peer: the query sheet's query in the sqlite3 shell on a native copy: \(duration(t))")
        }
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }
}

extension BrowserProbe {
    static let frequencyName = "F frequency of name (hundreds of values)"
    static let frequencyEmail = "F frequency of email (a value per record)"
    static let frequencyGPA = "F frequency of gpa (301 values)"
    static let describe = "I describe (6 columns)"
    static let groupBy = "SELECT name, count(*) AS n FROM student GROUP BY name ORDER BY n DESC"
    static let querySheet = ": query sheet (GROUP BY name, count)"
    static let sheetOps = [frequencyName, frequencyEmail, frequencyGPA, describe, querySheet]
    static let sheetBack = "Esc: sheet → table"
    static let sheetMove = "j on a frequency sheet"
    static let sheetCancel = "Esc during F frequency of id"

    /// The keys of `--sheets`: each sheet ``opRepeats`` times, Esc back after each.
    static func sheetScript() -> [Step] {
        var script: [Step] = [.key(.right, nil)]
        for _ in 0..<opRepeats {
            script += [.key(.character("0"), nil), .key(.character("l"), nil)]
            script += [.op(.character("F"), frequencyName)]
            script += Array(repeating: .key(.character("j"), sheetMove), count: 20)
            script += [.key(.escape, sheetBack), .key(.character("l"), nil)]
            script += [.op(.character("F"), frequencyEmail), .key(.escape, sheetBack), .key(.character("l"), nil)]
            script += [.op(.character("F"), frequencyGPA), .key(.escape, sheetBack)]
            script += [.op(.character("I"), describe), .key(.escape, sheetBack), .key(.character("0"), nil)]
            script.append(.cancel(.character("F"), sheetCancel, frames: 3))
            script += (":" + groupBy).map { .key(.character($0), nil) }
            script += [.op(.enter, querySheet), .key(.escape, sheetBack)]
        }
        script.append(.key(.character("q"), nil))
        return script
    }
}
