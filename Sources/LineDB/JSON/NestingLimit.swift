/// How deep arrays and objects may nest: in a value that enters the database, and in each kind of file that
/// LineDB reads back. The limits are chosen so that whatever is in the database can be read back from every file
/// it is written to.
///
/// Depth counts containers: `1` and `"a"` are at depth 0, `[1]` and `{"a":1}` at depth 1, `[[1]]` at depth 2.
///
/// - A value (a column's value, or a column's default) entering the database through an insert, an update or an
///   import, from the API, the command line or the browser, may nest at most ``value`` (500) levels; a deeper one
///   is refused, naming the table and the column (``TableSchema/normalize(_:column:)``).
/// - A records-file line is read with ``recordsLine`` (512): the line's object is level 1, so a value in it
///   nests at most 511 levels. This is the deepest value that can be in the database (a file written by
///   another program may hold one deeper than ``value``; it loads, and stays updatable and deletable).
/// - A WAL line wraps the record in one more object (`{"record":{…},"old_record":{…}}`): it is read with
///   ``walLine`` = ``recordsLine`` + 1.
/// - An export as one JSON document (`{"table":…,"records":[{…}]}`) wraps it in two more: it is read (by
///   import) with ``exportDocument`` = ``recordsLine`` + 2. An export as JSON Lines is read as records lines;
///   a CSV cell holds the value alone.
package enum NestingLimit {
    /// The deepest nesting of a value entering the database: 500 levels.
    package static let value = 500
    /// The deepest nesting of a records-file line (and of a JSON Lines export), counting the record's object.
    package static let recordsLine = 512
    /// The deepest nesting of a WAL line: a record line's depth plus the line's own object.
    package static let walLine = recordsLine + 1
    /// The deepest nesting of an export written as one JSON document: the object and its `records` array.
    package static let exportDocument = recordsLine + 2
}

extension JSONValue {
    /// Why this value cannot be stored as it is, or `nil` when it can: it nests arrays and objects more than
    /// `maxDepth` levels deep (see ``NestingLimit``), or it holds a number that is not finite (`NaN`, `Infinity`),
    /// which RFC 8259 JSON cannot express. Stops walking as soon as it is too deep, so even a value nested far
    /// deeper costs at most `maxDepth` levels of recursion.
    package func storageProblem(maxDepth: Int = NestingLimit.value) -> String? {
        storageProblem(depth: 0, maxDepth: maxDepth)
    }

    private func storageProblem(depth: Int, maxDepth: Int) -> String? {
        switch self {
        case .null, .bool, .int, .string:
            return nil
        case .double(let d):
            if d.isFinite { return nil }
            return "\(d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity") is not a JSON number (RFC 8259 has no NaN or Infinity)"
        case .array(let elements):
            if depth + 1 > maxDepth { return Self.tooDeep(maxDepth) }
            for element in elements {
                if let problem = element.storageProblem(depth: depth + 1, maxDepth: maxDepth) { return problem }
            }
            return nil
        case .object(let object):
            if depth + 1 > maxDepth { return Self.tooDeep(maxDepth) }
            for member in object.values {
                if let problem = member.storageProblem(depth: depth + 1, maxDepth: maxDepth) { return problem }
            }
            return nil
        }
    }

    private static func tooDeep(_ maxDepth: Int) -> String {
        "the value nests arrays and objects more than \(maxDepth) levels deep; the limit is \(maxDepth)"
    }
}
