import Dispatch

/// Turning input into rows (types, defaults, NOT NULL, keys) and rows into output.
extension TableState {
    /// Checks and converts one value for column `c`. `null` is allowed here; NOT NULL is checked by the caller.
    package func normalize(_ value: JSONValue, column c: Int) throws(LineDBError) -> JSONValue {
        try schema.normalize(value, column: c)
    }

    /// Builds the row for an insert: every key must be a column; missing columns get their default (or null);
    /// values are type-checked; an absent integer primary key is assigned from the counter (refused once the counter
    /// is exhausted: see ``nextAutoKey``).
    package func rowForInsert(_ input: Record) throws(LineDBError) -> Row {
        var assigned = false
        let row = try schema.rowForInsert(input, autoKey: nextAutoKey ?? .max, assigned: &assigned)
        if assigned && nextAutoKey == nil { throw autoKeysExhausted }
        return row
    }

    /// Applies `changes` (a partial record) to `row`.
    package func rowForUpdate(_ row: Row, changes: Record) throws(LineDBError) -> Row {
        var updated = row
        for (key, value) in changes {
            guard let c = schema.index(of: key) else {
                throw .unknownColumn(table: schema.name, column: key, suggestion: Suggest.closest(key, in: schema.columns.map(\.name)))
            }
            updated.values[c] = try normalize(value, column: c)
        }
        try checkRequired(updated)
        return updated
    }

    /// NOT NULL and primary key presence.
    package func checkRequired(_ row: Row) throws(LineDBError) { try schema.checkRequired(row) }

    /// Primary-key and UNIQUE checks against the indexes, O(1) per indexed column. `slot` is the row being
    /// replaced, whose own values do not count.
    package func checkUnique(_ row: Row, replacing slot: Int?) throws(LineDBError) {
        if let pk = schema.primaryKeyIndex, let other = keyIndex[row.values[pk]], other != slot {
            throw .duplicateValue(table: schema.name, column: schema.columns[pk].name, value: row.values[pk].brief)
        }
        for u in uniqueColumns.indices {
            let c = uniqueColumns[u]
            let v = row.values[c]
            if !v.isNull, let other = uniqueIndexes[u].slot(for: v, valueAt: { slots[$0]!.values[c] }), other != slot {
                throw .duplicateValue(table: schema.name, column: schema.columns[c].name, value: v.brief)
            }
        }
    }

    /// Builds a row from a stored object (a records-file line or a WAL record): unknown keys are kept, missing
    /// columns get their default or null, types are checked, NOT NULL is checked.
    package func rowFromStored(_ object: JSONObject) throws(LineDBError) -> Row {
        var values = [JSONValue?](repeating: nil, count: schema.columns.count)
        var extras: JSONObject? = nil
        for (key, value) in object {
            if let c = schema.index(of: key) {
                values[c] = try schema.normalizeStored(value, column: c)
            } else {
                if extras == nil { extras = [:] }
                extras![key] = value
            }
        }
        let row = Row(
            values: values.enumerated().map { (i, v) in v ?? schema.columns[i].defaultValue ?? .null },
            extras: extras.map(ExtraFields.init))
        try checkRequired(row)
        return row
    }

    /// Parses one records-file line straight into a row (see ``TableSchema/parseStoredRow(_:)``).
    package func parseStoredLine(_ line: UnsafeBufferPointer<UInt8>) throws(RowParseError) -> Row {
        try schema.parseStoredRow(line)
    }

    /// Writes a row as a compact JSON object (see ``TableSchema/encodeRow(_:into:)``).
    package func encode(_ row: Row, into w: inout JSONWriter) {
        schema.encodeRow(row, into: &w)
    }

    /// The row as an ordered object (the public ``Record``).
    package func record(_ row: Row) -> Record {
        TableState.record(row, schema: schema)
    }
}

/// Why a stored line could not become a row.
package enum RowParseError: Error {
    case json(JSONParseError)
    case constraint(LineDBError)
}

/// "Did you mean" for names.
package enum Suggest {
    /// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
    package static func closest(_ name: String, in candidates: [String]) -> String? {
        var best: (String, Int)? = nil
        let a = Array(name.lowercased())
        for candidate in candidates {
            let b = Array(candidate.lowercased())
            let d = distance(a, b)
            if d <= max(1, min(a.count, b.count) / 3), best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

extension TableSchema {
    /// Parses one records-file line straight into a row, without building an intermediate object.
    /// This is the load hot path (pure, so chunks of a file parse on several threads); `hint` guesses the next column so most keys need no hash lookup.
    ///
    /// - Parameter namedColumns: when given, set to how many distinct columns the line named (the WAL replay tells a
    ///   whole record from the seed's partial update by it).
    package func parseStoredRow(
        _ line: UnsafeBufferPointer<UInt8>, namedColumns: UnsafeMutablePointer<Int>? = nil
    ) throws(RowParseError) -> Row {
        // Locals, so the closure below captures two references instead of copying the whole schema per row.
        let columns = self.columns
        let positions = self.positions
        let asciiNames = self.asciiNames
        let name = self.name
        let n = columns.count
        var values = [JSONValue](repeating: .null, count: n)
        var seenBits: UInt64 = 0  // which columns the line named (columns beyond 64 use `seenMore`)
        var seenMore: [Bool] = n > 64 ? [Bool](repeating: false, count: n) : []
        var extras: JSONObject? = nil
        var hint = 0
        var typeError: LineDBError? = nil
        do {
            try JSONParser.parseObjectMembers(line, maxDepth: NestingLimit.recordsLine) { (key, value) throws(JSONParseError) in
                var c: Int? = nil
                if hint < n && TableSchema.isName(columns[hint].name, ascii: asciiNames[hint], exactly: key) {
                    c = hint
                } else {
                    c = positions[key].flatMap {
                        TableSchema.isName(columns[$0].name, ascii: asciiNames[$0], exactly: key) ? $0 : nil
                    }
                }
                if let c {
                    hint = c + 1
                    if c < 64 { seenBits |= 1 << UInt64(c) } else { seenMore[c] = true }
                    if value.isNull {
                        values[c] = value
                    } else if let v = columns[c].type.normalize(value) {
                        values[c] = v
                    } else if typeError == nil {
                        typeError = .typeMismatch(
                            table: name, column: columns[c].name, expected: columns[c].type.expectation,
                            value: "\(value.kindName) \(value.brief)")
                    }
                } else {
                    // A field whose name only looks like a column's (the Kelvin sign beside `K`): a `Record` could
                    // not hold both, and a WAL line with both could not be read back. Refused, as the parser
                    // refuses such keys in any object.
                    if let twin = columns.first(where: { $0.name == key }) {
                        throw JSONParseError(
                            offset: 0,
                            message: "field '\(key)' (\(key.scalarCodes)) and column '\(twin.name)' "
                                + "(\(twin.name.scalarCodes)) differ only in their Unicode form; LineDB cannot hold both")
                    }
                    if extras == nil { extras = [:] }
                    let count = extras!.count
                    extras![key] = value
                    if extras!.count == count, let i = extras!.index(forKey: key),
                        !String.exactlyEqual(extras!.keys[i], key)
                    {
                        throw JSONParseError(
                            offset: 0,
                            message: "fields '\(extras!.keys[i])' (\(extras!.keys[i].scalarCodes)) and '\(key)' "
                                + "(\(key.scalarCodes)) differ only in their Unicode form; LineDB cannot hold both")
                    }
                }
            }
        } catch {
            throw .json(error)
        }
        if let typeError { throw .constraint(typeError) }
        for i in 0..<n where !(i < 64 ? seenBits & (1 << UInt64(i)) != 0 : seenMore[i]) {
            values[i] = columns[i].defaultValue ?? .null
        }
        namedColumns?.pointee = seenBits.nonzeroBitCount + seenMore.lazy.filter { $0 }.count
        let row = Row(values: values, extras: extras.map(ExtraFields.init))
        for (i, column) in columns.enumerated() where column.isRequired && values[i].isNull {
            throw .constraint(.notNull(table: name, column: column.name))
        }
        return row
    }

}

extension TableSchema {
    /// Writes a row as a compact JSON object: columns in order, then the extra fields. Pure, so large saves
    /// encode on several threads.
    package func encodeRow(_ row: Row, into w: inout JSONWriter) {
        let values = row.values
        for i in 0..<keyPrefixes.count {
            w.bytes.append(contentsOf: keyPrefixes[i])
            w.write(values[i])
        }
        if let extras = row.extras {
            for (k, v) in extras.fields {
                w.writeRaw(",")
                w.writeString(k)
                w.writeRaw(":")
                w.write(v)
            }
        }
        w.writeRaw("}")
    }

    /// Encodes rows as JSON Lines, in parallel chunks when there are many; the chunks are in order.
    package func encodeLines(_ rows: [Row]) -> [[UInt8]] {
        let parts = rows.count >= 50_000 ? 4 : 1
        if parts == 1 {
            var w = JSONWriter(reservingCapacity: rows.count * 128)
            for row in rows {
                encodeRow(row, into: &w)
                w.writeRaw("\n")
            }
            return [w.bytes]
        }
        let results = ThreadSlots(count: parts, initial: [UInt8]())
        let schema = self
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            let range = (rows.count * k / parts)..<(rows.count * (k + 1) / parts)
            var w = JSONWriter(reservingCapacity: range.count * 128)
            for i in range {
                schema.encodeRow(rows[i], into: &w)
                w.writeRaw("\n")
            }
            results.set(k, w.bytes)
        }
        return results.values
    }
}

/// The checks of an insert that need only the schema: pure, so a bulk insert builds its rows on several threads.
extension TableSchema {
    /// Checks and converts one value entering the database for column `c`: its type, and that it can be written
    /// as RFC 8259 JSON and read back from every file (no `NaN` or `Infinity`, at most ``NestingLimit/value``
    /// levels of nesting). `null` is allowed here; NOT NULL is checked by the caller.
    package func normalize(_ value: JSONValue, column c: Int) throws(LineDBError) -> JSONValue {
        if value.isNull { return value }
        let column = columns[c]
        switch value {
        case .double, .array, .object:
            if let problem = value.storageProblem() { throw .invalidInput(reason: "\(name).\(column.name): \(problem)") }
        default:
            break
        }
        return try normalizeStored(value, column: c)
    }

    /// Checks and converts one value read back from a file (a records-file line, a WAL record) for column `c`:
    /// its type only. Its nesting is bounded by the file's reader (``NestingLimit``), which may allow more than an
    /// insert does: a record that is in the database stays readable, updatable and deletable.
    package func normalizeStored(_ value: JSONValue, column c: Int) throws(LineDBError) -> JSONValue {
        if value.isNull { return value }
        let column = columns[c]
        guard let v = column.type.normalize(value) else {
            throw .typeMismatch(
                table: name, column: column.name, expected: column.type.expectation,
                value: "\(value.kindName) \(value.brief)")
        }
        return v
    }

    /// Builds the row for an insert: every key must be a column; missing columns get their default (or null);
    /// values are type-checked; an absent integer primary key becomes `autoKey`.
    package func rowForInsert(_ input: Record, autoKey: Int) throws(LineDBError) -> Row {
        var assigned = false
        return try rowForInsert(input, autoKey: autoKey, assigned: &assigned)
    }

    /// ``rowForInsert(_:autoKey:)`` that also says whether the key is `autoKey` (absent from `input`).
    package func rowForInsert(_ input: Record, autoKey: Int, assigned: inout Bool) throws(LineDBError) -> Row {
        let n = columns.count
        var values = [JSONValue](repeating: .null, count: n)
        var given = [Bool](repeating: false, count: n)
        var hint = 0
        for (key, value) in input {
            // Records usually list columns in order: try the next column before hashing the name.
            let c: Int
            if hint < n && isColumn(hint, named: key) {
                c = hint
            } else if let found = index(of: key) {
                c = found
            } else {
                throw .unknownColumn(table: name, column: key, suggestion: Suggest.closest(key, in: columns.map(\.name)))
            }
            hint = c + 1
            values[c] = try normalize(value, column: c)
            given[c] = true
        }
        for i in 0..<n where !given[i] { values[i] = columns[i].defaultValue ?? .null }
        if let pk = primaryKeyIndex, values[pk].isNull, columns[pk].type == .int {
            values[pk] = .int(autoKey)
            assigned = true
        }
        let row = Row(values: values)
        try checkRequired(row)
        return row
    }

    /// Throws for the first NOT NULL column that is null in `row`.
    package func checkRequired(_ row: Row) throws(LineDBError) {
        for (i, column) in columns.enumerated() where column.isRequired && row.values[i].isNull {
            throw .notNull(table: name, column: column.name)
        }
    }
}

extension TableSchema {
    /// The UNIQUE columns other than the primary key, in column order: those a ``UniqueIndex`` indexes.
    package var uniqueNonKeyColumns: [Int] { columns.indices.filter { columns[$0].unique && !columns[$0].primaryKey } }
}
