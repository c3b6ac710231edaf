import LineDB

/// The history lines of `linedb stats` (from `disk.history` of the engine's stats()).
enum StatsHistory {
    /// `History: 3 archives, 12.3 KiB (index 1.1 KiB); reaches back to lsn 120 (2026-12-07T14:30:00.000000)`,
    /// then one line per limit (why not earlier).
    static func lines(_ h: JSONObject) -> [String] {
        if let error = h["error"]?.stringValue { return ["History: cannot be listed: \(error)"] }
        let archives = h["archives"]?.intValue ?? 0
        var line = "History: \(plural(archives, "archive")), \(Stats.size(h["archive_bytes"]?.intValue ?? 0))"
        if let n = h["index_files"]?.intValue, n > 0 {
            line += " (\(plural(n, "index file")), \(Stats.size(h["index_bytes"]?.intValue ?? 0)))"
        }
        let earliest = h["earliest_lsn"]?.intValue ?? 0
        let limits = (h["limits"]?.arrayValue ?? []).compactMap(\.stringValue)
        if earliest == 0 && limits.isEmpty {
            line += "; reaches back to the beginning (lsn 0)"
        } else {
            line += "; reaches back to lsn \(earliest)" + (h["earliest_time"]?.stringValue.map { " (\($0))" } ?? "")
        }
        return [line] + limits.map { "  " + $0 }
    }
}
