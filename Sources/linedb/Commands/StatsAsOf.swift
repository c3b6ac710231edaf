import LineDB

/// `linedb stats --as-of`: which moment, and each table's record count then.
extension Stats {
    func statsAsOf(_ db: Database) throws {
        guard let past = try asOf.state(of: db) else { return }
        if json {
            var tables: JSONObject = [:]
            for t in past.tables {
                tables[t.schema.name] = .object([
                    "records": .int(t.count), "columns": .array(t.schema.columns.map { .string($0.name) }),
                ])
            }
            let moment: JSONObject = ["lsn": .int(past.lsn), "time": past.timestamp.map { .string($0) } ?? .null]
            Output.jsonLine(JSONWriter.encode(.object(["as_of": .object(moment), "tables": .object(tables)])))
            return
        }
        Output.line("Database \(VisibleText.escaped(db.path ?? database.path)) as of \(past.momentDescription)")
        if past.tables.isEmpty {
            Output.line("no tables")
            return
        }
        let rows = past.tables.map { t in
            [VisibleText.escaped(t.schema.name), "\(t.count)", "\(t.schema.columns.count)"]
        }
        TextTable(header: ["table", "records", "columns"], rows: rows).lines().forEach { Output.line("  " + $0) }
    }
}
