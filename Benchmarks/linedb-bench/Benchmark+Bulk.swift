import LineDB

/// Bulk insert: the whole table in one transaction, into a fresh database, on both engines.
extension Benchmark {
    /// Makes the records both engines load (timed only for information).
    func generateRecords() {
        let (list, t) = timed { Students.records(0..<n) }
        records = list
        nextRecord = n
        report.line("generated \(grouped(Double(n))) records in \(duration(t))")
    }

    func bulkInsert() throws {
        report.section("Bulk insert of \(grouped(Double(n))) records in one transaction (fresh database)")
        report.line("LineDB: insert(\"student\", records:) with default options (sync .full, auto-checkpoint")
        report.line("        at 64 MiB, which this load passes, so the call also saves and archives the WAL),")
        report.line("        then save().")
        report.line("SQLite: BEGIN; prepared INSERT × N; COMMIT (journal_mode DELETE, INTEGER PRIMARY KEY,")
        report.line("        UNIQUE email).")
        var insert = Samples()
        var save = Samples()
        var both = Samples()
        var sqlite: [String: Samples] = ["FULL": Samples(), "NORMAL": Samples()]
        var fileBytes = 0
        var sqliteBytes = 0
        for rep in 1...options.bigRepeats {
            // LineDB.
            let dir = bigLineDB
            if let old = openDB { try old.close() }
            openDB = nil
            removeTree(dir)
            let db = try Database(path: dir)
            try db.createTable(try Students.schema())
            let (keys, ti) = try timed { try db.insert(Students.table, records: records) }
            let (summary, ts) = try timed { try db.save() }
            precondition(keys.count == n && keys.last == .int(n), "bulk insert returned \(keys.count) keys")
            fileBytes = fileSize(dir + "/data/student.records")
            insert.add(ti)
            save.add(ts)
            both.add(ti + ts)
            let saved = summary.isEmpty ? "nothing left to save" : "saved \(summary.appended) \(summary.rewritten)"
            report.line("#\(rep) LineDB  insert \(right(duration(ti), 9)) + save \(right(duration(ts), 9))"
                + "  (\(saved); records file \(mb(fileBytes)), whole directory \(mb(treeSize(dir))))")
            openDB = db  // the last repeat's database stays open for the single inserts

            // SQLite, synchronous FULL and NORMAL.
            for mode in ["FULL", "NORMAL"] {
                let path = mode == "FULL" ? bigSQLite : root + "/sqlite-bulk-normal.db"
                removeSQLite(path)
                let t = try sqliteBulk(path: path, synchronous: mode)
                sqlite[mode]!.add(t)
                sqliteBytes = fileSize(path)
                let label = mode == "FULL" ? "FULL  " : "NORMAL"
                report.line("#\(rep) SQLite \(label) BEGIN…COMMIT \(right(duration(t), 9))"
                    + "  (database file \(mb(sqliteBytes)))")
                if mode == "NORMAL" { removeSQLite(path) }
            }
        }
        let full = sqlite["FULL"]!.median
        let normal = sqlite["NORMAL"]!.median
        report.line("median LineDB insert: \(duration(insert.median)) = \(rate(n, insert.median)) records, "
            + "\(mbps(fileBytes, insert.median)) of JSON Lines")
        report.line("median LineDB insert + save: \(duration(both.median)) = \(rate(n, both.median)) records, "
            + "\(mbps(fileBytes, both.median))")
        report.line("median SQLite FULL: \(duration(full)) = \(rate(n, full)) records; NORMAL: \(duration(normal)) = "
            + "\(rate(n, normal)) records (MB/s of the same \(mb(fileBytes)) JSON: \(mbps(fileBytes, full)) FULL)")
        report.line("ratio LineDB (insert + save) / SQLite FULL: \(ratio(both.median, full)); "
            + "/ NORMAL: \(ratio(both.median, normal))")
        report.add(SummaryRow(
            measurement: "bulk insert \(grouped(Double(n))), one transaction",
            lineDB: "\(duration(both.median)) (\(rate(n, both.median)), \(mbps(fileBytes, both.median)))",
            sqlite: "FULL \(duration(full)) / NORMAL \(duration(normal))", ratio: ratio(both.median, full),
            target: "≤ SQLite (FULL)", met: both.median <= full))
    }

    /// One SQLite bulk load into a fresh file; returns the time from BEGIN to the end of COMMIT.
    func sqliteBulk(path: String, synchronous: String) throws -> Double {
        let db = try SQLiteDB(path: path)
        defer { db.close() }
        try db.exec("PRAGMA synchronous=\(synchronous)")
        try db.exec(Students.sqliteSchema)
        let insert = try db.prepare(Students.sqliteInsert)
        defer { insert.finalize() }
        let records = self.records
        let (_, t) = try timed {
            try db.exec("BEGIN")
            for record in records {
                bindStudent(insert, record)
                try insert.step()
                insert.reset()
            }
            try db.exec("COMMIT")
        }
        return t
    }

    /// Binds a generated record (name, email, gpa, active, enrolled: the order `Students.record` builds) to
    /// parameters 1...5.
    func bindStudent(_ s: SQLiteStatement, _ record: Record) {
        let values = record.values
        for i in 0..<5 { s.bind(Int32(i + 1), values[values.startIndex + i]) }
    }
}
