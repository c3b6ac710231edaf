import ArgumentParser
import LineDB

/// `linedb diff DB [TABLE...] --from M [--to M] [--json] [--exit-code]`
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print what changed between two moments: records inserted, deleted and updated, per table.",
        discussion: """
            Like `git diff A B` for tables: each record that differs shows once, its state just after --from \
            against its state at --to (now by default), however many times it changed in between. A header names \
            the range (lsn and time at each end, and how many entries took effect in it); then per table a line \
            of counts and one line per record, in key order: `+ KEY  {record}` inserted, `- KEY  {record}` \
            deleted, `~ KEY  column: old → new, ...` updated (values as JSON). A moment is an LSN, a time \
            (ISO 8601, local unless a zone is given) or a time relative to now (-2h, -30m, -3d).

            With --json, JSON Lines: first the range, {from_lsn, from_time, to_lsn, to_time, entries}; then one \
            object per change, {table, change, key, old, new, changes}, change being inserted, deleted or updated \
            (old is null for inserted, new null for deleted; changes as `linedb history --json` gives them), or \
            created or dropped for a table (then key, old and new are null, changes empty).

            Exits 0 whether or not anything changed, as git diff; with --exit-code, 1 when something did. Opens \
            the database read-only; changes no file.

            Example:
              linedb diff uni student --from -2h
              linedb diff uni --from 120 --to 180 --json | jq -c 'select(.change == "updated") | .key'
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "Only these tables (all by default).")
    var tables: [String] = []

    @OptionGroup var range: RangeMomentOptions

    @Flag(help: "Print JSON Lines: the range, then one object per changed record.")
    var json = false

    @Flag(help: "Exit 1 when something changed (as git diff --exit-code).")
    var exitCode = false

    func run() throws {
        let db = try database.openForReading()
        let d = try db.diff(from: range.from, to: range.to, tables: tables.isEmpty ? nil : tables)
        try Self.requireKnown(tables, db: db, diff: d)
        let keys = Self.keyColumns(db: db, diff: d)
        if json {
            Self.writeJSON(d, keys: keys)
        } else {
            Output.line(Self.header("diff", d))
            if d.tables.isEmpty { Output.line("no changes") }
            for line in Self.textLines(d, keys: keys) { Output.line(line) }
        }
        if exitCode && !d.tables.isEmpty { throw ExitCode(1) }
    }

    /// A table named on the command line that is neither in the database now nor in the range: the usual
    /// "no table named" message, with a suggestion.
    static func requireKnown(_ names: [String], db: Database, diff: HistoryDiff) throws {
        for name in names where !db.tableNames.contains(name) && !diff.tables.contains(where: { $0.table == name }) {
            _ = try db.schemaForCommand(name)
        }
    }

    /// The primary-key column of each table in the diff (of its schema now; `id` for a table dropped since).
    static func keyColumns(db: Database, diff: HistoryDiff) -> [String: String] {
        var out: [String: String] = [:]
        for t in diff.tables {
            out[t.table] = (try? db.schema(of: t.table))?.primaryKey?.name ?? "id"
        }
        return out
    }

    /// `diff lsn 5 (time) → lsn 9 (time): 4 entries`.
    static func header(_ verb: String, _ d: HistoryDiff) -> String {
        "\(verb) \(describeMoment(lsn: d.fromLSN, time: d.fromTime)) → \(describeMoment(lsn: d.toLSN, time: toTime(d))): "
            + plural(d.entries, "entry", "entries")
    }

    /// The time of the range's end (the engine gives it only for an entry after the start: an empty range ends
    /// where it starts).
    static func toTime(_ d: HistoryDiff) -> String? {
        d.toTime ?? (d.toLSN == d.fromLSN ? d.fromTime : nil)
    }

    /// One change to one record, for both outputs.
    struct Line {
        var sign: Character
        var key: JSONValue
        var old: Record?
        var new: Record?
        var changes: [ColumnChange]
    }

    /// The changes of a table in key order (inserted, deleted and updated merged).
    static func lines(_ t: TableDiff, keyColumn: String) -> [Line] {
        var out: [Line] = []
        for r in t.inserted { out.append(Line(sign: "+", key: r[keyColumn] ?? .null, old: nil, new: r, changes: ColumnChange.between(nil, r))) }
        for r in t.deleted { out.append(Line(sign: "-", key: r[keyColumn] ?? .null, old: r, new: nil, changes: ColumnChange.between(r, nil))) }
        for u in t.updated { out.append(Line(sign: "~", key: u.key, old: u.old, new: u.new, changes: u.changes)) }
        // Stable: a key deleted and another inserted with the same value cannot both be here (one record, one line).
        return out.enumerated().sorted {
            let c = JSONValue.compare($0.element.key, $1.element.key)
            return c != 0 ? c < 0 : $0.offset < $1.offset
        }.map(\.element)
    }

    /// The text lines after the header: per table, its counts, then a line per record.
    static func textLines(_ d: HistoryDiff, keys: [String: String]) -> [String] {
        var out: [String] = []
        for t in d.tables {
            let keyColumn = keys[t.table] ?? "id"
            var counts = [
                "\(t.inserted.count) inserted", "\(t.deleted.count) deleted", "\(t.updated.count) updated",
            ]
            if t.created { counts.insert("created", at: 0) }
            if t.dropped { counts.insert("dropped (its records are not listed)", at: 0) }
            out.append("\(VisibleText.escaped(t.table)): " + counts.joined(separator: ", "))
            for l in lines(t, keyColumn: keyColumn) {
                let key = "\(VisibleText.escaped(keyColumn)) \(HistoryText.key(l.key))"
                switch l.sign {
                case "+": out.append("+ \(key)  \(HistoryText.record(l.new ?? [:]))")
                case "-": out.append("- \(key)  \(HistoryText.record(l.old ?? [:]))")
                default: out.append("~ \(key)  " + l.changes.map(HistoryText.change).joined(separator: ", "))
                }
            }
        }
        return out
    }

    /// JSON Lines: the range, then one object per change (see the command's discussion).
    static func writeJSON(_ d: HistoryDiff, keys: [String: String]) {
        var head = JSONObject()
        head["from_lsn"] = .int(d.fromLSN)
        head["from_time"] = HistoryText.optional(d.fromTime)
        head["to_lsn"] = .int(d.toLSN)
        head["to_time"] = HistoryText.optional(toTime(d))
        head["entries"] = .int(d.entries)
        Output.jsonLine(JSONWriter.encode(.object(head)))
        for t in d.tables {
            func event(_ change: String) {
                var o = JSONObject()
                o["table"] = .string(t.table)
                o["change"] = .string(change)
                o["key"] = .null
                o["old"] = .null
                o["new"] = .null
                o["changes"] = .array([])
                Output.jsonLine(JSONWriter.encode(.object(o)))
            }
            if t.dropped { event("dropped") }
            if t.created { event("created") }
            for l in lines(t, keyColumn: keys[t.table] ?? "id") {
                var o = JSONObject()
                o["table"] = .string(t.table)
                o["change"] = .string(l.sign == "+" ? "inserted" : l.sign == "-" ? "deleted" : "updated")
                o["key"] = l.key
                o["old"] = HistoryText.optional(l.old)
                o["new"] = HistoryText.optional(l.new)
                o["changes"] = HistoryText.changesJSON(l.changes)
                Output.jsonLine(JSONWriter.encode(.object(o)))
            }
        }
    }
}
