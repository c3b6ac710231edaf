import LineDB

/// One filter of the browser's stack (`f`): a short form on one column (``RowFilter``: `> 3`, `= Bob`, text to
/// find), or a SQL `WHERE` expression over every column of the table (`dep_delay > 60 AND origin = 'JFK'`),
/// evaluated by SQLite through a ``FilterEvaluator``.
public enum ViewFilter: Sendable, Equatable {
    /// A short form on one column.
    case column(RowFilter)
    /// A SQL expression, as typed (without a leading `WHERE`).
    case expression(String)

    /// How the filter prompt reads `text` typed on column `column` of a table with columns `names`.
    ///
    /// Today's short forms come first: text that starts with `=` `!=` `<` `>` `<=` `>=`, `~` or `contains` is a
    /// short form on the current column. Text that starts with `WHERE` is SQL. Otherwise the text is SQL when it
    /// begins like an expression over the table (after any `(` and `NOT`): a column name followed by more
    /// (`dep_delay > 60`, `name LIKE 'A%'`, `tags IS NULL`, `flights.origin = 'JFK'`), a function call
    /// (`json_extract(meta,'$.x') = 1`), or a quoted name followed by more (`"dep-delay" > 3`). Anything else is
    /// text to find in the current column, as
    /// today (`li`, `not found`, `(555) 123`).
    public static func read(_ text: String, column: Int, names: [String]) -> ViewFilter {
        guard isExpression(text, names: names) else { return .column(RowFilter(column: column, text: text)) }
        let start = Substring(text).drop { $0 == " " }
        let sql = dropWord("where", from: start) ?? start
        return .expression(String(sql).trimmingCharacters(in: " "))
    }

    /// Where the expression ``read(_:column:names:)`` takes from `text` starts in it (in characters): after
    /// leading spaces and a `WHERE`.
    static func expressionStart(in text: String) -> Int {
        let start = Substring(text).drop { $0 == " " }
        let body = (dropWord("where", from: start) ?? start).drop { $0 == " " }
        return text.count - body.count
    }

    /// Whether the prompt's text is read as a SQL expression (the prompt's label says "Filter WHERE") rather than
    /// a short form on the current column ("Filter gpa:"). Looks at the start of the text only (at most 512
    /// characters): the prompt asks at every frame, and a pasted text can be long.
    static func isExpression(_ text: String, names: [String]) -> Bool {
        let head = Substring(text.prefix(512)).drop { $0 == " " }
        if head.isEmpty { return false }
        for prefix in ["~", "=", "!=", "<", ">"] where head.hasPrefix(prefix) { return false }
        if head.hasPrefix("contains ") { return false }
        if dropWord("where", from: head) != nil { return true }
        return startsExpression(head, names: names)
    }

    /// Whether `text` begins like an expression over the columns `names` (see ``read(_:column:names:)``).
    private static func startsExpression(_ text: Substring, names: [String]) -> Bool {
        var rest = text
        while true {
            rest = rest.drop { $0 == " " }
            if rest.first == "(" {
                rest = rest.dropFirst()
            } else if let after = dropWord("not", from: rest) {
                rest = after
            } else {
                break
            }
        }
        guard let first = rest.first else { return false }
        if first == "\"" || first == "`" || first == "[" {
            // A quoted name: up to its closing quote (a doubled quote inside is part of it), then more text.
            let close: Character = first == "[" ? "]" : first
            var i = rest.index(after: rest.startIndex)
            while i < rest.endIndex {
                if rest[i] == close {
                    let next = rest.index(after: i)
                    if close != "]" && next < rest.endIndex && rest[next] == close {
                        i = rest.index(after: next)
                        continue
                    }
                    return !rest[next...].allSatisfy { $0 == " " }
                }
                i = rest.index(after: i)
            }
            return false
        }
        guard isNameStart(first) else { return false }
        var name = rest.prefix { isNamePart($0) }
        var after = rest.dropFirst(name.count)
        if after.first == "(" { return true }  // a function call
        if after.first == ".", let c = after.dropFirst().first, isNameStart(c) {
            // A qualified name (`flights.origin`): the column after the dot.
            name = after.dropFirst().prefix { isNamePart($0) }
            after = after.dropFirst(1 + name.count)
        }
        guard !after.allSatisfy({ $0 == " " }) else { return false }
        let lowered = asciiLowercased(name)
        return names.contains { asciiLowercased(Substring($0)) == lowered }
    }

    /// `text` after the word `word` (any case) and a space, or nil when it does not start with them.
    private static func dropWord(_ word: String, from text: Substring) -> Substring? {
        guard text.count > word.count, asciiLowercased(text.prefix(word.count)) == word else { return nil }
        let after = text.dropFirst(word.count)
        guard after.first == " " || after.first == "(" else { return nil }
        return after
    }

    private static func isNameStart(_ c: Character) -> Bool {
        c == "_" || c.isASCII && c.isLetter || !c.isASCII
    }

    private static func isNamePart(_ c: Character) -> Bool {
        isNameStart(c) || c.isASCII && c.isNumber || c == "$"
    }

    /// SQLite compares names ignoring the case of ASCII letters only.
    private static func asciiLowercased(_ s: Substring) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(("A"..."Z").contains(u) ? Unicode.Scalar(u.value + 32)! : u) }
        return String(out)
    }

    /// The filter as the screen shows it: `gpa > 3`, `name contains li`, or the expression.
    func describe(names: [String]) -> String {
        switch self {
        case .column(let f): return f.describe(names.indices.contains(f.column) ? names[f.column] : "?")
        case .expression(let sql): return sql
        }
    }
}
