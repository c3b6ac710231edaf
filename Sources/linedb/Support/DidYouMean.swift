import LineDB

/// "Did you mean" for table and column names the user typed: the closest existing name by edit distance (the
/// engine's ``Suggest``: insertions, deletions, substitutions and swaps of neighbours, ignoring case), or else the
/// one name that starts with what was typed.
enum DidYouMean {
    /// The likeliest intended name among `candidates`, if one is close enough.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        if let close = Suggest.closest(name, in: candidates) { return close }
        let lowered = name.lowercased()
        let prefixed = candidates.filter { !lowered.isEmpty && $0.lowercased().hasPrefix(lowered) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// ` (did you mean 'x'?)`, or the empty string.
    static func suffix(for name: String, among candidates: [String]) -> String {
        suggestion(for: name, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The message for a table that does not exist: the suggestion, or else the tables there are.
    static func unknownTable(_ name: String, among tables: [String], in place: String) -> String {
        let hint = suffix(for: name, among: tables)
        if !hint.isEmpty { return "\(place) has no table '\(name)'\(hint)" }
        return "\(place) has no table '\(name)'; its tables: "
            + (tables.isEmpty ? "none" : tables.sorted().joined(separator: ", "))
    }
}

extension Database {
    /// The schema of `table`; for a table that does not exist, a usage error (exit 2) with the closest name, or
    /// else the names there are: `no table named 'stud' (did you mean 'student'?)`.
    func schemaForCommand(_ table: String) throws -> TableSchema {
        let names = tableNames
        guard names.contains(where: { String.exactlyEqual($0, table) }) else {
            if let close = DidYouMean.suggestion(for: table, among: names) {
                throw UsageError("no table named '\(table)' (did you mean '\(close)'?)")
            }
            throw UsageError(
                "no table named '\(table)' (" + (names.isEmpty ? "the database has no tables yet" : "tables: "
                    + names.sorted().joined(separator: ", ")) + ")")
        }
        return try schema(of: table)
    }
}
