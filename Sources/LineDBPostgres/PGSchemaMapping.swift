import LineDB

/// How a LineDB table becomes a PostgreSQL table, and a LineDB value a PostgreSQL one (in text form, as COPY and
/// text parameters take it).
///
/// | LineDB | PostgreSQL |
/// |---|---|
/// | `int` | `bigint` |
/// | `float` | `double precision` |
/// | `str` | `text` |
/// | `bool` | `boolean` |
/// | `datetime` | `timestamp` (without time zone; a zone in the text is ignored by PostgreSQL) |
/// | `date` | `date` |
/// | `json` | `jsonb` |
///
/// PRIMARY KEY, UNIQUE and NOT NULL are kept. Not kept: defaults (every replicated record carries all its values),
/// fields outside the schema, the automatic key's counter. The SQL is plain (no PostgreSQL-only syntax beyond
/// `jsonb`), so PostgreSQL-compatible engines can be targets too.
public enum PGSchemaMapping {
    /// PostgreSQL's longest identifier in bytes (NAMEDATALEN - 1): a longer name would be cut silently.
    public static let maxIdentifierBytes = 63

    /// The PostgreSQL type for a LineDB column type.
    ///
    /// - Parameter type: the LineDB type.
    public static func pgType(_ type: ColumnType) -> String {
        switch type {
        case .int: return "bigint"
        case .float: return "double precision"
        case .str: return "text"
        case .bool: return "boolean"
        case .datetime: return "timestamp"
        case .date: return "date"
        case .json: return "jsonb"
        }
    }

    /// A quoted identifier: `"name"`, with `"` doubled.
    ///
    /// - Parameter name: the name as LineDB has it.
    public static func quote(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Why a table cannot be replicated as it is (`nil` when it can): no primary key (its WAL cannot be applied by
    /// key), a name PostgreSQL would cut, a name that holds a NUL character.
    ///
    /// - Parameter schema: the table's schema.
    public static func problem(with schema: TableSchema) -> String? {
        if schema.primaryKeyIndex == nil {
            return "table '\(schema.name)' has no primary key, so its changes cannot be applied by key"
        }
        for name in [schema.name] + schema.columns.map(\.name) {
            if name.utf8.count > maxIdentifierBytes {
                return "table '\(schema.name)': the name '\(name)' is \(name.utf8.count) bytes long; PostgreSQL "
                    + "keeps \(maxIdentifierBytes) and would cut it"
            }
            if name.utf8.contains(0) {
                return "table '\(schema.name)': a name holds the NUL character, which PostgreSQL refuses"
            }
        }
        if schema.name == ReplicationState.tableName {
            return "table '\(schema.name)' has the name of the table that keeps the replication's position"
        }
        return nil
    }

    /// `CREATE TABLE` for a LineDB schema: the mapped types, PRIMARY KEY, UNIQUE and NOT NULL.
    ///
    /// - Parameter schema: the table's schema.
    public static func createTableSQL(_ schema: TableSchema) -> String {
        var definitions: [String] = []
        for column in schema.columns {
            var parts = [quote(column.name), pgType(column.type)]
            if column.primaryKey {
                parts.append("PRIMARY KEY")
            } else {
                if !column.nullable { parts.append("NOT NULL") }
                if column.unique { parts.append("UNIQUE") }
            }
            definitions.append(parts.joined(separator: " "))
        }
        return "CREATE TABLE \(quote(schema.name)) (" + definitions.joined(separator: ", ") + ")"
    }

    /// `COPY "t" ("a", "b") FROM STDIN` for the table's columns, in order.
    ///
    /// - Parameter schema: the table's schema.
    public static func copySQL(_ schema: TableSchema) -> String {
        "COPY \(quote(schema.name)) (" + schema.columns.map { quote($0.name) }.joined(separator: ", ")
            + ") FROM STDIN"
    }

    /// The text PostgreSQL reads for a value of a column of `type`; `nil` for NULL.
    ///
    /// - Parameters:
    ///   - value: the value as LineDB holds it.
    ///   - type: the column's type.
    public static func text(_ value: JSONValue, type: ColumnType) -> String? {
        switch value {
        case .null: return nil
        case .bool(let b) where type != .json: return b ? "true" : "false"
        case .string(let s) where type != .json: return s
        case .int(let i) where type != .json: return String(i)
        default: return JSONValueText.encode(value)
        }
    }

    /// Appends one row in COPY's text format: values separated by tabs, `\N` for NULL, backslash, tab, newline
    /// and carriage return escaped, a newline at the end.
    ///
    /// - Parameters:
    ///   - values: the row's values in column order.
    ///   - columns: the table's columns.
    ///   - buffer: where the row goes.
    public static func appendCopyRow(_ values: [JSONValue], columns: [Column], to buffer: inout [UInt8]) {
        for (i, column) in columns.enumerated() {
            if i > 0 { buffer.append(9) }
            let value = i < values.count ? values[i] : .null
            switch value {
            case .int(let n) where column.type != .json:
                appendDecimal(n, to: &buffer)
            case .string(let s) where column.type != .json:
                appendEscaped(s, to: &buffer)
            default:
                guard let t = text(value, type: column.type) else {
                    buffer.append(92)
                    buffer.append(78)  // \N
                    continue
                }
                appendEscaped(t, to: &buffer)
            }
        }
        buffer.append(10)
    }

    private static func appendDecimal(_ n: Int, to buffer: inout [UInt8]) {
        if n == 0 {
            buffer.append(48)
            return
        }
        if n == Int.min {
            buffer.append(contentsOf: String(n).utf8)
            return
        }
        var v = n
        if v < 0 {
            buffer.append(45)
            v = -v
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                buffer.append(d[count])
            }
        }
    }

    private static func appendEscaped(_ s: String, to buffer: inout [UInt8]) {
        var s = s
        s.withUTF8 { bytes in
            for b in bytes {
                switch b {
                case 92: buffer.append(92); buffer.append(92)
                case 9: buffer.append(92); buffer.append(116)
                case 10: buffer.append(92); buffer.append(110)
                case 13: buffer.append(92); buffer.append(114)
                default: buffer.append(b)
                }
            }
        }
    }
}

/// JSON text of a value, as LineDB writes it (its own writer: one definition of JSON's escaping).
enum JSONValueText {
    static func encode(_ value: JSONValue) -> String { JSONWriter.encode(value) }
}

extension String {
    /// Replaces every `target` scalar (by code point: a `"` followed by a combining mark is still a `"`).
    func replacingAll(_ target: Unicode.Scalar, with replacement: String) -> String {
        guard unicodeScalars.contains(target) else { return self }
        var out = ""
        for c in unicodeScalars { if c == target { out += replacement } else { out.unicodeScalars.append(c) } }
        return out
    }
}
