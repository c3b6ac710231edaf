import Foundation
import LineDB

/// What the browser can show before the database has finished opening, read cheaply from the files: the table
/// names (`schema/*.schema.json`), the first table's schema and its first records (read straight from its records
/// file, in constant memory), and the records file's size. Reading never fails: what cannot be read is left out.
public struct LoadingPreview: Sendable {
    /// The name shown in the status line (the database directory as given).
    public var databaseName: String
    /// The table names, sorted.
    public var tableNames: [String]
    /// The first table's schema, when it could be read.
    public var schema: TableSchema?
    /// The first records of the first table, in file order (before the WAL is replayed).
    public var records: [Record]
    /// The size in bytes of the first table's records file (0 when missing).
    public var recordsFileBytes: Int
    /// How far the open has read (set as the open reports it).
    public var progress: LoadProgress?
    /// `records` are the file's last records (after `G`), not its first.
    public var showsEnd = false
    /// The row of `records` the cursor is on.
    public var cursor = 0
    /// Where the preview was read from (to read the last records on `G`).
    public var databasePath = ""

    public init(
        databaseName: String, tableNames: [String], schema: TableSchema?, records: [Record], recordsFileBytes: Int
    ) {
        self.databaseName = databaseName
        self.tableNames = tableNames
        self.schema = schema
        self.records = records
        self.recordsFileBytes = recordsFileBytes
    }

    /// Reads the preview of the database at `path`: at most `rows` records of the first table.
    public static func read(databasePath path: String, rows: Int) -> LoadingPreview {
        let schemaDirectory = (path as NSString).appendingPathComponent("schema")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: schemaDirectory)) ?? []
        let suffix = ".schema.json"
        let names = files.filter { $0.hasSuffix(suffix) && $0.count > suffix.count }
            .map { String($0.dropLast(suffix.count)) }.sorted()
        var preview = LoadingPreview(
            databaseName: path, tableNames: names, schema: nil, records: [], recordsFileBytes: 0)
        preview.databasePath = path
        guard let first = names.first, let reader = try? RecordsFileReader(databasePath: path, table: first) else {
            return preview
        }
        preview.schema = reader.schema
        let attributes = try? FileManager.default.attributesOfItem(atPath: reader.path)
        preview.recordsFileBytes = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        preview.records = (try? reader.first(max(0, rows))) ?? []
        return preview
    }

    /// The status line: `loading DB… (records file N MB)` (KB under a megabyte), then with the open's progress:
    /// `loading DB… table 43% of N MB`; after `G`: `… · the file's last records`.
    public var statusText: String {
        func size(_ bytes: Int) -> String {
            let megabytes = Double(bytes) / 1_000_000
            return bytes < 1_000_000 ? "\((bytes + 999) / 1000) KB"
                : megabytes >= 10 ? "\(Int(megabytes.rounded())) MB" : String(format: "%.1f MB", megabytes)
        }
        var text = "loading \(databaseName)… "
        if let progress, progress.totalBytes > 0 {
            text += "\(progress.table) \(Int(progress.fraction * 100))% of \(size(progress.totalBytes))"
        } else {
            text += "(records file \(size(recordsFileBytes)))"
        }
        if showsEnd { text += " · the file's last records" }
        return text
    }

    /// Applies a navigation key to the preview, as `keyMap` binds it (the browser's keys: the config file's when
    /// it has some): down/up (j/k, the arrows) move the cursor, page down/up by `page` rows, last row (`G`, End)
    /// shows the records file's true last records (read from its end, whatever has loaded), first row (`g`, Home)
    /// its first. Returns whether the key was one of these.
    public mutating func navigate(_ key: Key, page: Int, keyMap: KeyMap = .standard) -> Bool {
        let last = max(0, records.count - 1)
        switch keyMap[key] {
        case .down?: cursor = min(last, cursor + 1)
        case .up?: cursor = max(0, cursor - 1)
        case .pageDown?: cursor = min(last, cursor + max(1, page))
        case .pageUp?: cursor = max(0, cursor - max(1, page))
        case .lastRow?:
            if !showsEnd { reread(fromEnd: true, count: max(records.count, page)) }
            cursor = max(0, records.count - 1)
        case .firstRow?:
            if showsEnd { reread(fromEnd: false, count: max(records.count, page)) }
            cursor = 0
        default: return false
        }
        return true
    }

    /// Replaces `records` with the first or the last `count` records of the file (kept as they are when it cannot
    /// be read).
    private mutating func reread(fromEnd: Bool, count: Int) {
        guard let schema, let reader = try? RecordsFileReader(databasePath: databasePath, table: schema.name),
            let read = try? (fromEnd ? reader.last(count) : reader.first(count))
        else { return }
        records = read
        showsEnd = fromEnd
    }
}
