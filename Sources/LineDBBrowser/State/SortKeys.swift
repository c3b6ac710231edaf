import LineDB

/// The sort keys of one column, extracted once per row so that sorting compares plain integers, doubles or
/// strings instead of switching over ``JSONValue`` on every comparison. The order is exactly
/// ``JSONValue/compare(_:_:)``'s: null < false < true < numbers < strings < arrays < objects.
///
/// Keys are stored by kind: integers, doubles or strings when every non-null value of the column is of that kind
/// (the usual case: columns are typed), the values themselves otherwise. Strings carry their first eight UTF-8
/// bytes as an integer, so two strings that differ early are ordered by one integer comparison when byte order is
/// String order: for strings of scalars below U+0300 (ASCII, Latin, IPA), which are always in NFC, Swift's order
/// (scalars of the NFC form) is their UTF-8 byte order.
struct SortKeys: Sendable {
    private enum Kind: Sendable { case ints, doubles, strings, values }

    /// ``JSONValue/compare(_:_:)``'s rank of each key (0 null, 1 bool, 2 number, 3 string, 4 array, 5 object),
    /// times two, plus one for a string whose byte order is its String order (see ``prefix(_:)``).
    private var ranks: [UInt8] = []
    private var kind: Kind
    private var ints: [Int] = []
    private var doubles: [Double] = []
    private var strings: [String] = []
    private var prefixes: [UInt64] = []
    private var values: [JSONValue] = []

    /// Keys for a column of `type`, to be filled by ``append(_:)``.
    init(type: ColumnType, capacity: Int) {
        ranks.reserveCapacity(capacity)
        switch type {
        case .int, .bool:
            kind = .ints
            ints.reserveCapacity(capacity)
        case .float:
            kind = .doubles
            doubles.reserveCapacity(capacity)
        case .str, .date, .datetime:
            kind = .strings
            strings.reserveCapacity(capacity)
            prefixes.reserveCapacity(capacity)
        default:
            kind = .values
        }
    }

    var count: Int { ranks.count }

    /// Adds the key of the next row.
    mutating func append(_ value: JSONValue) {
        let rank = SortKeys.rank(value)
        switch (kind, value) {
        case (.ints, .int(let i)): ints.append(i)
        case (.ints, .bool(let b)): ints.append(b ? 1 : 0)
        case (.doubles, .double(let d)): doubles.append(d)
        case (.doubles, .int(let i)): doubles.append(Double(i))
        case (.strings, .string(let s)):
            let (prefix, byteOrdered) = SortKeys.prefix(s)
            strings.append(s)
            prefixes.append(prefix)
            ranks.append(rank * 2 + (byteOrdered ? 1 : 0))
            return
        case (.values, _): values.append(value)
        case (.ints, .null): ints.append(0)  // a filler: the rank decides before it is looked at
        case (.doubles, .null): doubles.append(0)
        case (.strings, .null):
            strings.append("")
            prefixes.append(0)
        default:
            // A value of another kind than the column's: keep the values themselves from now on (rare).
            values = allValues() + [value]
            kind = .values
            ints = []
            doubles = []
            strings = []
            prefixes = []
        }
        ranks.append(rank * 2)
    }

    /// The keys so far as values (when the storage must change kind).
    private func allValues() -> [JSONValue] {
        (0..<ranks.count).map { k -> JSONValue in
            let r = ranks[k] / 2
            if r == 0 { return .null }
            switch kind {
            case .ints: return r == 1 ? .bool(ints[k] != 0) : .int(ints[k])
            case .doubles: return .double(doubles[k])
            case .strings: return .string(strings[k])
            case .values: return values[k]
            }
        }
    }

    /// -1, 0 or 1, as ``JSONValue/compare(_:_:)`` orders the values of keys `i` and `j`.
    @inline(__always)
    func compare(_ i: Int, _ j: Int) -> Int {
        let ri = ranks[i], rj = ranks[j]
        if ri >> 1 != rj >> 1 { return ri >> 1 < rj >> 1 ? -1 : 1 }
        if ri >> 1 == 0 { return 0 }
        switch kind {
        case .ints:
            let x = ints[i], y = ints[j]
            return x == y ? 0 : (x < y ? -1 : 1)
        case .doubles:
            let x = doubles[i], y = doubles[j]
            return x == y ? 0 : (x < y ? -1 : 1)
        case .strings:
            if ri & rj & 1 == 1 {
                // Byte order is String order for both: the prefixes decide unless equal.
                let x = prefixes[i], y = prefixes[j]
                if x != y { return x < y ? -1 : 1 }
            }
            let x = strings[i], y = strings[j]
            return x == y ? 0 : (x < y ? -1 : 1)
        case .values:
            return JSONValue.compare(values[i], values[j])
        }
    }

    static func rank(_ v: JSONValue) -> UInt8 {
        switch v {
        case .null: return 0
        case .bool: return 1
        case .int, .double: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }

    /// The first eight UTF-8 bytes, big-endian (so integer order is byte order), and whether every scalar of `s`
    /// is below U+0300 (UTF-8 bytes below 0xCC): such a string is in NFC (no combining marks, no character that
    /// NFC changes), so its byte order is its String order.
    static func prefix(_ s: String) -> (UInt64, Bool) {
        var s = s
        return s.withUTF8 { bytes in
            var prefix: UInt64 = 0
            var ordered = true
            for (k, b) in bytes.enumerated() {
                if b >= 0xCC {
                    ordered = false
                    break
                }
                if k < 8 { prefix |= UInt64(b) << (56 - 8 * UInt64(k)) }
            }
            return (prefix, ordered)
        }
    }
}
