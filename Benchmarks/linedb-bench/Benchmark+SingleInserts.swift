import LineDB

/// Single durable inserts into the big table: one call (one commit) each, on both engines.
///
/// The machine is shared and its fsync latency drifts, so the engines take turns: ten rounds, each doing a tenth
/// of the inserts on LineDB and then on every SQLite configuration.
extension Benchmark {
    func singleInserts() throws {
        let count = options.singleInserts
        report.section("Single durable inserts into the \(grouped(Double(n)))-record table, one call each "
            + "(\(grouped(Double(count))) per engine, in 10 alternating rounds)")
        guard let db = openDB else { return }
        let sqlite = try SQLiteDB(path: bigSQLite)
        defer { sqlite.close() }
        let insert = try sqlite.prepare(Students.sqliteInsert)
        defer { insert.finalize() }
        let configurations = [("DELETE", "FULL"), ("DELETE", "NORMAL"), ("WAL", "FULL"), ("WAL", "NORMAL")]
        var lineDB = Samples()
        var lineDBWall = 0.0
        var samples: [String: Samples] = [:]
        var walls: [String: Double] = [:]
        let rounds = 10
        for round in 0..<rounds {
            let k = count / rounds + (round < count % rounds ? 1 : 0)
            let input = Students.records(nextRecord..<nextRecord + k)
            nextRecord += k
            let (_, wall) = try timed {
                for record in input {
                    let start = nowNanos()
                    try db.insert(Students.table, record)
                    lineDB.add(Double(nowNanos() - start) / 1e9)
                }
            }
            lineDBWall += wall
            for (journal, sync) in configurations {
                let name = "\(journal) \(sync)"
                _ = try sqlite.scalar("PRAGMA journal_mode=\(journal)")
                try sqlite.exec("PRAGMA synchronous=\(sync)")
                let input = Students.records(nextRecord..<nextRecord + k)
                nextRecord += k
                var s = samples[name] ?? Samples()
                let (_, wall) = try timed {
                    for record in input {
                        let start = nowNanos()
                        bindStudent(insert, record)
                        try insert.step()
                        insert.reset()
                        s.add(Double(nowNanos() - start) / 1e9)
                    }
                }
                samples[name] = s
                walls[name, default: 0] += wall
            }
        }
        _ = try sqlite.scalar("PRAGMA journal_mode=DELETE")
        try db.close()  // the inserts stay unsaved in the WAL: the open measurement replays them
        openDB = nil

        lineDBSingle = lineDB
        sqliteSingle = samples
        report.line(latencyLine("LineDB insert, sync .full", lineDB, wall: lineDBWall))
        for (journal, sync) in configurations {
            let name = "\(journal) \(sync)"
            report.line(latencyLine("SQLite \(journal) journal, \(sync)", samples[name]!, wall: walls[name]))
        }
        // Mean time per insert (= 1 / throughput) is what "within 20%" is judged on.
        func mean(_ s: Samples) -> Double { s.total / Double(s.count) }
        let lineMean = mean(lineDB)
        let refMean = mean(samples["DELETE FULL"]!)
        let walMean = mean(samples["WAL FULL"]!)
        report.line("ratio of mean time per insert, LineDB .full / SQLite DELETE FULL: \(ratio(lineMean, refMean)); "
            + "/ SQLite WAL FULL: \(ratio(lineMean, walMean))")
        report.add(SummaryRow(
            measurement: "single durable insert (mean; median / p99)",
            lineDB: "\(duration(lineMean)); \(duration(lineDB.median)) / \(duration(lineDB.p99))",
            sqlite: "DELETE+FULL \(duration(refMean)); WAL+FULL \(duration(walMean))",
            ratio: ratio(lineMean, refMean), target: "≤ 1.2 × SQLite FULL (DELETE)", met: lineMean <= 1.2 * refMean))
        report.add(SummaryRow(
            measurement: "  same, against SQLite WAL+FULL", lineDB: duration(lineMean), sqlite: duration(walMean),
            ratio: ratio(lineMean, walMean), target: "≤ 1.2 × SQLite WAL+FULL", met: lineMean <= 1.2 * walMean))

        try autoSaveCost()  // the same kind of insert, with and without auto-save (Benchmark+AutoSave.swift)
    }
}
