import Foundation
import LineDB
import LineDBBrowser

/// Keys during a save and during a checkpoint (issue 17 section 2), part of `--browser`: on a copy of the browser's
/// database, one cell is edited and `s` pressed, then `j` is typed at 30 keys a second until the save is done; then
/// the same during a checkpoint (`c` `y`). Each key's latency is from the moment it was typed (its due time) to the
/// next frame drawn after the browser took it; keys applied is read from the cursor's row.
/// `LINEDB_BENCH_ONLY_SAVE=1 linedb-bench --browser` runs this part alone.
extension Benchmark {
    func backgroundSaveRuns() throws {
        report.section("Keys during a background save and checkpoint, \(grouped(Double(n))) records (issue 17)")
        let copy = browserDB + "-save"
        removeTree(copy)
        guard FileManager.default.fileExists(atPath: browserDB + "/data/student.records") else {
            throw BenchError("the browser's database \(browserDB) is missing: the save runs copy it")
        }
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = ["-R", browserDB, copy]
        try cp.run()
        cp.waitUntilExit()
        defer { removeTree(copy) }
        let db = try Database(path: copy)
        let probe = SaveProbe()
        // The checkpoint has a table to write: a change the engine has not saved yet (made beside the browser).
        probe.beforeCheckpoint = { _ = try? db.update(Students.table, key: 2, set: ["name": "bench checkpoint"]) }
        _ = try BrowserApp(database: db).run(on: probe)
        try db.close()
        for phase in probe.phases {
            let s = Samples(phase.latencies)
            report.line(latencyLine("j at 30/s during \(phase.label)", s))
            report.line("  \(phase.label) took \(duration(phase.seconds)); keys sent \(phase.sent), applied "
                + "\(phase.applied) (cursor row \(phase.rowBefore) → \(phase.rowAfter)); longest gap between frames "
                + "\(duration(phase.longestGap)); frame after it ended: \(duration(phase.endGap)) after the one before")
            report.line("  target: no key over 16 ms, keys applied = keys sent: "
                + (s.max <= 0.016 && phase.applied == phase.sent ? "met" : "NOT met") + "; slowest keys (ms, key #): "
                + phase.latencies.enumerated().sorted { $0.element > $1.element }.prefix(5)
                    .map { "\(fixed($0.element * 1000, 1)) #\($0.offset + 1)" }.joined(separator: ", "))
        }
        for note in probe.notes { report.line("  note: \(note)") }
    }
}

/// A terminal typing `j` at 30 keys a second while a save, then a checkpoint, runs; it waits for keys as curses does
/// (up to the timeout, a key arriving at its due time).
final class SaveProbe: Terminal {
    struct Phase {
        var label: String
        var latencies: [Double] = []
        var sent = 0
        var applied = 0
        var rowBefore = 0
        var rowAfter = 0
        var seconds = 0.0
        var longestGap = 0.0
        var endGap = 0.0
    }

    let size: (rows: Int, columns: Int) = (50, 160)
    private(set) var phases: [Phase] = []
    private(set) var notes: [String] = []
    /// The keys before the first phase: open the table, edit a name, save.
    private var setup: [Key] = [.enter, .right, .character("e"), .control("u")] + "bench".map { Key.character($0) }
        + [.enter]
    private var current: Phase?
    private var start: UInt64 = 0
    private var nextDue: UInt64 = 0
    private var handed: [UInt64] = []
    private var lastFrame: UInt64 = 0
    private var row = 0
    private var status = ""
    private var awaitingFirstSavingFrame = false
    private var finished = false
    private var stage = 0
    /// Runs just before the checkpoint is asked for.
    var beforeCheckpoint: (() -> Void)?

    func draw(_ grid: ScreenGrid) {
        let now = nowNanos()
        let lines = grid.lines
        status = lines[lines.count - 2]
        row = status.split(separator: " ").drop { $0 != "row" }.dropFirst().first.flatMap { Int($0) } ?? row
        let saving = status.contains("saving ") || status.contains("checkpoint… ")
        if var p = current {
            for due in handed { p.latencies.append(Double(now - due) / 1e9) }
            handed = []
            let gap = Double(now - lastFrame) / 1e9
            if !awaitingFirstSavingFrame { p.longestGap = max(p.longestGap, gap) }
            if awaitingFirstSavingFrame && saving { awaitingFirstSavingFrame = false }
            let ended = status.contains("saved") || status.contains("checkpoint done") || status.contains("failed")
            let baselineOver = stage == 1 && now - start > 1_500_000_000
            if stage == 1 ? baselineOver : (!saving && (!awaitingFirstSavingFrame || ended)) {
                p.endGap = gap
                p.seconds = Double(now - start) / 1e9
                p.rowAfter = row
                p.applied = row - p.rowBefore
                phases.append(p)
                current = nil
            } else {
                current = p
            }
        }
        lastFrame = now
    }

    func nextKey(timeoutMilliseconds: Int) -> Key? {
        if !setup.isEmpty { return setup.removeFirst() }
        if current == nil {
            switch stage {
            case 0, 1, 2:
                let labels = ["nothing running (the baseline, 1.5 s)", "a save (1 cell changed: the records file rewritten)",
                              "a checkpoint (1 record changed: the records file rewritten, the WAL archived)"]
                current = Phase(label: labels[stage], rowBefore: row)
                awaitingFirstSavingFrame = stage > 0
                start = nowNanos()
                nextDue = start + 33_333_333
                stage += 1
                if stage == 1 { return nil }
                if stage == 3 {
                    beforeCheckpoint?()
                    setup = [.character("y")]
                    return .character("c")
                }
                return .character("s")
            default:
                return .character("q")
            }
        }
        // 30 keys a second: the next one arrives at its due time.
        let now = nowNanos()
        if now < nextDue {
            let wait = min(UInt64(timeoutMilliseconds) * 1_000_000, nextDue - now)
            if wait > 0 { usleep(UInt32(wait / 1000)) }
            if nowNanos() < nextDue { return nil }
        }
        let due = nextDue
        nextDue += 33_333_333
        handed.append(due)
        current?.sent += 1
        return .character("j")
    }
}
