#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the records of one table straight from its `data/<table>.records` file, in constant memory, without
/// opening the database: for tools that scan big files, and for showing the first (or last) screen of a large
/// table before the whole table is loaded.
///
/// ```swift
/// let reader = try RecordsFileReader(databasePath: "data/university", table: "student")
/// var cursor = try reader.makeCursor()
/// while let student = try cursor.next() { print(student["name"] ?? nil) }
/// let lastTen = try reader.last(10)
/// ```
///
/// It reads what the file holds: changes still only in the WAL (not yet saved) are not included, and a torn last
/// line (an interrupted append) is skipped. It takes no lock and changes nothing, so it works while another process
/// writes: a save replaces the file by `rename`, and a reader keeps reading the version it opened.
public struct RecordsFileReader: Sendable {
    /// The table's schema, from `schema/<table>.schema.json`.
    public let schema: TableSchema
    /// The records file.
    public let path: String

    /// A reader of `<databasePath>/data/<table>.records`, with the table's schema read from its schema file.
    ///
    /// - Parameters:
    ///   - databasePath: the database directory (e.g. `data/university`).
    ///   - table: the table's name.
    /// - Throws: ``LineDBError/tableNotFound(table:suggestion:)`` when the schema file is missing;
    ///   ``LineDBError/invalidSchema(path:reason:)`` or
    ///   ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` when it is invalid.
    public init(databasePath: String, table: String) throws(LineDBError) {
        let paths = DatabasePaths(root: databasePath)
        let schemaPath = paths.schemaFile(table)
        guard let bytes = try RealFileIO.shared.readFile(schemaPath) else {
            throw .tableNotFound(table: table, suggestion: nil)
        }
        var warnings: [String] = []
        schema = try TableSchema.parse(fileBytes: bytes, path: schemaPath, expectedName: table, warnings: &warnings)
        path = paths.recordsFile(table)
    }

    /// A cursor over the records in file order, reading the file in 1 MiB pieces.
    public func makeCursor() throws(LineDBError) -> RecordsCursor {
        try RecordsCursor(schema: schema, path: path)
    }

    /// Calls `body` for each record `predicate` accepts, in file order, stopping after `limit` of them (or when
    /// `body` returns `false`). Memory stays flat whatever the file's size.
    ///
    /// ```swift
    /// try reader.forEach(where: { $0["gpa"]?.doubleValue ?? 0 > 3.5 }, limit: 10) { student in
    ///     print(student["name"]!)
    ///     return true   // false stops early
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - predicate: which records to pass to `body`.
    ///   - limit: the most records to pass; reading stops there.
    ///   - body: called with each record; return `false` to stop.
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` for an invalid line,
    ///   ``LineDBError/io(operation:path:errno:)``, or what `body` throws.
    public func forEach(
        where predicate: (Record) -> Bool = { _ in true }, limit: Int? = nil, _ body: (Record) throws -> Bool
    ) throws {
        var cursor = try makeCursor()
        var taken = 0
        while let record = try cursor.next() {
            if let limit, taken >= limit { return }
            guard predicate(record) else { continue }
            taken += 1
            if try !body(record) { return }
        }
    }

    /// The first `n` records of the file.
    ///
    /// - Parameter n: how many records, at most.
    /// - Throws: as ``RecordsCursor/next()``.
    public func first(_ n: Int) throws(LineDBError) -> [Record] {
        var cursor = try makeCursor()
        var out: [Record] = []
        while out.count < n, let record = try cursor.next() { out.append(record) }
        return out
    }

    /// The last `n` records of the file, read from its end (fast on a file of any size).
    ///
    /// Lines that are not valid records are skipped here, not reported.
    ///
    /// - Parameter n: how many records, at most.
    /// - Returns: the records in file order; nothing when the file does not exist.
    /// - Throws: ``LineDBError/io(operation:path:errno:)``.
    public func last(_ n: Int) throws(LineDBError) -> [Record] {
        guard n > 0 else { return [] }
        let io = RealFileIO.shared
        let fd: Int32
        do {
            fd = try io.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        } catch {
            if case .io(_, _, let code) = error, code == ENOENT { return [] }
            throw error
        }
        defer { try? io.close(fd, path: path) }
        let size = io.fstat(fd)?.size ?? 0
        var window = 64 * 1024
        while true {
            let from = max(0, size - window)
            let bytes = try io.pread(fd, count: size - from, offset: from, path: path)
            // Complete lines only: drop a torn last line, and the partial first line unless at the file's start.
            var records: [Record] = []
            bytes.withUnsafeBufferPointer { buffer in
                var lines: [JSONLine] = []
                JSONLines.forEach(buffer) { line in
                    if line.complete && !(from > 0 && line.number == 1) && !JSONLines.isBlank(buffer, line) {
                        lines.append(line)
                    }
                    return true
                }
                for line in lines.suffix(n) {
                    if let row = try? schema.parseStoredRow(UnsafeBufferPointer(rebasing: buffer[line.start..<line.end])) {
                        records.append(TableState.record(row, schema: schema))
                    }
                }
            }
            if records.count >= n || from == 0 { return Array(records.suffix(n)) }
            window *= 4
        }
    }
}

/// Reads records one by one from a records file; see ``RecordsFileReader/makeCursor()``.
public struct RecordsCursor {
    private let schema: TableSchema
    private let path: String
    private let fd: FileDescriptorBox
    private var buffer: [UInt8] = []
    private var start = 0
    private var offset = 0
    private var atEnd = false
    /// The 1-based line number of the record last returned.
    public private(set) var line = 0

    init(schema: TableSchema, path: String) throws(LineDBError) {
        self.schema = schema
        self.path = path
        fd = FileDescriptorBox(try RealFileIO.shared.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0), path: path)
    }

    /// The next record, or `nil` at the end of the file (a torn last line is skipped).
    ///
    /// - Throws: ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)`` for a line that is not a valid
    ///   record.
    public mutating func next() throws(LineDBError) -> Record? {
        while true {
            let next = buffer.withUnsafeBufferPointer { all -> (JSONLine, Bool)? in
                guard start < all.count else { return nil }
                let l = JSONLines.line(in: all, at: start, number: line + 1)
                return l.complete ? (l, JSONLines.isBlank(all, l)) : nil
            }
            if let (l, blank) = next {
                let lineStart = offset - (buffer.count - start)
                start = l.next
                line += 1
                if blank { continue }
                let parsed = buffer.withUnsafeBufferPointer { all -> Result<Row, RowParseError> in
                    do throws(RowParseError) {
                        return .success(try schema.parseStoredRow(UnsafeBufferPointer(rebasing: all[l.start..<l.end])))
                    } catch {
                        return .failure(error)
                    }
                }
                switch parsed {
                case .success(let row): return TableState.record(row, schema: schema)
                case .failure(let error):
                    let reason: String
                    switch error {
                    case .json(let e): reason = "invalid JSON: \(e.message)"
                    case .constraint(let e): reason = e.description
                    }
                    throw .corrupt(path: path, line: line, column: nil, byteOffset: lineStart, reason: reason, hint: nil)
                }
            }
            if atEnd { return nil }  // what is left has no newline: a torn last line
            // Keep the unfinished line, read the next piece.
            buffer.removeFirst(start)
            start = 0
            let chunk = try RealFileIO.shared.pread(fd.fd, count: 1 << 20, offset: offset, path: path)
            if chunk.isEmpty { atEnd = true; continue }
            offset += chunk.count
            buffer.append(contentsOf: chunk)
        }
    }
}

/// Closes its descriptor when the last copy of a cursor goes away.
final class FileDescriptorBox: @unchecked Sendable {
    let fd: Int32
    let path: String
    init(_ fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }
    deinit { try? RealFileIO.shared.close(fd, path: path) }
}

extension TableState {
    /// A row as an ordered object, for a schema without a table.
    static func record(_ row: Row, schema: TableSchema) -> Record {
        var o = Record(minimumCapacity: row.values.count)
        for (i, c) in schema.columns.enumerated() { o[c.name] = row.values[i] }
        if let extras = row.extras { for (k, v) in extras.fields where o[k] == nil { o[k] = v } }
        return o
    }
}
