/// A record as a table stores it: values in column order, plus any fields the schema does not know
/// (kept, never dropped, and written back after the known ones).
package struct Row: Sendable, Hashable {
    package var values: [JSONValue]
    package var extras: ExtraFields?

    package init(values: [JSONValue], extras: ExtraFields? = nil) {
        self.values = values
        self.extras = extras
    }
}

/// Fields of a record that its table's schema does not name. A class so that a `Row` stays two words.
package final class ExtraFields: Sendable, Hashable {
    package let fields: JSONObject
    package init(_ fields: JSONObject) { self.fields = fields }
    package static func == (a: ExtraFields, b: ExtraFields) -> Bool { JSONValue.exactlyEqual(a.fields, b.fields) }
    package func hash(into h: inout Hasher) { h.combine(JSONValue.object(fields)) }
}

/// A record as the public API returns it: an ordered object, keys in column order.
public typealias Record = JSONObject

extension JSONValue {
    /// A total order for sorting: null < false < true < numbers < strings < arrays < objects.
    public static func ascending(_ a: JSONValue, _ b: JSONValue) -> Bool { compare(a, b) < 0 }

    /// -1, 0 or 1.
    public static func compare(_ a: JSONValue, _ b: JSONValue) -> Int {
        func rank(_ v: JSONValue) -> Int {
            switch v {
            case .null: return 0
            case .bool: return 1
            case .int, .double: return 2
            case .string: return 3
            case .array: return 4
            case .object: return 5
            }
        }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.int(let x), .int(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.string(let x), .string(let y)):
            if String.exactlyEqual(x, y) { return 0 }
            return String.exactlyPrecedes(x, y) ? -1 : 1
        default:
            if let x = a.doubleValue, let y = b.doubleValue { return x == y ? 0 : (x < y ? -1 : 1) }
            let (ra, rb) = (rank(a), rank(b))
            if ra != rb { return ra < rb ? -1 : 1 }
            let (ta, tb) = (JSONWriter.encode(a), JSONWriter.encode(b))
            return ta == tb ? 0 : (ta < tb ? -1 : 1)
        }
    }
}
