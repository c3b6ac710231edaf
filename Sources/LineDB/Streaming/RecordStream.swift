/// Records read one at a time, filtered and limited, in constant memory: nothing is collected into an array.
///
/// Get one from ``Database/stream(_:where:limit:)`` (a table in memory, dynamic), ``RecordTable/stream(where:limit:)``
/// (typed), or ``RecordsFileReader/stream(where:limit:)`` / ``RecordsFileReader/stream(_:where:limit:)`` (straight
/// from `data/<table>.records`, without opening the database).
///
/// ```swift
/// var stream = try students.stream(where: { $0.gpa > 3.5 }, limit: 100)
/// while let student = try stream.next() { print(student.name) }
/// // or
/// try students.stream(where: { $0.gpa > 3.5 }).forEach { print($0.name) }
/// ```
///
/// Reading stops as soon as `limit` records were returned: the rest of the table (or file) is not read.
///
/// A stream over a table in memory sees the table as it was when the stream was made, without copying it (a
/// write while the stream lives costs one copy of the table's row list, not of the records) and without holding
/// the database's lock, so the loop body may itself read and write the database.
public struct RecordStream<Element> {
    private enum Source {
        case memory(RowSnapshot, position: Int)
        case file(RecordsFileRowCursor)
    }

    private var source: Source
    private let decode: (Row) throws -> Element
    private let predicate: ((Element) throws -> Bool)?
    private let limit: Int?
    private var returned = 0

    /// Rows examined so far (decoded and tested), accepted or not.
    public private(set) var rowsRead = 0

    /// Bytes read from the records file so far (0 for a stream over a table in memory).
    public var bytesRead: Int {
        if case .file(let cursor) = source { return cursor.bytesRead }
        return 0
    }

    init(
        snapshot: RowSnapshot, decode: @escaping (Row) throws -> Element,
        where predicate: ((Element) throws -> Bool)?, limit: Int?
    ) {
        source = .memory(snapshot, position: 0)
        self.decode = decode
        self.predicate = predicate
        self.limit = limit
    }

    init(
        file cursor: RecordsFileRowCursor, decode: @escaping (Row) throws -> Element,
        where predicate: ((Element) throws -> Bool)?, limit: Int?
    ) {
        source = .file(cursor)
        self.decode = decode
        self.predicate = predicate
        self.limit = limit
    }

    /// The next record the filter accepts, or `nil` at the end (or once `limit` records were returned).
    ///
    /// - Throws: what decoding or the predicate throws; for a file,
    ///   ``LineDBError/corrupt(path:line:column:byteOffset:reason:hint:)``
    ///   for a line that is not a valid record.
    public mutating func next() throws -> Element? {
        if let limit, returned >= limit { return nil }
        while let row = try nextRow() {
            rowsRead += 1
            let element = try decode(row)
            if let predicate, try !predicate(element) { continue }
            returned += 1
            return element
        }
        return nil
    }

    /// Calls `body` with each remaining record.
    ///
    /// - Parameter body: called with each record the stream returns, in order.
    /// - Throws: what ``next()`` or `body` throws; the stream stops there.
    public mutating func forEach(_ body: (Element) throws -> Void) throws {
        while let element = try next() { try body(element) }
    }

    private mutating func nextRow() throws -> Row? {
        switch source {
        case .memory(let snapshot, var position):
            defer { source = .memory(snapshot, position: position) }
            while position < snapshot.count {
                position += 1
                if let row = snapshot.row(at: position - 1) { return row }
            }
            return nil
        case .file(var cursor):
            source = .memory(RowSnapshot.empty, position: 0)  // keep the cursor uniquely referenced while it reads
            defer { source = .file(cursor) }
            return try cursor.next()
        }
    }
}
