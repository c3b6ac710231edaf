import ArgumentParser
import LineDB

/// `linedb stats DB [--json]`
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show tables, record counts, file sizes and the WAL.",
        discussion: """
            Without --json: a summary. With --json: the engine's stats() as one line of JSON: \
            {"tables": {name: {"records", "columns"}}, "disk": {"total_size_bytes", "tables": {name: {"records", \
            "size_bytes", "slack_bytes", "slack_percent"}}, "wal": {"entries", "size_bytes", "archived": [{"file", "size_bytes"}]}, "history": \
            {"archives", "archive_bytes", "index_files", "index_bytes", "earliest_lsn", "earliest_time", \
            "latest_lsn", "limits"}}}. disk.history is the history's size and the earliest moment it reaches \
            (`linedb compact` removes old archives). \
            disk.tables.*.records counts the lines of each records file (what is saved); slack is the padding \
            that in-place saves leave in it (spaces inside a line's object; past 20% of the file the next save \
            rewrites it whole); tables.*.records \
            includes changes still only in the WAL. Read-only: works while another process writes. With --as-of: the \
            moment (lsn and time) and each table's record count then; --json: {"as_of": {"lsn", "time"}, \
            "tables": {name: {"records", "columns"}}}.

            Example:
              linedb stats uni --json | jq '.disk.wal.entries'
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Flag(help: "Print the statistics as one line of JSON.")
    var json = false

    @OptionGroup var asOf: AsOfOption

    func run() throws {
        let db = try database.openForReading()
        if asOf.text != nil { return try statsAsOf(db) }
        let stats = db.stats()
        if json {
            Output.jsonLine(JSONWriter.encode(.object(stats)))
            return
        }
        let disk = stats["disk"]?.objectValue ?? [:]
        let diskTables = disk["tables"]?.objectValue ?? [:]
        var rows: [[String]] = []
        for (name, info) in stats["tables"]?.objectValue ?? [:] {
            let records = info.objectValue?["records"]?.intValue ?? 0
            let file = diskTables[name]?.objectValue
            let saved = file?["records"]?.intValue ?? 0
            // Padding left by in-place saves; past 20% of the file the next save rewrites it.
            let slack = file?["slack_bytes"]?.intValue.map {
                "\(Self.size($0)) (\(file?["slack_percent"]?.doubleValue ?? 0)%)"
            } ?? "-"
            rows.append([
                VisibleText.escaped(name), "\(records)", "\(saved)", Self.size(file?["size_bytes"]?.intValue ?? 0),
                "\(info.objectValue?["columns"]?.arrayValue?.count ?? 0)", slack,
            ])
        }
        Output.line("Database \(VisibleText.escaped(db.path ?? database.path))")
        if rows.isEmpty {
            Output.line("no tables")
        } else {
            TextTable(header: ["table", "records", "saved", "file size", "columns", "slack"], rows: rows).lines()
                .forEach { Output.line("  " + $0) }
        }
        let wal = disk["wal"]?.objectValue ?? [:]
        let archived = wal["archived"]?.arrayValue ?? []
        let entries = plural(wal["entries"]?.intValue ?? 0, "entry", "entries")
        Output.line(
            "WAL: \(entries), \(Self.size(wal["size_bytes"]?.intValue ?? 0)); \(plural(archived.count, "archive"))")
        for a in archived {
            let o = a.objectValue ?? [:]
            Output.line("  \(VisibleText.escaped(o["file"]?.stringValue ?? "?"))  \(Self.size(o["size_bytes"]?.intValue ?? 0))")
        }
        if let history = disk["history"]?.objectValue { StatsHistory.lines(history).forEach(Output.line) }
        Output.line("Total on disk: \(Self.size(disk["total_size_bytes"]?.intValue ?? 0))")
    }

    /// `512 B`, `1.5 KiB`, `3.2 MiB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" { return "\((value * 10).rounded() / 10) \(unit)" }
            value /= 1024
        }
        return "\(bytes) B"
    }
}
