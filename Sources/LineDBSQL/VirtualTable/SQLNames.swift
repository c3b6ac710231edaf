/// LineDB's names as SQLite can take them. SQLite compares names ignoring the case of ASCII letters, where LineDB
/// compares them exactly, so two LineDB names may be one name to SQLite.
enum SQLNames {
    /// The key SQLite compares a name by (ASCII letters folded to lower case; other characters as they are).
    static func folded(_ name: String) -> String {
        String(decoding: name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The column names to declare to SQLite, in column order: each LineDB name, except that a name SQLite would
    /// take for an earlier one (`Name` after `name`) gets `_2`, `_3`... Returns the notes that say so.
    static func columns(of names: [String], table: String) -> (names: [String], notes: [String]) {
        var taken = Set<String>()
        var result: [String] = []
        var notes: [String] = []
        for name in names {
            var candidate = name
            var n = 1
            while taken.contains(folded(candidate)) {
                n += 1
                candidate = "\(name)_\(n)"
            }
            if n > 1 {
                notes.append(
                    "table '\(table)': column '\(name)' is \"\(candidate)\" in SQL (SQLite's names ignore case, and "
                        + "another column has that name)")
            }
            taken.insert(folded(candidate))
            result.append(candidate)
        }
        return (result, notes)
    }

    /// Why SQLite cannot take table `name` when `declared` (folded names → LineDB names) are already there; `nil`
    /// when it can.
    static func tableProblem(_ name: String, declared: [String: String]) -> String? {
        if folded(name).hasPrefix("sqlite_") {
            return "table '\(name)' is not visible to SQL: SQLite reserves names that begin with sqlite_"
        }
        if let other = declared[folded(name)] {
            return "table '\(name)' is not visible to SQL: SQLite's names ignore case, and table '\(other)' has "
                + "this name there"
        }
        return nil
    }
}
