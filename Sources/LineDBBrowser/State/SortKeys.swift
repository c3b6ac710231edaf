import LineDB

/// The sort keys of one column over a list of rows, extracted once per row so that sorting compares plain integers
/// or doubles instead of switching over ``JSONValue`` on every comparison. The order is exactly
/// ``JSONValue/compare(_:_:)``'s: null < false < true < numbers < strings < arrays < objects.
///
/// Keys are stored by kind: integers or doubles when every non-null value of the column is of that kind (the usual
/// case: columns are typed). Strings are not copied: each carries its first sixteen UTF-8 bytes as two integers, so
/// two strings are ordered by integer comparisons when byte order is String order (for strings of scalars below
/// U+0300 — ASCII, Latin, IPA — which are always in NFC, Swift's order, by the scalars of the NFC form, is their
/// UTF-8 byte order): when they differ in those bytes, or when both are whole in them (at most 16 bytes, no NUL, so
/// that the zero padding tells their lengths apart). Otherwise — equal first 16 bytes of longer strings, other
/// strings — the rows' own values are compared. Columns of other types (and columns whose values are of mixed
/// kinds) compare the rows' values themselves.
///
/// At 1M rows a string column takes 17 MB (a rank byte and 16 bytes of keys per row), not 25 MB with a copy of every
/// string (16 bytes each) and an 8-byte prefix; a number column 9 MB. They are ``PageBuffer``s: given back to the
/// system as soon as the sort is done with them.
struct SortKeys: Sendable {
    private enum Kind: Sendable { case ints, doubles, strings, values }

    /// The table's rows, the positions in them the keys are of (key `k` is of `rows[positions[k]]`), the column.
    private let rows: [[JSONValue]]
    private let positions: [Int]
    private let column: Int
    /// ``JSONValue/compare(_:_:)``'s rank of each key (0 null, 1 bool, 2 number, 3 string, 4 array, 5 object),
    /// times four, plus the string flags ``ordered`` and ``whole`` (see ``prefix(_:)``).
    private var ranks: PageBuffer<UInt8>
    /// Flag of a string whose byte order is its String order: its ``prefixes`` order it against another such string
    /// unless they are equal.
    private static let ordered: UInt8 = 1
    /// Flag of an ordered string that its ``prefixes`` hold whole (so equal prefixes mean equal strings).
    private static let whole: UInt8 = 2
    private var kind: Kind
    private var ints = PageBuffer<Int>()
    private var doubles = PageBuffer<Double>()
    /// Of string `k`: its UTF-8 bytes 0..<8 at `2k` and 8..<16 at `2k + 1`, big-endian, padded with zeros.
    private var prefixes = PageBuffer<UInt64>()
    /// Keys extracted so far.
    private(set) var count = 0

    /// Keys of `rows[positions[k]][column]` (a column of `type`), to be filled by ``extract(budget:)``.
    init(rows: [[JSONValue]], positions: [Int], column: Int, type: ColumnType) {
        self.rows = rows
        self.positions = positions
        self.column = column
        let capacity = positions.count
        ranks = PageBuffer(zeros: capacity)
        switch type {
        case .int, .bool:
            kind = .ints
            ints = PageBuffer(zeros: capacity)
        case .float:
            kind = .doubles
            doubles = PageBuffer(zeros: capacity)
        case .str, .date, .datetime:
            kind = .strings
            prefixes = PageBuffer(zeros: 2 * capacity)
        default:
            kind = .values
        }
    }

    /// Keys to extract in all (one per position).
    var total: Int { positions.count }
    var isComplete: Bool { count == positions.count }

    /// Extracts up to `budget` more keys (at least one while some are left); returns how many.
    mutating func extract(budget: Int) -> Int {
        let start = count
        let end = min(positions.count, start + max(1, budget))
        for k in start..<end { append(rows[positions[k]][column]) }
        return end - start
    }

    /// Extracts every key left.
    mutating func extractAll() {
        _ = extract(budget: positions.count)
    }

    /// The value key `k` is of.
    @inline(__always)
    private func value(_ k: Int) -> JSONValue {
        rows[positions[k]][column]
    }

    /// Adds the key of the next row (key ``count``).
    private mutating func append(_ value: JSONValue) {
        let k = count
        count += 1
        let rank = SortKeys.rank(value)
        switch (kind, value) {
        case (.ints, .int(let i)): ints[k] = i
        case (.ints, .bool(let b)): ints[k] = b ? 1 : 0
        case (.doubles, .double(let d)): doubles[k] = d
        case (.doubles, .int(let i)): doubles[k] = Double(i)
        case (.strings, .string(let s)):
            let p = SortKeys.prefix(s)
            prefixes[2 * k] = p.high
            prefixes[2 * k + 1] = p.low
            let flags = (p.ordered ? SortKeys.ordered : 0) | (p.ordered && p.whole ? SortKeys.whole : 0)
            ranks[k] = rank << 2 | flags
            return
        case (.values, _): break
        case (_, .null): break  // zeros: the rank decides before the key is looked at
        default:
            // A value of another kind than the column's: compare the values themselves from now on (rare).
            kind = .values
            ints = PageBuffer()
            doubles = PageBuffer()
            prefixes = PageBuffer()
            // The string flags of the ranks no longer mean anything: plain ranks only.
            for j in 0..<k { ranks[j] &= ~3 }
        }
        ranks[k] = rank << 2
    }

    /// -1, 0 or 1, as ``JSONValue/compare(_:_:)`` orders the values of keys `i` and `j`.
    @inline(__always)
    func compare(_ i: Int, _ j: Int) -> Int {
        let ri = ranks[i], rj = ranks[j]
        if ri >> 2 != rj >> 2 { return ri >> 2 < rj >> 2 ? -1 : 1 }
        if ri >> 2 == 0 { return 0 }
        switch kind {
        case .ints:
            let x = ints[i], y = ints[j]
            return x == y ? 0 : (x < y ? -1 : 1)
        case .doubles:
            let x = doubles[i], y = doubles[j]
            return x == y ? 0 : (x < y ? -1 : 1)
        case .strings:
            // Both are strings (the ranks are equal and not null's).
            let both = ri & rj
            if both & SortKeys.ordered != 0 {
                // Byte order is String order for both: the prefixes decide unless equal.
                let hx = prefixes[2 &* i], hy = prefixes[2 &* j]
                if hx != hy { return hx < hy ? -1 : 1 }
                let lx = prefixes[2 &* i &+ 1], ly = prefixes[2 &* j &+ 1]
                if lx != ly { return lx < ly ? -1 : 1 }
                if both & SortKeys.whole != 0 { return 0 }
            }
            guard case .string(let x) = value(i), case .string(let y) = value(j) else { return 0 }
            if both & SortKeys.ordered != 0 { return SortKeys.compareBytes(x, y) }
            return JSONValue.compare(.string(x), .string(y))  // Swift's order, lookalikes by their bytes
        case .values:
            return JSONValue.compare(value(i), value(j))
        }
    }

    /// -1, 0 or 1 by the UTF-8 bytes (what String order is for two strings whose ``prefix(_:)`` says so).
    private static func compareBytes(_ x: String, _ y: String) -> Int {
        var x = x, y = y
        return x.withUTF8 { a in
            y.withUTF8 { b in
                let n = min(a.count, b.count)
                var k = 0
                while k < n {
                    if a[k] != b[k] { return a[k] < b[k] ? -1 : 1 }
                    k += 1
                }
                return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
            }
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

    /// The first sixteen UTF-8 bytes as two integers, big-endian and padded with zeros (so integer order is byte
    /// order); whether every scalar of `s` is below U+0300 (UTF-8 bytes below 0xCC): such a string is in NFC (no
    /// combining marks, no character that NFC changes), so its byte order is its String order; and whether the
    /// sixteen bytes hold the whole string unambiguously (at most 16 bytes, none of them NUL).
    static func prefix(_ s: String) -> (high: UInt64, low: UInt64, ordered: Bool, whole: Bool) {
        var s = s
        return s.withUTF8 { bytes in
            var high: UInt64 = 0
            var low: UInt64 = 0
            var ordered = true
            var whole = bytes.count <= 16
            for (k, b) in bytes.enumerated() {
                if b >= 0xCC {
                    ordered = false
                    break
                }
                if b == 0 { whole = false }
                if k < 8 {
                    high |= UInt64(b) << (56 - 8 * UInt64(k))
                } else if k < 16 {
                    low |= UInt64(b) << (56 - 8 * UInt64(k - 8))
                }
            }
            return (high, low, ordered, whole)
        }
    }
}
