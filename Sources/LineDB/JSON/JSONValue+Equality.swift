extension JSONValue {
    /// Whether two values are the same, comparing strings (and object member names) by their exact Unicode
    /// scalars: `"K"` and the Kelvin sign `"K"`, or an NFC and an NFD `"é"`, are different values, as they are to
    /// the seed's Python and to SQLite (Swift's `String ==` would take them as equal). Numbers compare as Swift
    /// compares them: `3` (an ``int(_:)``) and `3.0` (a ``double(_:)``) differ; `NaN` equals nothing.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return String.exactlyEqual(x, y)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return exactlyEqual(x, y)
        default: return false
        }
    }

    /// Hashes the value consistently with `==`: strings and member names by their exact UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(1 as UInt8)
            hasher.combine(b)
        case .int(let i):
            hasher.combine(2 as UInt8)
            hasher.combine(i)
        case .double(let d):
            hasher.combine(3 as UInt8)
            hasher.combine(d)
        case .string(let s):
            hasher.combine(4 as UInt8)
            String.hashExactly(s, into: &hasher)
        case .array(let a):
            hasher.combine(5 as UInt8)
            hasher.combine(a)
        case .object(let o):
            hasher.combine(6 as UInt8)
            hasher.combine(o.count)
            for (k, v) in o {
                String.hashExactly(k, into: &hasher)
                v.hash(into: &hasher)
            }
        }
    }

    /// Objects are equal when they hold the same members in the same order, names compared exactly.
    package static func exactlyEqual(_ a: JSONObject, _ b: JSONObject) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where !String.exactlyEqual(x.key, y.key) || x.value != y.value { return false }
        return true
    }
}
