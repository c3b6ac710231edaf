#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One record read from an import file, and where in the file it is.
struct ImportItem {
    /// Where a record is: its number (1-based) in the file, and the line it starts on when known.
    struct Place {
        var record: Int
        var line: Int?
        var format: ExportFormat

        /// `students.jsonl:7`, `students.csv:7 (record 6)`, `students.json: record 6`.
        func describe(in path: String) -> String {
            switch (format, line) {
            case (.jsonl, let line?): return "\(path):\(line)"
            case (.csv, let line?): return "\(path):\(line) (record \(record))"
            default: return "\(path): record \(record)"
            }
        }

        /// The same, within the file: `line 7`, `line 7 (record 6)`, `record 6`.
        var short: String {
            switch (format, line) {
            case (.jsonl, let line?): return "line \(line)"
            case (.csv, let line?): return "line \(line) (record \(record))"
            default: return "record \(record)"
            }
        }
    }

    var record: Record
    var place: Place
}

extension Database {
    /// Imports records from a file into a table, all or nothing: the whole file is validated first (types,
    /// NOT NULL, UNIQUE, keys, also against the records already there), then written as one transaction.
    ///
    /// ```swift
    /// let n = try db.importRecords(into: "student", from: "exports/students.json")
    /// ```
    ///
    /// Accepted input:
    /// - ``ExportFormat/json``: the seed's export object (`table`, when present, must be `table`; `records` an array
    ///   of objects; `count`, when present, their number), or a bare array of objects.
    /// - ``ExportFormat/jsonl``: one object per line; blank lines are skipped.
    /// - ``ExportFormat/csv``: a header row naming columns of the table (in any order, not necessarily all), then
    ///   one row per record, each field read by the one rule of CSV values: an unquoted field that is one of
    ///   `nullTexts` is `null`; in a `str` column any other field is its text as written (so the quoted empty
    ///   field `""` is the empty string); in other columns fields are read by ``ColumnType/value(fromText:)``
    ///   (an empty field is `null` there).
    ///
    /// Each record is checked as ``insert(_:_:)`` checks it (unknown columns, types, NOT NULL, primary key and
    /// UNIQUE values, against the table and against the other records of the file); a record whose primary key
    /// is already in the table is an error, not an update. Records without an integer primary key get one from
    /// the table's counter.
    ///
    /// - Parameters:
    ///   - table: the table to import into; it must exist.
    ///   - path: the file to read.
    ///   - format: the file's format; `nil` guesses from its extension.
    ///   - nullTexts: the texts an unquoted CSV field reads as null; `nil`: LineDB's own export convention, the
    ///     empty field and the word `null` (as ``export(_:to:format:)`` writes null; it quotes the strings `""`
    ///     and `"null"`). With a list, an empty field of a `str` column is the empty string unless `""` is in it
    ///     (as for ``importNewTable(_:from:format:options:)``). Ignored for JSON input.
    /// - Returns: the number of records imported.
    /// - Throws: ``LineDBError/invalidInput(reason:)`` naming the file, the record (line) and the column of the
    ///   first problem; ``LineDBError/io(operation:path:errno:)`` when the file cannot be read. Nothing is written
    ///   then: validation ends before the first WAL byte.
    /// > Important: Durable when it returns under ``SyncMode/full``: every record's `INSERT` line (tagged `txn`)
    /// > and a closing `COMMIT` are written and synced once; a crash before that leaves a transaction that
    /// > recovery discards.
    @discardableResult
    public func importRecords(
        into table: String, from path: String, format: ExportFormat? = nil, nullTexts: [String]? = nil
    ) throws(LineDBError) -> Int {
        guard let format = format ?? ExportFormat(pathExtensionOf: path) else {
            throw .invalidInput(reason: "\(path): cannot tell the format from the file name; give json, jsonl or csv")
        }
        guard format.isImportable else {
            throw .invalidInput(reason: "\(path): \(format.rawValue) is an export format only; import reads json, jsonl or csv; nothing was imported")
        }
        let schema = try state.withLock { () throws(LineDBError) -> TableSchema in
            try requireWritable()
            return try writableTable(table).schema
        }
        guard let bytes = try io.readFile(path) else {
            throw .io(operation: "read", path: path, errno: ENOENT)
        }
        let items: [ImportItem]
        switch format {
        case .json: items = try Database.parseImportJSON(bytes, path: path, table: table)
        case .jsonl: items = try Database.parseImportJSONLines(bytes, path: path)
        case .csv:
            let nulls = nullTexts.map { CSVCodec.NullTexts($0) } ?? CSVCodec.exportNullTexts
            items = try Database.parseImportCSV(bytes, path: path, schema: schema, nullTexts: nulls)
        case .tsv, .markdown:
            items = []  // (refused above)
        }
        try write(transaction: true) { (batch) throws(LineDBError) in
            let t = try writableTable(table)
            // Everything is checked before the first write, so a bad record anywhere leaves the WAL untouched.
            try validateImport(items, into: t, path: path)
            t.reserve(items.count)
            for item in items {
                do throws(LineDBError) {
                    _ = try batch.insert(t, item.record)
                } catch {
                    switch error {
                    case .io, .needsReopen, .closed: throw error
                    default: throw Database.importError(path, item.place, error.description)
                    }
                }
            }
        }
        return items.count
    }

    // MARK: - Validation

    /// Checks every record as an insert would, without changing anything (state lock held).
    private func validateImport(_ items: [ImportItem], into t: TableState, path: String) throws(LineDBError) {
        let schema = t.schema
        let pk = schema.primaryKeyIndex
        // An absent integer key is assigned from the counter, which every integer key pushes up (TableState.index).
        let autoKeyed = pk.map { schema.columns[$0].type == .int && (schema.columns[$0].defaultValue ?? .null).isNull }
            ?? false
        var nextAutoKey = t.nextAutoKey  // nil: exhausted (TableState.nextAutoKey)
        let indexed = schema.columns.indices.filter { schema.columns[$0].isIndexed }
        var seen = [Int: [JSONValue: ImportItem.Place]]()
        for c in indexed { seen[c] = Dictionary(minimumCapacity: items.count) }
        var scratch = JSONWriter(reservingCapacity: 1024)
        for item in items {
            var row: Row
            do {
                row = try t.rowForInsert(item.record)
            } catch {
                throw Database.importError(path, item.place, error.description)
            }
            if let pk {
                if autoKeyed, (item.record[schema.columns[pk].name] ?? .null).isNull {
                    guard let next = nextAutoKey else {
                        throw Database.importError(path, item.place, t.autoKeysExhausted.description)
                    }
                    row.values[pk] = .int(next)
                }
                if case .int(let k) = row.values[pk], let next = nextAutoKey, k >= next {
                    nextAutoKey = k == .max ? nil : k + 1
                }
            }
            for c in indexed {
                let v = row.values[c]
                if v.isNull { continue }
                let column = "\(schema.name).\(schema.columns[c].name)"
                if let slot = t.slot(column: c, equals: v), let other = t.slots[slot] {
                    let key = t.key(of: other)
                    let owner = c == pk ? "a record in the table" : "the record with key \(key.brief) in the table"
                    throw Database.importError(
                        path, item.place, "\(column): the value \(v.brief) is already used by \(owner)")
                }
                if let earlier = seen[c]!.updateValue(item.place, forKey: v) {
                    throw Database.importError(
                        path, item.place, "\(column): the value \(v.brief) is also in \(earlier.short) of the file")
                }
            }
            scratch.bytes.removeAll(keepingCapacity: true)
            t.encode(row, into: &scratch)
            if scratch.bytes.count > options.maxLineBytes {
                let error = WriteBatch.recordTooLarge(
                    table: schema.name, size: scratch.bytes.count, limit: options.maxLineBytes)
                throw Database.importError(path, item.place, error.description)
            }
        }
    }

    static func importError(_ path: String, _ place: ImportItem.Place, _ reason: String) -> LineDBError {
        .invalidInput(reason: "\(place.describe(in: path)): \(reason); nothing was imported")
    }

    private static func fileError(_ path: String, _ reason: String) -> LineDBError {
        .invalidInput(reason: "\(path): \(reason); nothing was imported")
    }

    // MARK: - Parsing

    /// The seed's export object, or a bare array of record objects.
    static func parseImportJSON(_ bytes: [UInt8], path: String, table: String) throws(LineDBError) -> [ImportItem] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, maxDepth: NestingLimit.exportDocument)
        } catch {
            let (line, column) = lineAndColumn(of: error.offset, in: bytes)
            throw fileError("\(path):\(line):\(column)", "invalid JSON: \(error.message)")
        }
        let records: [JSONValue]
        switch document {
        case .array(let array):
            records = array
        case .object(let object):
            if let name = object["table"] {
                guard case .string(let name) = name else {
                    throw fileError(path, "\"table\" is \(name.kindName) \(name.brief), expected a table name")
                }
                if !String.exactlyEqual(name, table) {
                    throw fileError(path, "the file holds table '\(name)', not '\(table)'")
                }
            }
            guard let value = object["records"] else {
                throw fileError(
                    path, "no \"records\" array (expected {\"table\": …, \"records\": […], \"count\": n})")
            }
            guard case .array(let array) = value else {
                throw fileError(path, "\"records\" is \(value.kindName) \(value.brief), expected an array of records")
            }
            records = array
            if let count = object["count"] {
                guard case .int(let n) = count, n == records.count else {
                    throw fileError(path, "\"count\" is \(count.brief) but \"records\" holds \(records.count) records")
                }
            }
        default:
            throw fileError(
                path, "the file holds \(document.kindName) \(document.brief), expected an export object or an array")
        }
        var items: [ImportItem] = []
        items.reserveCapacity(records.count)
        for (i, value) in records.enumerated() {
            let place = ImportItem.Place(record: i + 1, line: nil, format: .json)
            guard case .object(let object) = value else {
                throw importError(path, place, "\(value.kindName) \(value.brief), expected an object")
            }
            items.append(ImportItem(record: object, place: place))
        }
        return items
    }

    /// One object per line; blank lines skipped.
    static func parseImportJSONLines(_ bytes: [UInt8], path: String) throws(LineDBError) -> [ImportItem] {
        var items: [ImportItem] = []
        var lineNumber = 0
        var offset = 0
        let n = bytes.count
        var problem: LineDBError? = nil
        bytes.withUnsafeBufferPointer { buffer in
            while offset < n {
                lineNumber += 1
                var end = offset
                while end < n && buffer[end] != 0x0A { end += 1 }
                let start = offset
                offset = end + 1
                var blank = true
                for i in start..<end where ![0x20, 0x09, 0x0D].contains(buffer[i]) {
                    blank = false
                    break
                }
                if blank { continue }
                let place = ImportItem.Place(record: items.count + 1, line: lineNumber, format: .jsonl)
                do throws(JSONParseError) {
                    let value = try JSONParser.parse(
                        UnsafeBufferPointer(rebasing: buffer[start..<end]), maxDepth: NestingLimit.recordsLine)
                    guard case .object(let object) = value else {
                        problem = importError(path, place, "\(value.kindName) \(value.brief), expected an object")
                        return
                    }
                    items.append(ImportItem(record: object, place: place))
                } catch {
                    problem = fileError("\(path):\(lineNumber):\(error.offset + 1)", "invalid JSON: \(error.message)")
                    return
                }
            }
        }
        if let problem { throw problem }
        return items
    }

    /// A header row of column names, then one row per record; fields converted by column type.
    static func parseImportCSV(
        _ bytes: [UInt8], path: String, schema: TableSchema, nullTexts: CSVCodec.NullTexts = CSVCodec.exportNullTexts
    ) throws(LineDBError) -> [ImportItem] {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw fileError(path, "not valid UTF-8 text (byte \(firstInvalidUTF8(bytes)))")
        }
        let table: (header: [String], rows: [CSVCodec.Row])
        do {
            table = try CSVCodec.read(utf8: bytes)
        } catch {
            throw fileError("\(path):\(error.line)", error.message)
        }
        let names = schema.columns.map(\.name)
        var columns: [Int] = []
        for raw in table.header {
            let name = raw.trimmingSpaces()
            guard let c = schema.index(of: name) else {
                let hint = Suggest.closest(name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw fileError(path, "the header names '\(name)', which table '\(schema.name)' does not have\(hint)")
            }
            if columns.contains(c) { throw fileError(path, "the header names '\(name)' twice") }
            columns.append(c)
        }
        var items: [ImportItem] = []
        items.reserveCapacity(table.rows.count)
        for (i, row) in table.rows.enumerated() {
            let place = ImportItem.Place(record: i + 1, line: row.line, format: .csv)
            guard row.fields.count == columns.count else {
                throw importError(path, place, "\(row.fields.count) fields, but the header has \(columns.count)")
            }
            var record = Record(minimumCapacity: columns.count)
            for (i, (field, c)) in zip(row.fields, columns).enumerated() {
                let column = schema.columns[c]
                let quoted = i < row.quoted.count && row.quoted[i]
                switch CSVCodec.value(of: field, quoted: quoted, type: column.type, nullTexts: nullTexts) {
                case .success(let value): record[column.name] = value
                case .failure(let e):
                    throw importError(path, place, "column '\(column.name)' (\(column.type.rawValue)): \(e.message)")
                }
            }
            items.append(ImportItem(record: record, place: place))
        }
        return items
    }

    /// 1-based line and byte column of a byte offset.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        UTF8Validation.firstInvalidByte(bytes) ?? bytes.count
    }
}
