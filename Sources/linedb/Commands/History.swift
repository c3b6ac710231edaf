#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import LineDB

/// `linedb history DB TABLE KEY [--json] [--limit N] [--reverse]`
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print every version of one record, newest first, from the WAL and its archives.",
        discussion: """
            Like `git log -p` for a row: one header line per version (lsn, time, operation, key, the file in wal/ \
            and the line that holds the entry), then the columns it changed, `  column: old → new` (values as \
            JSON; `(none)`: the record had no such member). An INSERT lists the record's values as `  + column: \
            value`, a DELETE as `  - column: value`. An entry of a transaction shows `(committed at lsn N)` when \
            its COMMIT came later. A key changed by an update is followed: older versions are those of the old \
            key. A record deleted and inserted again shows both lives. KEY is read by the type of the table's \
            primary key.

            With --json, one JSON object per version and line: table, key, lsn, effective_lsn (the lsn of its \
            COMMIT for a transaction's entry), timestamp, operation, old_key (the key before an update that \
            changed it, else null), record (null after a DELETE), old_record (null before an INSERT), changes \
            ([{column, old, new}], old or new left out where the record had no such member), file (its name in \
            wal/), live (whether that is the live WAL), line, byte_offset.

            A key with no history prints nothing and exits 0, as `git log` on a path that never existed (a note \
            on stderr says so when stdout is a terminal). Opens the database read-only; changes no file.

            Example:
              linedb history uni student 7 --limit 5
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: "The record's primary key.")
    var key: String

    @Flag(help: "Print each version as one line of JSON.")
    var json = false

    @Option(help: "Print at most this many versions (the newest).")
    var limit: Int?

    @Flag(help: "Oldest first (after --limit has kept the newest, as git log --reverse).")
    var reverse = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
    }

    func run() throws {
        let db = try database.openForReading()
        let schema = try db.schemaForCommand(table)
        let keyValue = try ValueParsing.key(key, schema: schema)
        if limit == 0 { return }
        var versions = try db.history(of: table, key: keyValue, limit: limit)
        if versions.isEmpty {
            if isatty(STDOUT_FILENO) == 1 {
                ErrorReporting.printNote("no history for \(table) \(HistoryText.key(keyValue))")
            }
            return
        }
        let cut = limit.map { versions.count >= $0 } ?? false
        if !cut, let oldest = versions.last, oldest.operation != .insert {
            let reach = try db.historyFiles().reach
            if !reach.limits.isEmpty {
                ErrorReporting.printNote(
                    "the history begins at lsn \(reach.earliestLSN)"
                        + (reach.earliestTime.map { " (\($0))" } ?? "")
                        + ": \(reach.limits.joined(separator: "; ")); older versions of this record are not kept")
            }
        }
        if reverse { versions.reverse() }
        let keyName = schema.primaryKey?.name ?? "key"
        for v in versions {
            if json {
                Output.jsonLine(JSONWriter.encode(.object(Self.json(v, table: table))))
            } else {
                for line in Self.text(v, keyName: keyName) { Output.line(line) }
            }
        }
    }

    /// The header line and the change lines of one version.
    static func text(_ v: RecordVersion, keyName: String) -> [String] {
        var header = "lsn \(v.lsn)"
        if v.effectiveLSN != v.lsn { header += " (committed at lsn \(v.effectiveLSN))" }
        header += "  \(v.timestamp.isEmpty ? "-" : VisibleText.escaped(v.timestamp))"
        header += "  \(v.operation.rawValue)"
        header += "  \(VisibleText.escaped(keyName)) \(HistoryText.key(v.key))"
        if let old = v.oldKey { header += " (was \(HistoryText.key(old)))" }
        header += "  \(HistoryText.file(v.file)) line \(v.line)"
        var lines = [header]
        switch v.operation {
        case .insert:
            for (column, value) in v.record ?? [:] {
                lines.append("  + \(VisibleText.escaped(column)): \(HistoryText.value(value))")
            }
        case .delete:
            for (column, value) in v.oldRecord ?? [:] {
                lines.append("  - \(VisibleText.escaped(column)): \(HistoryText.value(value))")
            }
        default:
            if v.changes.isEmpty { lines.append("  (no change)") }
            for c in v.changes { lines.append("  " + HistoryText.change(c)) }
        }
        return lines
    }

    /// The JSON object of one version (see the command's discussion for its members).
    static func json(_ v: RecordVersion, table: String) -> JSONObject {
        var o = JSONObject()
        o["table"] = .string(table)
        o["key"] = v.key
        o["lsn"] = .int(v.lsn)
        o["effective_lsn"] = .int(v.effectiveLSN)
        o["timestamp"] = .string(v.timestamp)
        o["operation"] = .string(v.operation.rawValue)
        o["old_key"] = v.oldKey ?? .null
        o["record"] = HistoryText.optional(v.record)
        o["old_record"] = HistoryText.optional(v.oldRecord)
        o["changes"] = HistoryText.changesJSON(v.changes)
        o["file"] = .string(v.file)
        o["live"] = .bool(v.file == "transaction.log")
        o["line"] = .int(v.line)
        o["byte_offset"] = .int(v.byteOffset)
        return o
    }
}
