import LineDB

/// How `linedb history`, `diff` and `revert` show versions and changes: to people as text (values as JSON, every
/// control and bidirectional formatting character shown visibly, ``VisibleText``), to programs as JSON objects
/// with stable snake_case members.
enum HistoryText {
    /// A value as JSON text, safe for a terminal (`"a\u{1B}b"` shows the escape, a bidi override its code).
    static func value(_ v: JSONValue) -> String {
        VisibleText.escaped(JSONWriter.encode(v))
    }

    /// A key as `linedb wal` shows it: a string as it is (escaped visibly), anything else as JSON.
    static func key(_ v: JSONValue) -> String {
        if case .string(let s) = v { return VisibleText.escaped(s) }
        return value(v)
    }

    /// A file of the history for people: an archive's name, or `transaction.log (live)`.
    static func file(_ name: String) -> String {
        name == "transaction.log" ? "transaction.log (live)" : name
    }

    /// `column: old → new`, with `(none)` for a member the record did not have.
    static func change(_ c: ColumnChange) -> String {
        "\(VisibleText.escaped(c.column)): \(c.old.map(value) ?? "(none)") → \(c.new.map(value) ?? "(none)")"
    }

    /// A record on one line, as JSON.
    static func record(_ r: Record) -> String { value(.object(r)) }

    /// The changes as a JSON array of `{"column", "old", "new"}`; `old` or `new` is left out when the record did
    /// not have the member (a JSON `null` there is the value null).
    static func changesJSON(_ changes: [ColumnChange]) -> JSONValue {
        .array(changes.map { c in
            var o = JSONObject()
            o["column"] = .string(c.column)
            if let old = c.old { o["old"] = old }
            if let new = c.new { o["new"] = new }
            return .object(o)
        })
    }

    /// `null` or the record.
    static func optional(_ r: Record?) -> JSONValue { r.map { .object($0) } ?? .null }

    /// `null` or the string.
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}
