import LineDB

/// save() after one insert (append) and after one update (rewrite), and checkpoint, on the big table.
extension Benchmark {
    /// Reopens the big database in this process for the save, checkpoint and lookup phases.
    func reopenBig() throws {
        report.section("Save and checkpoint on the \(grouped(Double(n)))-record table")
        let (db, t) = try timed { try Database(path: bigLineDB) }
        openDB = db
        report.line("(reopened in this process in \(duration(t)))")
        let (first, ts) = try timed { try db.save() }
        let appended = grouped(Double(first.appended[Students.table] ?? 0))
        report.line("first save, appending the \(appended) replayed inserts: "
            + "\(duration(ts))\(first.rewritten.isEmpty ? "" : " (REWROTE \(first.rewritten))")")
    }

    func saveAfterOneInsert() throws {
        guard let db = openDB else { return }
        var s = Samples()
        for _ in 0..<max(options.smallRepeats, 20) {
            try db.insert(Students.table, Students.record(nextRecord))
            nextRecord += 1
            let (summary, t) = try timed { try db.save() }
            guard summary.appended[Students.table] == 1, summary.rewritten.isEmpty else {
                throw BenchError("save after one insert did not append one line: \(summary)")
            }
            s.add(t)
        }
        lineDBSaveOneInsert = s
        report.line(latencyLine("save after one insert (append)", s))
        let sqlite = sqliteSingle["DELETE FULL"] ?? Samples()
        report.line("SQLite has no save: its nearest step is the commit of one INSERT (DELETE journal, FULL): "
            + "median \(duration(sqlite.median))")
        report.add(SummaryRow(
            measurement: "save after one insert, \(grouped(Double(n))) records",
            lineDB: "\(duration(s.median)) (max \(duration(s.max)))",
            sqlite: "1-row commit \(duration(sqlite.median))", ratio: ratio(s.median, sqlite.median),
            target: "< 5 ms, O(1)", met: s.median < 0.005))
    }

    func saveAfterOneUpdate() throws {
        guard let db = openDB else { return }
        var s = Samples()
        let bytes = fileSize(bigLineDB + "/data/student.records")
        for rep in 0..<options.bigRepeats {
            let key = JSONValue.int(1 + (rep * 7919) % n)
            try db.update(Students.table, key: key, set: ["gpa": .double(2.5 + Double(rep) / 10)])
            let (summary, t) = try timed { try db.save() }
            guard summary.rewritten[Students.table] != nil else {
                throw BenchError("save after one update did not rewrite: \(summary)")
            }
            s.add(t)
        }
        report.line(latencyLine("save after one update (rewrite)", s) + "  \(mbps(bytes, s.median))")

        let sqlite = try sqliteOneRowUpdates()
        report.line("SQLite: commit of one UPDATE (DELETE journal, FULL): median \(duration(sqlite.median))")
        report.add(SummaryRow(
            measurement: "save after one update, \(grouped(Double(n))) records",
            lineDB: "\(duration(s.median)) (\(mbps(bytes, s.median)))",
            sqlite: "1-row commit \(duration(sqlite.median))",
            ratio: ratio(s.median, sqlite.median)))
    }

    func checkpointAfterOneInsert() throws {
        guard let db = openDB else { return }
        var s = Samples()
        for _ in 0..<options.smallRepeats {
            try db.insert(Students.table, Students.record(nextRecord))
            nextRecord += 1
            let (summary, t) = try timed { try db.checkpoint() }
            guard summary.archive != nil else { throw BenchError("checkpoint made no archive: \(summary)") }
            s.add(t)
        }
        report.line(latencyLine("checkpoint after one insert", s))
        let sqlite = try sqliteCheckpoints()
        report.line("SQLite WAL mode: PRAGMA wal_checkpoint(TRUNCATE) after one INSERT: "
            + "median \(duration(sqlite.median))")
        report.add(SummaryRow(
            measurement: "checkpoint after one insert, \(grouped(Double(n))) records",
            lineDB: "\(duration(s.median)) (max \(duration(s.max)))",
            sqlite: "wal_checkpoint \(duration(sqlite.median))",
            ratio: ratio(s.median, sqlite.median)))
    }

    // MARK: - SQLite counterparts

    private func sqliteOneRowUpdates() throws -> Samples {
        let db = try SQLiteDB(path: bigSQLite)
        defer { db.close() }
        try db.exec("PRAGMA synchronous=FULL")
        let update = try db.prepare("UPDATE student SET gpa = ? WHERE id = ?")
        defer { update.finalize() }
        var s = Samples()
        for rep in 0..<max(options.smallRepeats, 20) {
            let (_, t) = try timed {
                update.bind(1, .double(2.5 + Double(rep) / 10))
                update.bind(2, .int(1 + (rep * 7919) % n))
                try update.step()
                update.reset()
            }
            s.add(t)
        }
        return s
    }

    private func sqliteCheckpoints() throws -> Samples {
        let db = try SQLiteDB(path: bigSQLite)
        defer { db.close() }
        _ = try db.scalar("PRAGMA journal_mode=WAL")
        try db.exec("PRAGMA synchronous=FULL")
        let insert = try db.prepare(Students.sqliteInsert)
        var s = Samples()
        for _ in 0..<options.smallRepeats {
            bindStudent(insert, Students.record(nextRecord))
            nextRecord += 1
            try insert.step()
            insert.reset()
            let (_, t) = try timed { _ = try db.scalar("PRAGMA wal_checkpoint(TRUNCATE)") }
            s.add(t)
        }
        insert.finalize()
        _ = try db.scalar("PRAGMA journal_mode=DELETE")
        return s
    }
}
