import Foundation
import LineDB
import LineDBBrowser

#if canImport(Glibc)
import Glibc
#endif

/// Keys typed at 30 per second while a sort, a filter and a search run on the big table (issue 17; part of
/// `--browser`, alone with `--type-ahead`): each key's latency from `nextKey` to the next frame, grouped by the work
/// running when it was typed, and whether every key was applied: the browser's final state must equal that of the
/// same keys applied one by one, each after the previous one's work was done (what was typed happens, in order).
/// Runs in a child process (`--type-ahead-child PATH`).
extension Benchmark {
    /// `--type-ahead`: builds (or reuses) the browser's database, then ``typeAheadRuns()``.
    func typeAhead() throws {
        report.section("Keys typed ahead at 30/s during work on \(grouped(Double(n))) records (issue 17)")
        try prepareBrowserDB()
        try typeAheadRuns()
        if !options.keep {
            removeTree(browserDB)
            removeSQLite(browserSQLite)
        }
    }

    /// Runs the child over the browser's database and reports its figures.
    func typeAheadRuns() throws {
        let (status, text) = try Benchmark.runChild(["--type-ahead-child", browserDB])
        guard status == 0 else {
            throw BenchError("the type-ahead child failed (status \(status)): \(text.suffix(2000))")
        }
        var latencies: [String: Samples] = [:], fromRead: [String: Samples] = [:]
        var sent = 0, same = false
        var notes: [String] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", maxSplits: 2).map(String.init)
            switch f.first {
            case "TAKEY" where f.count == 3:
                latencies[f[1].replacingOccurrences(of: "_", with: " "), default: Samples()].add(Double(f[2]) ?? .nan)
            case "TAREAD" where f.count == 3:
                fromRead[f[1].replacingOccurrences(of: "_", with: " "), default: Samples()].add(Double(f[2]) ?? .nan)
            case "TASENT" where f.count >= 2: sent = Int(f[1]) ?? 0
            case "TASAME" where f.count >= 2: same = f[1] == "true"
            case "TANOTE": notes.append(String(line.dropFirst(7)))
            default: break
            }
        }
        report.line("\(sent) keys typed at 30 per second (\(TypeAheadProbe.rows)x\(TypeAheadProbe.columns), in "
            + "memory): "
            + "] sort on name with /Wei Enter and 20 j typed behind it; f Wei Enter with [ and 20 j behind it; "
            + "Ctrl-F (sorts every row again) with / an email Enter, n and 10 j behind it; / a text found nowhere "
            + "Enter with 15 j during it, then n and 5 j behind it")
        report.line("latency of each key, from its slot at 30/s (it may wait for a slice of work to end before the "
            + "browser reads it) to the next frame, by the work running when it was typed:")
        for work in TypeAheadProbe.workLabels {
            guard let s = latencies[work], s.count > 0 else { continue }
            report.line("  \(pad("typed during \(work)", 26)) median \(right(duration(s.median), 9))   "
                + "p99 \(right(duration(s.p99), 9))   max \(right(duration(s.max), 9))   (n=\(s.count))")
        }
        report.line("the same from nextKey handing the key out to the next frame (as --browser's per-key figures):")
        for work in TypeAheadProbe.workLabels {
            guard let s = fromRead[work], s.count > 0 else { continue }
            report.line("  \(pad("typed during \(work)", 26)) median \(right(duration(s.median), 9))   "
                + "p99 \(right(duration(s.p99), 9))   max \(right(duration(s.max), 9))   (n=\(s.count))")
        }
        report.line("final state equal to the same keys applied one by one, each after the work before it: \(same)")
        for note in notes { report.line("  \(note)") }
        for work in TypeAheadProbe.workLabels where work != "nothing" {
            guard let s = latencies[work], s.count > 0 else { continue }
            report.add(SummaryRow(measurement: "browser: a key typed at 30/s during \(work) (n=\(s.count))",
                lineDB: "median \(duration(s.median)), max \(duration(s.max))", sqlite: "", ratio: "",
                target: "< 16 ms", met: s.max < 0.016))
            if let r = fromRead[work] {
                report.add(SummaryRow(measurement: "browser: … read → frame, during \(work)",
                    lineDB: "median \(duration(r.median)), max \(duration(r.max))", sqlite: "", ratio: "",
                    target: "< 16 ms", met: r.max < 0.016))
            }
        }
        report.add(SummaryRow(measurement: "browser: keys typed ahead, all applied in order",
            lineDB: "\(sent) sent, \(same ? "all applied" : "NOT all applied")", sqlite: "", ratio: "",
            target: "applied = sent", met: same))
    }

    /// The child side (`--type-ahead-child PATH`): the browser over ``TypeAheadProbe``, then the reference state.
    static func runTypeAheadChild(_ path: String) -> Never {
        MallocTuning.apply()  // as linedb's main does
        do {
            let db = try Database(path: path)
            let count = try db.count(Students.table)
            let probe = TypeAheadProbe(farEmail: Students.email(count - 10))
            let app = BrowserApp(database: db, configuration: Configuration())
            _ = try app.run(on: probe)
            guard let final = app.state else { throw BenchError("no state after the run") }
            for (work, fromSlot, fromRead) in probe.latencies {
                print("TAKEY \(work.replacingOccurrences(of: " ", with: "_")) \(fromSlot)")
                print("TAREAD \(work.replacingOccurrences(of: " ", with: "_")) \(fromRead)")
            }
            print("TASENT \(probe.sent.count)")
            // The same keys, one by one, each after the work of the one before it is done.
            var reference = BrowserState(databaseName: final.databaseName, isReadOnly: db.isReadOnly, context: db)
            reference.keyMap = final.keyMap
            reference.viewport = (TypeAheadProbe.rows, TypeAheadProbe.columns)
            reference.scrollToCursor()
            for key in probe.sent.dropLast() {  // (the last is the q that ends the run)
                _ = reference.handle(key, context: db)
                reference.finishWork()
                reference.scrollToCursor()
            }
            var differences: [String] = []
            if final.row != reference.row || final.column != reference.column {
                differences.append("cursor \(final.row),\(final.column) vs \(reference.row),\(reference.column)")
            }
            if final.view != reference.view {
                differences.append("view of \(final.view.count) vs \(reference.view.count) rows")
            }
            if final.filters != reference.filters { differences.append("filters") }
            if final.sort?.column != reference.sort?.column || final.sort?.descending != reference.sort?.descending {
                differences.append("sort")
            }
            if final.search != reference.search {
                differences.append("search \(final.search ?? "-") vs \(reference.search ?? "-")")
            }
            if final.mode != reference.mode || !final.typeAhead.isEmpty {
                differences.append("mode or keys left waiting")
            }
            if final.pending != reference.pending { differences.append("pending changes") }
            print("TASAME \(differences.isEmpty)")
            for d in differences { print("TANOTE differs: \(d)") }
            print("TANOTE final: row \(final.row + 1) of \(final.view.count), search \(final.search ?? "-"), "
                + "\(final.filters.count) filter(s); status: \(probe.lastStatus.trimmingCharacters(in: .whitespaces))")
            try db.close()
            exit(0)
        } catch {
            printError("type-ahead child on \(path) failed: \(error)")
            exit(1)
        }
    }
}

/// A terminal that types a script at 30 keys per second, in groups: the keys of a group one every 33 ms whatever
/// the browser is doing (work started by a key keeps running while the next keys come), and the next group only
/// once the browser is idle again. Records each key's latency, from its slot to the next frame, by the work the
/// status line showed when it was typed.
final class TypeAheadProbe: Terminal {
    static let rows = 50
    static let columns = 160
    static let interval: UInt64 = 1_000_000_000 / 30
    static let workLabels = ["sort", "filter", "search", "match count", "nothing"]

    let size: (rows: Int, columns: Int) = (TypeAheadProbe.rows, TypeAheadProbe.columns)
    private var groups: [[Key]]
    private var group = 0
    private var index = 0
    /// Every key handed out, in order (the last one is the `q` that ends the run).
    private(set) var sent: [Key] = []
    /// Per key: the work running when it was typed, seconds from its slot to the next frame, and from `nextKey`
    /// handing it out to the next frame.
    private(set) var latencies: [(String, Double, Double)] = []
    private(set) var lastStatus = ""
    private var waiting: [(work: String, at: UInt64, read: UInt64)] = []
    /// When the next key is typed (its slot at 30 per second): a key's latency counts from there, so that the time
    /// it waits for a slice of work to end before the browser looks at the keyboard counts too.
    private var due: UInt64 = 0
    private var frames = 0
    private var quitSent = false

    init(farEmail: String) {
        func typed(_ text: String) -> [Key] { text.map { Key.character($0) } }
        let j = Key.character("j")
        groups = [
            // Focus the grid, the name column; sort it; a search and moves typed behind the sort.
            [.right, .character("l"), .character("]"), .character("/")] + typed("Wei") + [.enter]
                + Array(repeating: j, count: 20),
            // A filter, and a sort and moves typed behind it.
            [.character("f")] + typed("Wei") + [.enter, .character("[")] + Array(repeating: j, count: 20),
            // Clearing the filter sorts every row again; a search typed behind it, then a next match and moves
            // behind the search.
            [.control("f"), .character("/"), .control("u")] + typed(farEmail) + [.enter, .character("n")]
                + Array(repeating: j, count: 10),
            // A search that reads every cell (no match): moves typed during it act at once; a next match typed
            // then waits for it, and the moves behind it wait too.
            [.character("g"), .character("/"), .control("u")] + typed("no such text") + [.enter]
                + Array(repeating: j, count: 15) + [.character("n")] + Array(repeating: j, count: 5),
        ]
    }

    /// The work the status line shows.
    private var work: String {
        if lastStatus.contains("sorting… ") { return "sort" }
        if lastStatus.contains("filtering… ") { return "filter" }
        if lastStatus.contains("searching… ") { return "search" }
        if lastStatus.contains(", counting ") { return "match count" }
        return "nothing"
    }

    func draw(_ grid: ScreenGrid) {
        let now = nowNanos()
        frames += 1
        for w in waiting { latencies.append((w.work, Double(now - w.at) / 1e9, Double(now - w.read) / 1e9)) }
        waiting = []
        let lines = grid.lines
        lastStatus = lines[lines.count - 2]
    }

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        guard frames > 0 else { return nil }
        while group < groups.count && index >= groups[group].count {
            // The group is typed: the next one once everything it started is over.
            guard work == "nothing" && waiting.isEmpty else {
                if timeoutMilliseconds > 0 { usleep(UInt32(min(timeoutMilliseconds, 5)) * 1000) }
                return nil
            }
            group += 1
            index = 0
            due = 0
        }
        var now = nowNanos()
        if due == 0 { due = now }  // the first key of a group is typed now
        if now < due {
            guard timeoutMilliseconds > 0 else { return nil }
            usleep(UInt32(min(UInt64(timeoutMilliseconds) * 1_000_000, due - now) / 1000))
            now = nowNanos()
            if now < due { return nil }
        }
        let key: Key
        if group < groups.count {
            key = groups[group][index]
            index += 1
        } else {
            guard !quitSent else { return nil }
            quitSent = true
            key = .character("q")
        }
        waiting.append((work, due, now))
        due += TypeAheadProbe.interval
        sent.append(key)
        return key
    }
}
