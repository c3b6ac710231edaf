import LineDB

/// `linedb select --as-of`: the records as they were, in key order, in select's formats.
extension Select {
    func runAsOf(_ db: Database) throws {
        guard let (_, past) = try asOf.table(table, of: db) else { return }
        var wanted: [(String, JSONValue)] = []
        for text in conditions {
            let (column, value) = try ValueParsing.assignment(text, schema: past.schema, option: "--where")
            wanted.append((column.name, value))
        }
        var records: [Record] = []
        for i in 0..<past.count {
            if let limit, records.count >= limit { break }
            let record = past.record(at: i)
            if wanted.allSatisfy({ (name, value) in (record[name] ?? .null) == value }) { records.append(record) }
        }
        format.write(records, schema: past.schema)
    }
}
