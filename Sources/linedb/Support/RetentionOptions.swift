import ArgumentParser
import LineDB

/// `--keep-archives N | --keep-since TIME | --keep-lsn LSN`: a history retention rule (`compact`, `checkpoint`).
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Keep the newest N archives; remove the older ones.", valueName: "n"))
    var keepArchives: Int?

    @Option(help: ArgumentHelp(
        "Keep the history back to this moment: a time (2026-12-07T14:30, local unless a zone is given), a time "
            + "relative to now (-7d, -2h) or an LSN.",
        valueName: "time"))
    var keepSince: String?

    @Option(help: ArgumentHelp("Keep the history back to this LSN (the database as of it stays reachable).",
                               valueName: "lsn"))
    var keepLSN: Int?

    /// The rule given, or `nil` for none; a usage error for two, a negative number or a moment that does not parse.
    func rule() throws -> RetentionRule? {
        let given = [keepArchives != nil, keepSince != nil, keepLSN != nil].filter { $0 }.count
        if given > 1 { throw UsageError("give one of --keep-archives, --keep-since and --keep-lsn, not several") }
        if let n = keepArchives {
            guard n >= 0 else { throw UsageError("--keep-archives \(n): give a number of archives, 0 or more") }
            return .keepArchives(n)
        }
        if let n = keepLSN {
            guard n >= 0 else { throw UsageError("--keep-lsn \(n): give an LSN, 0 or more") }
            return .keepLSN(n)
        }
        if let text = keepSince {
            do {
                return .keepSince(try HistoryMoment.parse(text))
            } catch {
                throw UsageError("--keep-since: \(error)")
            }
        }
        return nil
    }
}

/// How `compact` and `checkpoint` print a ``RetentionSummary``.
enum RetentionReport {
    static func lines(_ s: RetentionSummary) -> [String] {
        var out: [String] = []
        let verb = s.dryRun ? "would remove" : "removed"
        for f in s.removed {
            var range = ""
            if let a = f.firstLSN, let b = f.lastLSN { range = ", lsn \(a)…\(b)" }
            out.append("\(verb) wal/\(VisibleText.escaped(f.name)) (\(Stats.size(f.sizeBytes))\(range))")
        }
        for i in s.removedIndexes {
            out.append("\(verb) wal/\(VisibleText.escaped(i.name)) (\(Stats.size(i.sizeBytes)), its index)")
        }
        for note in s.notes { out.append("note: \(note)") }
        if s.removed.isEmpty && s.removedIndexes.isEmpty {
            out.append("nothing to remove (\(s.rule)); \(plural(s.kept.count, "archive")) kept")
        } else {
            out.append("\(verb) \(plural(s.removed.count, "archive")), \(Stats.size(s.bytesRemoved)); "
                + "\(plural(s.kept.count, "archive")) kept")
        }
        out.append((s.dryRun ? "the history would reach back to " : "the history reaches back to ") + reach(s.reach))
        return out
    }

    /// `lsn 120 (2026-12-07T14:30:00.000000)`, or `the beginning (lsn 0)`.
    static func reach(_ r: HistoryReach) -> String {
        if r.earliestLSN == 0 && r.limits.isEmpty { return "the beginning (lsn 0)" }
        return "lsn \(r.earliestLSN)" + (r.earliestTime.map { " (\($0))" } ?? "")
    }

    static func json(_ s: RetentionSummary) -> JSONValue {
        [
            "dry_run": .bool(s.dryRun),
            "removed": .array(s.removed.map { f in
                ["file": .string(f.name), "size_bytes": .int(f.sizeBytes),
                 "first_lsn": f.firstLSN.map(JSONValue.int) ?? .null, "last_lsn": f.lastLSN.map(JSONValue.int) ?? .null]
            }),
            "removed_indexes": .array(s.removedIndexes.map { ["file": .string($0.name), "size_bytes": .int($0.sizeBytes)] }),
            "bytes_removed": .int(s.bytesRemoved),
            "kept": .array(s.kept.map(JSONValue.string)),
            "earliest_lsn": .int(s.reach.earliestLSN),
            "earliest_time": s.reach.earliestTime.map(JSONValue.string) ?? .null,
            "notes": .array(s.notes.map(JSONValue.string)),
        ]
    }
}
