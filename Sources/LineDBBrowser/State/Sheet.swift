import LineDB

/// A read-only grid of result rows shown over the table: a frequency sheet (`F`), a describe sheet (`I`) or the
/// result of a query (`:`). The grid shows it as it shows a table (its rows are a ``TableData`` in
/// ``BrowserState/table``): it moves, sorts, searches and exports the same way; edits are refused. Sheets stack (a
/// frequency sheet over a query sheet); Esc closes the top one and puts back exactly what was under it.
public struct Sheet: Sendable {
    /// What the sheet shows, and what Enter on one of its rows does.
    public enum Kind: Sendable, Equatable {
        /// One row per distinct value of column `column` (named `name`) of the grid below: Enter closes `closes`
        /// sheets (this one, and the describe sheet it was opened from) and filters that grid to the row's value.
        case frequency(column: Int, name: String, closes: Int)
        /// One row per column of the grid below: Enter opens that column's frequency sheet.
        case describe
        /// The result of a SQL query; `links`: its columns that are a table's primary key (Enter opens the record).
        case query(sql: String, links: [RecordLink])
        /// What changed between the past moment shown (after `lsn`) and now (`=` in the as-of view).
        case asOfDiff(lsn: Int)
    }

    /// A result column holding the primary key of `table`'s records.
    public struct RecordLink: Sendable, Equatable {
        /// The result column's position.
        public var column: Int
        /// The table whose key it holds.
        public var table: String
    }

    /// What the sheet shows.
    public let kind: Kind
    /// The grid's heading: "Frequency of city in student", "Describe student (12 of 40 rows)".
    public let title: String
    /// What the status line calls it: "frequency", "describe", "query".
    public var label: String {
        switch kind {
        case .frequency: return "frequency sheet"
        case .describe: return "describe sheet"
        case .query: return "query sheet"
        case .asOfDiff: return "diff sheet"
        }
    }
    /// The state the sheet was opened from (table, view, cursor, scroll, filter, sort, search, focus), put back
    /// by Esc.
    var under: BrowserState

    /// A schema for a sheet's rows: its column names made unique and non-empty (a query may give two columns the
    /// same name), no primary key, every column nullable. `name` is what an export calls the sheet (made a valid
    /// table name).
    static func schema(name: String, columns: [(name: String, type: ColumnType)]) -> TableSchema {
        var used: Set<String> = []
        var out: [Column] = []
        for (i, column) in columns.enumerated() {
            var name = column.name.isEmpty ? "column \(i + 1)" : column.name
            if used.contains(name) {
                var n = 2
                while used.contains("\(name) (\(n))") { n += 1 }
                name = "\(name) (\(n))"
            }
            used.insert(name)
            out.append(Column(name, column.type))
        }
        let fileName = String(name.unicodeScalars.map { s -> Character in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_")
                ? Character(s) : "_"
        })
        if let schema = try? TableSchema(fileName.isEmpty ? "sheet" : fileName, columns: out) { return schema }
        // (Cannot fail: a name of letters, digits, '_' and '-', columns unique and non-empty.)
        return try! TableSchema("sheet", columns: out.isEmpty ? [Column("value", .json)] : out)
    }
}
