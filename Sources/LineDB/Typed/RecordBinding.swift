/// A ``RecordLayout`` bound to one table as it exists: where each of the type's columns is in the table's rows,
/// and how each is stored (a `Date` in a `date` column is written as `YYYY-MM-DD`).
final class RecordBinding: Sendable {
    let layout: RecordLayout
    /// The table's schema (from its file; may order columns differently from the Swift type).
    let tableSchema: TableSchema
    /// The type's column names, in the type's order.
    let names: [String]
    /// For each of the type's columns, its position in the table's rows.
    let tableIndex: [Int]
    /// Name → position in `names`.
    let positions: [String: Int]
    /// For each of the type's columns, whether a `Date` is written as a date only.
    let dateOnly: [Bool]

    var table: String { tableSchema.name }

    /// A decoder kept for fetches by key, so that they do not make one each; used only under the database's
    /// state lock (``withSpareDecoder(_:)``), so never by two threads at once.
    nonisolated(unsafe) private var spareDecoder: RowDecoder?

    /// Runs `body` with this binding's spare decoder. Call it only under the state lock of the database that the
    /// binding was registered with.
    func withSpareDecoder<T>(_ body: (RowDecoder) throws -> T) rethrows -> T {
        let decoder = spareDecoder ?? RowDecoder(binding: self, ownedByBinding: true)
        spareDecoder = nil  // taken: a nested use (from a custom init(from:)) makes its own
        defer { spareDecoder = decoder }
        return try body(decoder)
    }

    init(layout: RecordLayout, tableSchema: TableSchema) {
        self.layout = layout
        self.tableSchema = tableSchema
        names = layout.schema.columns.map(\.name)
        tableIndex = names.map { tableSchema.index(of: $0) ?? -1 }
        var positions: [String: Int] = [:]
        for (i, n) in names.enumerated() { positions[n] = i }
        self.positions = positions
        dateOnly = names.map { tableSchema.column(named: $0)?.type == .date }
    }

    /// The primary-key value of a row of the table.
    func key(ofRowValues values: [JSONValue]) -> JSONValue {
        tableSchema.primaryKeyIndex.map { values[$0] } ?? .null
    }

    /// Turns an error from decoding a row into one that names the table, the record's key, the column and its
    /// stored value (`row`: the row's values in table column order).
    func decodingError(_ error: Error, key: String?, row: [JSONValue]? = nil) -> Error {
        if error is TypedRecordError || error is LineDBError { return error }
        guard let e = error as? DecodingError else {
            return TypedRecordError.cannotDecode(table: table, key: key, column: nil, value: nil, reason: "\(error)")
        }
        let context: DecodingError.Context
        var reason: String
        switch e {
        case .typeMismatch(let type, let c):
            context = c
            reason = "\(layout.typeName) wants \(type): \(c.debugDescription)"
        case .valueNotFound(let type, let c):
            context = c
            reason = "\(layout.typeName) wants \(type): \(c.debugDescription)"
        case .keyNotFound(let k, let c):
            context = c
            reason = "no value for '\(k.stringValue)': \(c.debugDescription)"
        case .dataCorrupted(let c):
            context = c
            reason = c.debugDescription
        @unknown default:
            return TypedRecordError.cannotDecode(table: table, key: key, column: nil, value: nil, reason: "\(error)")
        }
        let path = context.codingPath.map(\.stringValue)
        if path.count > 1 { reason += " (at \(path.joined(separator: ".")))" }
        var value: String? = nil
        if let row, let column = path.first, let c = tableSchema.index(of: column), c < row.count {
            value = row[c].brief
        }
        return TypedRecordError.cannotDecode(table: table, key: key, column: path.first, value: value, reason: reason)
    }
}
