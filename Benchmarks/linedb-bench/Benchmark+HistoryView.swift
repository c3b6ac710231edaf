import Foundation
import LineDB
import LineDBBrowser

/// The browser's history view (`r`, issue 15 section 4): the time from `r` on a record to the first frame that shows
/// its versions (the read on its own thread, as in the app: ``HistoryRead``), at 80x24. Alone with `--history-view`
/// (it builds its own databases); ``historyViewRuns(databasePath:table:keys:label:repeats:)`` can be called by the
/// `--history` mode on its 1M-entry history. Target (issue 15): ≤ 100 ms with the archives' index.
extension Benchmark {
    /// `--history-view`: a small database (1,000 records, key 1 updated 3 times, no checkpoint) and a big one (`n`
    /// records inserted over 10 archives, keys 1–5 updated once per archive), then the view opened on each.
    func historyView() throws {
        report.section("Browser history view (r) on a small WAL and on \(grouped(Double(n))) entries over 10 archives "
            + "(issue 15)")
        let small = root + "/history-view-small"
        let big = root + "/history-view-big"
        defer {
            if !options.keep {
                removeTree(small)
                removeTree(big)
            }
        }
        let (_, ts) = try timed { try Self.makeHistory(at: small, records: 1_000, archives: 0, hotUpdates: 3) }
        report.line("small database made in \(duration(ts))")
        try historyViewRuns(databasePath: small, table: "item", keys: [1], label: "small WAL, key with 4 versions")
        let (_, tb) = try timed { try Self.makeHistory(at: big, records: n, archives: 10, hotUpdates: 1) }
        report.line("big database made in \(duration(tb)): \(mb(directorySize(big + "/wal"))) of WAL and archives")
        try historyViewRuns(databasePath: big, table: "item", keys: [1, 3, 5],
                            label: "\(grouped(Double(n))) entries / 10 archives, keys with 11 versions", repeats: 3)
        try historyViewRuns(databasePath: big, table: "item", keys: [.int(n / 2)],
                            label: "\(grouped(Double(n))) entries / 10 archives, key with 1 version", repeats: 3)
    }

    /// A database at `path` with table `item` (id, name, n): `records` inserted in `max(1, archives)` batches, keys
    /// 1–5 updated `hotUpdates` times after each batch, a checkpoint after each batch when `archives` > 0 (so the
    /// history spreads over that many archives and the live WAL).
    static func makeHistory(at path: String, records: Int, archives: Int, hotUpdates: Int) throws {
        let db = try Database(path: path)
        try db.createTable(TableSchema("item", columns: [
            Column("id", .int, primaryKey: true), Column("name", .str), Column("n", .int),
        ]))
        let batches = max(1, archives)
        var next = 1
        for b in 0..<batches {
            let count = records / batches + (b < records % batches ? 1 : 0)
            var batch: [Record] = []
            batch.reserveCapacity(count)
            for _ in 0..<count {
                batch.append(["id": .int(next), "name": .string("item \(next)"), "n": .int(next % 97)])
                next += 1
            }
            _ = try db.insert("item", records: batch)
            for u in 0..<hotUpdates {
                for key in 1...5 { _ = try db.update("item", key: .int(key), set: ["n": .int(b * 100 + u)]) }
            }
            if archives > 0 { _ = try db.checkpoint() }
        }
        try db.close()
    }

    /// Opens the history view on each of `keys` of `table` in the database at `databasePath`, `repeats` times each:
    /// from `r` (handled by the state) to the first frame rendered with the versions (80x24). Reports the median
    /// and the worst, and adds a summary row against the ≤ 100 ms target.
    func historyViewRuns(databasePath: String, table: String, keys: [JSONValue], label: String,
                         repeats: Int = 5) throws {
        let db = try Database(path: databasePath)
        defer { try? db.close() }
        var samples = Samples()
        var versions = 0
        for key in keys {
            var state = BrowserState(databaseName: "bench", isReadOnly: false, context: db)
            state.viewport = (24, 80)
            _ = state.handle(.enter, context: db)  // opens the first table, the grid focused
            state.finishWork()
            guard state.table?.name == table else { throw BenchError("\(table) is not the first table") }
            for k in [Key.character("@")] + "\(key)".map({ Key.character($0) }) + [.enter] {
                _ = state.handle(k, context: db)
            }
            state.finishWork()
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                for effect in state.handle(.character("r"), context: db) {
                    if case .recordHistory(let t, let k) = effect {
                        state.startRecordHistory(HistoryRead.start(database: db, table: t, key: k))
                    }
                }
                state.finishWork()
                state.scrollToCursor()
                let frame = Renderer.render(state)
                let d = (ContinuousClock.now - start).components
                samples.add(Double(d.seconds) + Double(d.attoseconds) / 1e18)
                guard let view = state.recordHistory, frame.lines.contains(where: { $0.contains("▸ ") }) else {
                    throw BenchError("the history view did not open on \(key): \(state.message)")
                }
                versions = view.versions.count
                _ = state.handle(.escape, context: db)
            }
        }
        report.line("  " + latencyLine("r → first frame, \(label) (\(versions) versions)", samples))
        report.add(SummaryRow(measurement: "history view: r → frame, \(label)", lineDB: duration(samples.median),
                              sqlite: "", ratio: "", target: "≤ 100 ms", met: samples.median <= 0.1))
    }

    /// The bytes of the files directly in `path`.
    private func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { $0 + fileSize(path + "/" + $1) }
    }
}
