import LineDB

/// Renders WAL entries as `linedb wal` prints them:
/// `lsn  timestamp  OPERATION  table  key  change`, where the change is the record (INSERT), the changed columns
/// as `column: old → new` (UPDATE), the deleted record (DELETE) or the columns (CREATE_TABLE).
struct WALFormatting {
    /// The primary-key column of each table, from the schema files and the `CREATE_TABLE` entries seen.
    private var keyColumns = NameMap<String>()

    /// Learns the primary keys from `<databasePath>/schema/*.schema.json` (unreadable files are skipped).
    init(databasePath: String) {
        let paths = DatabasePaths(root: databasePath)
        let io = RealFileIO.shared
        for file in io.listDirectory(paths.schemaDir) where file.hasSuffix(".schema.json") && !file.hasPrefix(".") {
            let name = String(file.dropLast(".schema.json".count))
            var warnings: [String] = []
            guard let bytes = try? io.readFile(paths.schemaDir + "/" + file),
                let schema = try? TableSchema.parse(
                    fileBytes: bytes, path: file, expectedName: name, warnings: &warnings)
            else { continue }
            keyColumns[name] = schema.primaryKey?.name
        }
    }

    /// The text line of an entry. Keys, names, values and timestamps are someone's data: every control and
    /// bidirectional formatting character in the line, line breaks included, is shown visibly (``VisibleText``).
    mutating func line(_ entry: WALEntry) -> String {
        let lsn = String(entry.lsn)
        var fields = [
            String(repeating: " ", count: max(0, 6 - lsn.count)) + lsn,
            entry.timestamp.isEmpty ? "-" : entry.timestamp,
            entry.operation.padding(to: 12),
            (entry.table ?? "-").padding(to: 10),
        ]
        let (key, change) = describe(entry)
        fields.append(key)
        var text = change
        if let txn = entry.txn { text += (text.isEmpty ? "" : " ") + "[txn \(txn)]" }
        fields.append(text)
        var line = fields.joined(separator: "  ")
        while line.hasSuffix(" ") { line.removeLast() }
        return VisibleText.escaped(line)
    }

    /// The entry as its JSON object (the line without its `crc`), compact.
    static func json(_ entry: WALEntry) -> String {
        JSONWriter.encode(.object(entry.jsonObject))
    }

    private mutating func describe(_ entry: WALEntry) -> (key: String, change: String) {
        let table = entry.table ?? ""
        let record = entry.record.objectValue
        let old = entry.oldRecord.objectValue
        func key(_ object: JSONObject?) -> String {
            guard let object else { return "-" }
            let column = keyColumns[table] ?? "id"
            guard let value = object[column] else { return "-" }
            if case .string(let s) = value { return s }
            return JSONWriter.encode(value)
        }
        switch entry.operationKind {
        case .insert?:
            return (key(record), JSONWriter.encode(entry.record))
        case .update?:
            guard let record, let old else { return (key(record ?? old), JSONWriter.encode(entry.record)) }
            var changes: [String] = []
            for (name, value) in record where old[name] != value {
                changes.append("\(name): \(JSONWriter.encode(old[name] ?? .null)) → \(JSONWriter.encode(value))")
            }
            for (name, value) in old where record[name] == nil {
                changes.append("\(name): \(JSONWriter.encode(value)) → (removed)")
            }
            return (key(record), changes.isEmpty ? "(no change)" : changes.joined(separator: ", "))
        case .delete?:
            return (key(old ?? record), JSONWriter.encode(old != nil ? entry.oldRecord : entry.record))
        case .createTable?:
            guard let record else { return ("-", "") }
            var warnings: [String] = []
            guard let schema = try? TableSchema(object: record, path: nil, expectedName: table, warnings: &warnings)
            else { return ("-", JSONWriter.encode(entry.record)) }
            keyColumns[table] = schema.primaryKey?.name
            return ("-", schema.columns.map(ColumnSpec.describe).joined(separator: " "))
        case .checkpoint?:
            let through = record?["through_lsn"]?.intValue.map { "through lsn \($0)" }
            let previous = record?["previous"]?.stringValue.map { "previous wal/\($0)" }
            return ("-", [through, previous].compactMap { $0 }.joined(separator: ", "))
        case .dropTable?, .commit?:
            return ("-", "")
        case nil:
            return ("-", JSONWriter.encode(entry.record))
        }
    }
}
