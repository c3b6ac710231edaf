#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``Database/importNewTable(_:from:format:options:)`` makes a table from a file.
public struct TableImportOptions: Sendable, Hashable {
    /// The column to make the primary key (its values must be integers or text, present and distinct). `nil`:
    /// an automatic integer key is added as the first column, named by
    /// ``SchemaInference/automaticKeyName(avoiding:)`` (`id`, `_id`, `id_1`, ...), numbering the records 1, 2, ...
    /// in file order.
    public var key: String?
    /// Texts that mean null. In CSV an **unquoted** field that is exactly one of them is null (a quoted one never
    /// is: `"NA"` is the text NA); an empty field is null in a column that is not `str` in any case, and in a `str`
    /// column only when `""` is one of them. In JSON input a string value that is exactly one of them is null.
    /// Empty by default: a file from elsewhere means the empty string by an empty field, and text by `NA`.
    public var nullTexts: [String]
    /// The column names to use instead of the file's (a CSV file's header row is still read, and skipped; a JSON
    /// file's keys are renamed in the order they first appear). For a file whose names LineDB cannot take.
    public var header: [String]?

    /// Options for ``Database/importNewTable(_:from:format:options:)``.
    ///
    /// - Parameters:
    ///   - key: the primary-key column, or `nil` for an automatic integer key.
    ///   - nullTexts: texts read as null.
    ///   - header: column names replacing the file's.
    public init(key: String? = nil, nullTexts: [String] = [], header: [String]? = nil) {
        self.key = key
        self.nullTexts = nullTexts
        self.header = header
    }
}

/// A table made from a file: what ``Database/inferTable(_:from:format:options:)`` would create and
/// ``Database/importNewTable(_:from:format:options:)`` created.
public struct InferredTable: Sendable {
    /// The table's schema: its key (given or automatic), then the file's columns in file order, each typed as
    /// ``ColumnTypeInference`` infers it from all its values.
    public var schema: TableSchema
    /// The number of records in the file.
    public var recordCount: Int
    /// The name of the automatic key column, when one was added (no ``TableImportOptions/key``).
    public var automaticKey: String?
    /// Facts worth telling the person importing, e.g. a column kept as text because it holds integers beyond 64
    /// bits, or a column with no value at all.
    public var notes: [String]
}

/// A file read and checked for a new table: everything but the writing.
struct PreparedNewTable {
    var inferred: InferredTable
    /// The table in memory, its rows appended and indexed (not registered in the database).
    var table: TableState
    var rows: [Row]
}

extension Database {
    /// Reads a file and says what table ``importNewTable(_:from:format:options:)`` would make of it, writing
    /// nothing: the whole file is read, its types inferred and every value converted and checked (keys included),
    /// so an import that would fail fails here with the same message.
    ///
    /// Works on a database opened read-only.
    ///
    /// - Parameters:
    ///   - name: the new table's name; no table of that name may exist.
    ///   - path: the file (CSV with a header row, JSON or JSON Lines: see ``importNewTable(_:from:format:options:)``).
    ///   - format: the file's format; `nil` guesses from its extension.
    ///   - options: key, null texts and column names.
    /// - Returns: the table's schema, record count and notes.
    /// - Throws: as ``importNewTable(_:from:format:options:)``.
    public func inferTable(
        _ name: String, from path: String, format: ExportFormat? = nil, options: TableImportOptions = .init()
    ) throws(LineDBError) -> InferredTable {
        try prepareNewTable(name, from: path, format: format, options: options).inferred
    }

    /// Creates a table from a file and imports its records, all or nothing: the table's columns and their types
    /// are inferred from all the file's values (``ColumnTypeInference``), then the table's creation and every
    /// record are written as one transaction.
    ///
    /// ```swift
    /// let made = try db.importNewTable("flights", from: "flights.csv", options: .init(nullTexts: ["NA"]))
    /// made.schema.columns.map(\.type)  // [.int, .int, .int, .int, ...]
    /// ```
    ///
    /// Accepted input:
    /// - ``ExportFormat/csv``: a header row naming the columns (surrounding spaces trimmed), then one row per record,
    ///   each with as many fields; UTF-8, a byte order mark skipped, lines ending in LF, CRLF or CR. A field is
    ///   read by the one rule of CSV values (`CSVCodec.value(of:quoted:type:nullTexts:)`): an unquoted field
    ///   that is one of ``TableImportOptions/nullTexts`` is null; in a `str` column a field is its text as
    ///   written (the empty field is `""`); in other columns an empty field is null and the others are read by
    ///   ``ColumnType/value(fromText:)``.
    /// - ``ExportFormat/json`` (an export object or an array of objects) and ``ExportFormat/jsonl`` (one object
    ///   per line): the columns are the keys of all the records, in the order they first appear; a missing key is
    ///   null; arrays and objects make a `json` column.
    ///
    /// The column names must all be names a table can have (``SchemaInference/columnNameProblems(_:)``); when they
    /// are not, the error lists every problem and the way out (``TableImportOptions/header``).
    ///
    /// - Parameters:
    ///   - name: the new table's name.
    ///   - path: the file to read.
    ///   - format: the file's format; `nil` guesses from its extension.
    ///   - options: key, null texts and column names.
    /// - Returns: what was created: schema, record count, notes.
    /// - Throws: ``LineDBError/tableExists(table:)``; ``LineDBError/invalidInput(reason:)`` naming the file, the
    ///   line (or record) and the column of the first problem, e.g. a duplicate key with both lines; nothing is
    ///   written then (no schema file, no records file, no WAL byte). ``LineDBError/io(operation:path:errno:)``.
    /// > Important: Durable when it returns under ``SyncMode/full``: the `CREATE_TABLE` line, every record's
    /// > `INSERT` line and a closing `COMMIT`, all tagged with one `txn`, are written and synced once; a crash before
    /// > the `COMMIT` is on disk leaves no table (recovery discards the transaction).
    @discardableResult
    public func importNewTable(
        _ name: String, from path: String, format: ExportFormat? = nil, options: TableImportOptions = .init()
    ) throws(LineDBError) -> InferredTable {
        try state.withLock { () throws(LineDBError) in try requireWritable() }
        let prepared = try prepareNewTable(name, from: path, format: format, options: options)
        let t = prepared.table
        try write(transaction: true) { (batch) throws(LineDBError) in
            if tables[name] != nil { throw .tableExists(table: name) }
            try batch.logTableOperation(.createTable, name: name, record: .object(t.schema.jsonObject))
            let wasPendingRemoval = pendingFileRemovals.contains(name)
            pendingFileRemovals.remove(name)
            tables[name] = t
            pendingSchemaWrites.insert(name)
            t.needsRewrite = true
            batch.onRollback { [unowned self] in
                tables.removeValue(forKey: name)
                pendingSchemaWrites.remove(name)
                if wasPendingRemoval { pendingFileRemovals.insert(name) }
            }
            try batch.logAppended(t, rows: prepared.rows, firstSlot: 0)
        }
        // Committed and durable: from here on the table exists. Its schema file and an (empty) records file are
        // written now, as createTable writes them, unless the auto-checkpoint just saved it; the records stay in the
        // WAL until the next save, as after any insert.
        try state.withLock { () throws(LineDBError) in
            guard let paths, pendingSchemaWrites.contains(name), tables[name] === t, t.savedSlots == 0 else { return }
            do throws(LineDBError) {
                try io.durableReplace(paths.schemaFile(name), contents: t.schema.fileContents)
                try io.durableReplace(paths.recordsFile(name), contents: [])
                try io.syncDirectory(paths.schemaDir)
                try io.syncDirectory(paths.dataDir)
            } catch {
                return  // the next save writes them (and a reopen recreates the table from the WAL)
            }
            pendingSchemaWrites.remove(name)
            t.needsRewrite = false
        }
        return prepared.inferred
    }

    // MARK: - Reading the file

    /// Reads, infers, converts and checks: everything but the writing (no lock needed: nothing shared is touched).
    func prepareNewTable(
        _ name: String, from path: String, format: ExportFormat?, options: TableImportOptions
    ) throws(LineDBError) -> PreparedNewTable {
        guard let format = format ?? ExportFormat(pathExtensionOf: path) else {
            throw .invalidInput(reason: "\(path): cannot tell the format from the file name; give json, jsonl or csv")
        }
        guard format.isImportable else {
            throw .invalidInput(reason: "\(path): \(format.rawValue) is an export format only; import reads json, jsonl or csv; nothing was imported")
        }
        guard TableSchema.isValidTableName(name) else {
            throw .invalidSchema(
                path: nil,
                reason: TableSchema.hiddenCharacterProblem("table name", name)
                    ?? "'\(name)' is not a valid table name (use letters, digits, '_' and '-', not starting with '.')")
        }
        if try state.withLock({ () throws(LineDBError) in tables[name] != nil }) { throw .tableExists(table: name) }
        guard let bytes = try io.readFile(path) else { throw .io(operation: "read", path: path, errno: ENOENT) }
        var columns: ImportColumns
        switch format {
        case .csv: columns = try CSVImportReader.read(bytes, path: path, options: options)
        case .json:
            columns = try JSONImportReader.read(
                Database.parseImportJSON(bytes, path: path, table: name), path: path, options: options)
        case .jsonl:
            columns = try JSONImportReader.read(
                Database.parseImportJSONLines(bytes, path: path), path: path, options: options)
        case .tsv, .markdown:
            throw .invalidInput(reason: "\(path): \(format.rawValue) is an export format only")  // (refused above)
        }
        return try columns.finish(table: name, path: path, options: options)
    }
}

/// A file's columns, their inferred types and a way to produce the rows: what the CSV and JSON readers share.
struct ImportColumns {
    /// The names in the file (before ``TableImportOptions/header``).
    var fileNames: [String]
    var inferences: [ColumnTypeInference]
    var recordCount: Int
    /// Whether ``convert`` fills the automatic key (the CSV reader numbers the records as it reads them).
    var automaticKeyFilled = false
    /// Where record `i` is, for messages.
    var place: (Int) -> ImportItem.Place
    /// Fills `rows` with the values of the file's columns converted to `types`, each row leaving `offset` slots
    /// in front (for the automatic key).
    var convert: (_ schema: TableSchema, _ offset: Int) throws(LineDBError) -> [Row]

    func fileError(_ path: String, _ reason: String) -> LineDBError {
        .invalidInput(reason: "\(path): \(reason); nothing was imported")
    }

    /// Names, key, schema, rows and the key check.
    func finish(table name: String, path: String, options: TableImportOptions) throws(LineDBError) -> PreparedNewTable {
        var names = fileNames
        if names.isEmpty {
            throw fileError(path, "the file names no column (no records, or records without fields): nothing to make a table of")
        }
        if let header = options.header {
            guard header.count == fileNames.count else {
                throw fileError(
                    path, "--header gives \(header.count) names but the file has \(fileNames.count) columns "
                        + "(\(fileNames.map { "'\(VisibleText.escaped($0))'" }.joined(separator: ", ")))")
            }
            names = header
        }
        let problems = SchemaInference.columnNameProblems(names)
        if !problems.isEmpty {
            let source = options.header != nil ? "--header" : "the file's column names"
            let count = names.count
            throw fileError(
                path, "\(source) cannot be used: " + problems.joined(separator: "; ")
                    + "; give all \(count) names in order with --header a,b,c")
        }
        var notes: [String] = []
        var types = inferences.map(\.type)
        for (c, inference) in inferences.enumerated() {
            if let big = inference.bigInteger {
                notes.append("column '\(names[c])' holds integers beyond 64 bits (e.g. \(big)): kept as text (str)")
            } else if !inference.sawValue && recordCount > 0 {
                notes.append("column '\(names[c])' has no value in any record: made str")
            }
        }
        var keyColumn: Int? = nil
        var automaticKey: String? = nil
        if let key = options.key {
            guard let c = names.firstIndex(where: { String.exactlyEqual($0, key) }) else {
                let hint = Suggest.closest(key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw fileError(path, "--key '\(key)' is not a column of the file\(hint)")
            }
            if !inferences[c].sawValue { types[c] = .str }
            guard types[c] == .int || types[c] == .str else {
                throw fileError(
                    path, "--key '\(key)': the column holds \(types[c].rawValue) values; a primary key is int or str")
            }
            keyColumn = c
        } else {
            automaticKey = SchemaInference.automaticKeyName(avoiding: names)
        }
        var columns: [Column] = []
        if let automaticKey { columns.append(Column(automaticKey, .int, primaryKey: true)) }
        for (c, name) in names.enumerated() { columns.append(Column(name, types[c], primaryKey: c == keyColumn)) }
        let schema = try TableSchema(name, columns: columns)
        let offset = automaticKey == nil ? 0 : 1
        var rows = try convert(schema, offset)
        if offset == 1 && !automaticKeyFilled { for i in rows.indices { rows[i].values[0] = .int(i + 1) } }
        // The key: present and distinct, checked by indexing the rows as the table will hold them.
        let t = TableState(schema: schema)
        t.reserve(rows.count)
        let pk = schema.primaryKeyIndex!
        for (i, row) in rows.enumerated() {
            if row.values[pk].isNull {
                throw Database.importError(path, place(i), "the key column '\(schema.columns[pk].name)' is empty (null)")
            }
            do throws(LineDBError) {
                try t.claimIndexes(for: row)
            } catch {
                let value = row.values[pk]
                let earlier = rows[..<i].firstIndex { $0.values[pk] == value }.map { place($0).short } ?? "an earlier record"
                throw fileError(
                    path, "the key column '\(schema.columns[pk].name)' holds \(value.brief) in \(earlier) "
                        + "and again in \(place(i).short)")
            }
            _ = t.appendClaimed(row)
        }
        let inferred = InferredTable(schema: schema, recordCount: rows.count, automaticKey: automaticKey, notes: notes)
        return PreparedNewTable(inferred: inferred, table: t, rows: rows)
    }
}

/// CSV for a new table, in one pass over the bytes that infers and converts at once: each field is converted by
/// the type its column has so far (which accepts it, since the inference just saw it). A column whose type then
/// changes (an integer column meeting `2.5`, a number column meeting text), or whose first fields were blank, is
/// converted again at the end, alone, by its final type: the file is read once more only for such columns.
enum CSVImportReader {
    static func read(_ input: [UInt8], path: String, options: TableImportOptions) throws(LineDBError) -> ImportColumns {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // The standard library's validator is several times faster than the engine's scalar-by-scalar one; that
        // one only says where the first bad byte is.
        let valid = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) != nil }
        if !valid, let bad = UTF8Validation.firstInvalidByte(bytes) {
            throw .invalidInput(reason: "\(path): not valid UTF-8 text (byte \(bad)); nothing was imported")
        }
        let nullTexts = CSVCodec.NullTexts(options.nullTexts)
        let offset = options.key == nil ? 1 : 0  // the automatic key comes first
        var header: [String]? = nil
        var inferences: [ColumnTypeInference] = []
        /// Per column: the type its converted values have (nil: none converted yet), whether some must be
        /// converted again, whether blank fields came before its first value (null, or "" if it ends up str).
        var used: [ColumnType?] = []
        var redo: [Bool] = []
        var blankFirst: [Bool] = []
        var lines: [Int] = []
        var rows: [Row] = []
        var problem: LineDBError? = nil
        do throws(CSVCodec.ReadError) {
            try bytes.withUnsafeBufferPointer { (b) throws(CSVCodec.ReadError) in
                try CSVCodec.forEachRecord(b) { line, fields in
                    guard let names = header else {
                        header = fields.map { CSVCodec.text(of: $0, in: b).trimmingSpaces() }
                        inferences = Array(repeating: ColumnTypeInference(), count: fields.count)
                        used = Array(repeating: nil, count: fields.count)
                        redo = Array(repeating: false, count: fields.count)
                        blankFirst = redo
                        return true
                    }
                    guard fields.count == names.count else {
                        let place = ImportItem.Place(record: lines.count + 1, line: line, format: .csv)
                        problem = Database.importError(
                            path, place, "\(fields.count) fields, but the header has \(names.count)")
                        return false
                    }
                    lines.append(line)
                    var values = [JSONValue](repeating: .null, count: fields.count + offset)
                    if offset == 1 { values[0] = .int(lines.count) }
                    for (c, field) in fields.enumerated() {
                        let text = UnsafeBufferPointer(rebasing: b[field.start..<field.end])
                        if !field.quoted && nullTexts.contains(text) { continue }  // null in every type
                        let isValue = inferences[c].add(utf8: text)
                        if redo[c] { continue }
                        guard let type = used[c] ?? (isValue ? inferences[c].type : nil) else {
                            blankFirst[c] = true  // blank before any value: null unless the column is str
                            continue
                        }
                        if type != inferences[c].type {
                            redo[c] = true
                            continue
                        }
                        used[c] = type
                        let result = field.escaped
                            ? CSVCodec.value(of: CSVCodec.text(of: field, in: b), quoted: true, type: type, nullTexts: nullTexts)
                            : CSVCodec.value(of: text, quoted: field.quoted, type: type, nullTexts: nullTexts)
                        switch result {
                        case .success(let v): values[c + offset] = v
                        case .failure: redo[c] = true  // cannot happen (the type accepts the text); reported below
                        }
                    }
                    rows.append(Row(values: values))
                    return true
                }
            }
        } catch {
            throw .invalidInput(reason: "\(path):\(error.line): \(error.message); nothing was imported")
        }
        if let problem { throw problem }
        guard let header else {
            throw .invalidInput(reason: "\(path): the file is empty; expected a header row; nothing was imported")
        }
        let recordLines = lines
        let converted = rows
        let usedTypes = used, redone = redo, blanks = blankFirst
        return ImportColumns(
            fileNames: header, inferences: inferences, recordCount: lines.count, automaticKeyFilled: offset == 1,
            place: { ImportItem.Place(record: $0 + 1, line: recordLines[$0], format: .csv) },
            convert: { (schema, offset) throws(LineDBError) -> [Row] in
                var rows = converted
                var again: [Int] = []
                for c in header.indices {
                    let final = schema.columns[c + offset].type
                    if redone[c] || (usedTypes[c] != nil && usedTypes[c] != final)
                        || (blanks[c] && final == .str)
                    {
                        again.append(c)
                    }
                }
                if !again.isEmpty {
                    try reconvert(
                        again, of: &rows, bytes: bytes, path: path, schema: schema, offset: offset, nullTexts: nullTexts,
                        lines: recordLines)
                }
                return rows
            })
    }

    /// Converts `columns` of every record again, by the schema's (final) types.
    static func reconvert(
        _ columns: [Int], of rows: inout [Row], bytes: [UInt8], path: String, schema: TableSchema, offset: Int,
        nullTexts: CSVCodec.NullTexts, lines: [Int]
    ) throws(LineDBError) {
        var problem: LineDBError? = nil
        var index = -1  // the header first
        bytes.withUnsafeBufferPointer { b in
            try? CSVCodec.forEachRecord(b) { _, fields in  // the quoting was checked by the first pass
                defer { index += 1 }
                guard index >= 0 else { return true }
                for i in columns {
                    let field = fields[i]
                    let c = i + offset
                    let type = schema.columns[c].type
                    let result = field.escaped
                        ? CSVCodec.value(of: CSVCodec.text(of: field, in: b), quoted: true, type: type, nullTexts: nullTexts)
                        : CSVCodec.value(
                            of: UnsafeBufferPointer(rebasing: b[field.start..<field.end]), quoted: field.quoted,
                            type: type, nullTexts: nullTexts)
                    switch result {
                    case .success(let v): rows[index].values[c] = v
                    case .failure(let e):
                        let place = ImportItem.Place(record: index + 1, line: lines[index], format: .csv)
                        problem = Database.importError(
                            path, place, "column '\(schema.columns[c].name)' (\(type.rawValue)): \(e.message)")
                        return false
                    }
                }
                return true
            }
        }
        if let problem { throw problem }
    }
}

/// JSON and JSON Lines for a new table: the records are parsed once; the columns are their keys.
enum JSONImportReader {
    static func read(_ items: [ImportItem], path: String, options: TableImportOptions) throws(LineDBError) -> ImportColumns {
        var nulls = NameSet()
        for text in options.nullTexts { _ = nulls.insert(text) }
        var names: [String] = []
        var positions = NameMap<Int>()
        var inferences: [ColumnTypeInference] = []
        for item in items {
            for (key, value) in item.record {
                let c: Int
                if let known = positions[key] {
                    c = known
                } else {
                    c = names.count
                    positions[key] = c
                    names.append(key)
                    inferences.append(ColumnTypeInference())
                }
                if case .string(let s) = value, nulls.contains(s) { continue }
                inferences[c].add(value)
            }
        }
        let lookup = positions
        let nullTexts = nulls
        return ImportColumns(
            fileNames: names, inferences: inferences, recordCount: items.count, place: { items[$0].place },
            convert: { (schema, offset) throws(LineDBError) -> [Row] in
                var rows: [Row] = []
                rows.reserveCapacity(items.count)
                for item in items {
                    var values = [JSONValue](repeating: .null, count: schema.columns.count)
                    for (key, value) in item.record {
                        guard let i = lookup[key] else { continue }
                        if case .string(let s) = value, nullTexts.contains(s) { continue }
                        let c = i + offset
                        do throws(LineDBError) {
                            values[c] = try schema.normalize(value, column: c)
                        } catch {
                            throw Database.importError(path, item.place, error.description)
                        }
                    }
                    rows.append(Row(values: values))
                }
                return rows
            })
    }
}
