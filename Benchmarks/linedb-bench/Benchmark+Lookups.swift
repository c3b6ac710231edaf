import LineDB

/// Point lookups by primary key and by the UNIQUE email column, timed one by one.
extension Benchmark {
    func lookups() throws {
        report.section("Point lookups, \(grouped(Double(options.lookups))) random keys each "
            + "(per-op times include a ~30 ns clock read)")
        guard let db = openDB else { return }
        let keys = (0..<options.lookups).map { i in 1 + Int(truncatingIfNeeded: mixForLookup(i) % UInt64(n)) }
        let emails = keys.map { Students.email($0 - 1) }  // key k holds record k - 1

        var byKey = Samples()
        var found = 0
        for k in keys {
            let start = nowNanos()
            let r = try db.get(Students.table, key: .int(k))
            byKey.add(Double(nowNanos() - start) / 1e9)
            if r != nil { found += 1 }
        }
        var byEmail = Samples()
        for e in emails {
            let start = nowNanos()
            let r = try db.find(Students.table, where: "email", equals: .string(e))
            byEmail.add(Double(nowNanos() - start) / 1e9)
            found += r.count
        }
        guard found == 2 * keys.count else { throw BenchError("lookups found \(found) of \(2 * keys.count)") }
        report.line(latencyLine("LineDB get(key:)", byKey))
        report.line(latencyLine("LineDB find(where: email, equals:)", byEmail))
        try db.close()
        openDB = nil

        let sqlite = try SQLiteDB(path: bigSQLite)
        defer { sqlite.close() }
        var sqByKey = Samples()
        var sqByEmail = Samples()
        let columns = "SELECT id, name, email, gpa, active, enrolled FROM student"
        let q1 = try sqlite.prepare("\(columns) WHERE id = ?")
        let q2 = try sqlite.prepare("\(columns) WHERE email = ?")
        defer {
            q1.finalize()
            q2.finalize()
        }
        found = 0
        for k in keys {
            let start = nowNanos()
            q1.bind(1, .int(k))
            if try q1.step() {
                _ = q1.studentRecord()
                found += 1
            }
            q1.reset()
            sqByKey.add(Double(nowNanos() - start) / 1e9)
        }
        for e in emails {
            let start = nowNanos()
            q2.bind(1, .string(e))
            if try q2.step() {
                _ = q2.studentRecord()
                found += 1
            }
            q2.reset()
            sqByEmail.add(Double(nowNanos() - start) / 1e9)
        }
        guard found == 2 * keys.count else { throw BenchError("SQLite lookups found \(found) of \(2 * keys.count)") }
        report.line(latencyLine("SQLite WHERE id = ?", sqByKey))
        report.line(latencyLine("SQLite WHERE email = ?", sqByEmail))
        report.add(SummaryRow(
            measurement: "lookup by key (median / p99)", lineDB: "\(duration(byKey.median)) / \(duration(byKey.p99))",
            sqlite: "\(duration(sqByKey.median)) / \(duration(sqByKey.p99))",
            ratio: ratio(byKey.median, sqByKey.median)))
        report.add(SummaryRow(
            measurement: "lookup by unique email (median / p99)",
            lineDB: "\(duration(byEmail.median)) / \(duration(byEmail.p99))",
            sqlite: "\(duration(sqByEmail.median)) / \(duration(sqByEmail.p99))",
            ratio: ratio(byEmail.median, sqByEmail.median)))
    }

    private func mixForLookup(_ i: Int) -> UInt64 {
        var z = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 &+ 12345
        z = (z ^ (z >> 31)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 29)
    }
}
