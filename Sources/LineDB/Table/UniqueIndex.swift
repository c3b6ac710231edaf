internal import CLineDBSupport

/// A UNIQUE column's index: value → slot, in an open-addressing hash table that stores slot numbers only.
///
/// The values themselves stay in the rows; a probe compares a 32-bit hash tag first and only then the row's value,
/// read through `valueAt(slot)`. So an entry costs 8 bytes where a `[JSONValue: Int]` spent 32 on a copy of the
/// value and the slot. Hand-written because it is measurably smaller: at 1,000,000 rows the index of a UNIQUE
/// text column holds 16 MB instead of 64 MB (`linedb-bench --open-child`: peak RSS of opening 1M records).
/// Tag and slot share one 64-bit word, so a probe touches one cache line, not two: indexing a loaded table is
/// mostly waiting for that line (1M random probes into 16 MB), which the loader also prefetches a few rows ahead
/// (``prefetch(tag:)``), with tags computed on its parsing threads (``tag(_:)``).
///
/// The caller keeps one rule: an entry's slot holds a row whose value is the entry's value (the table indexes a
/// row after storing it and unindexes it before removing it); a row not yet stored is reached through `valueAt`.
struct UniqueIndex {
    /// Slot values for a bucket that holds no entry.
    private static let empty: Int32 = -1
    private static let deleted: Int32 = -2
    /// Per bucket: the tag in the high 32 bits (also its home position: capacities stay below 2^32) and, in the
    /// low 32, `empty`, `deleted` or a slot.
    private var entries: [UInt64] = []
    private(set) var count = 0
    private var tombstones = 0

    private var mask: Int { entries.count - 1 }

    private static let emptyEntry = UInt64(UInt32(bitPattern: empty))

    @inline(__always) private static func slot(_ entry: UInt64) -> Int32 { Int32(truncatingIfNeeded: entry) }
    @inline(__always) private static func tag(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry >> 32) }
    @inline(__always) private static func entry(tag: UInt32, slot: Int32) -> UInt64 {
        UInt64(tag) << 32 | UInt64(UInt32(bitPattern: slot))
    }

    /// The hash tag of `value` (the low 32 bits of its hash value: the same on every thread of the process).
    static func tag(_ value: JSONValue) -> UInt32 { UInt32(truncatingIfNeeded: value.hashValue) }

    /// Appends the tags of `row`'s values in `columns` (0 for a null) to `tags`: what a loader or a bulk insert
    /// computes on its worker threads, for ``TableState/appendLoaded(_:tags:at:)`` and
    /// ``TableState/claimIndexes(for:tags:at:)``.
    static func appendTags(of row: Row, columns: [Int], to tags: inout [UInt32]) {
        for c in columns {
            let v = row.values[c]
            tags.append(v.isNull ? 0 : tag(v))
        }
    }

    /// Starts loading the bucket where a probe for `tag` begins (a hint, for a probe a little later).
    func prefetch(tag: UInt32) {
        guard !entries.isEmpty else { return }
        entries.withUnsafeBufferPointer { ldb_prefetch_for_write($0.baseAddress! + (Int(tag) & mask)) }
    }

    /// The bucket holding `value`, or `nil`.
    private func bucket(of value: JSONValue, tag: UInt32, valueAt: (Int) -> JSONValue) -> Int? {
        if entries.isEmpty { return nil }
        var i = Int(tag) & mask
        while true {
            let e = entries[i]
            let s = Self.slot(e)
            if s == Self.empty { return nil }
            if s >= 0 && Self.tag(of: e) == tag && valueAt(Int(s)) == value { return i }
            i = (i + 1) & mask
        }
    }

    /// The slot whose row holds `value`.
    func slot(for value: JSONValue, valueAt: (Int) -> JSONValue) -> Int? {
        bucket(of: value, tag: Self.tag(value), valueAt: valueAt).map { Int(Self.slot(entries[$0])) }
    }

    /// Points `value` at `slot`; returns the slot it pointed at before, if any. `tag` is `tag(value)` when known.
    @discardableResult
    mutating func updateValue(_ slot: Int, for value: JSONValue, tag known: UInt32? = nil, valueAt: (Int) -> JSONValue)
        -> Int?
    {
        let tag = known ?? Self.tag(value)
        if let b = bucket(of: value, tag: tag, valueAt: valueAt) {
            let old = Int(Self.slot(entries[b]))
            entries[b] = Self.entry(tag: tag, slot: Int32(slot))
            return old
        }
        insertNew(slot, tag: tag)
        return nil
    }

    /// Points `value` at `slot` unless some slot holds it already; returns whether it did. `tag` is `tag(value)`
    /// when known.
    mutating func insertIfAbsent(
        _ slot: Int, for value: JSONValue, tag known: UInt32? = nil, valueAt: (Int) -> JSONValue
    ) -> Bool {
        let tag = known ?? Self.tag(value)
        if bucket(of: value, tag: tag, valueAt: valueAt) != nil { return false }
        insertNew(slot, tag: tag)
        return true
    }

    /// Removes `value`'s entry if it points at `slot`.
    mutating func remove(_ value: JSONValue, ifSlot slot: Int, valueAt: (Int) -> JSONValue) {
        guard let b = bucket(of: value, tag: Self.tag(value), valueAt: valueAt), Int(Self.slot(entries[b])) == slot
        else { return }
        entries[b] = Self.entry(tag: Self.tag(of: entries[b]), slot: Self.deleted)
        count -= 1
        tombstones += 1
    }

    mutating func removeAll(keepingCapacity: Bool) {
        if keepingCapacity {
            for i in entries.indices { entries[i] = Self.emptyEntry }
        } else {
            entries = []
        }
        count = 0
        tombstones = 0
    }

    /// Makes room for `n` entries in all without growing again.
    mutating func reserveCapacity(_ n: Int) {
        if Self.capacity(for: n) > entries.count { rehash(to: Self.capacity(for: n)) }
    }

    /// A power of two that keeps `n` entries at most 3/4 full.
    private static func capacity(for n: Int) -> Int {
        var c = 16
        while c * 3 < n * 4 { c *= 2 }
        return c
    }

    private mutating func insertNew(_ slot: Int, tag: UInt32) {
        precondition(slot < Int(Int32.max), "a table of more than 2^31 rows")
        if (count + tombstones + 1) * 4 > entries.count * 3 {
            // Grow when more than half the room is entries; otherwise only tombstones filled it: clean in place.
            let grown = (count + 1) * 2 > entries.count ? entries.count * 2 : entries.count
            rehash(to: max(Self.capacity(for: count + 1), grown))
        }
        var i = Int(tag) & mask
        while Self.slot(entries[i]) >= 0 { i = (i + 1) & mask }
        if Self.slot(entries[i]) == Self.deleted { tombstones -= 1 }
        entries[i] = Self.entry(tag: tag, slot: Int32(slot))
        count += 1
    }

    /// Moves every entry into a table of `capacity` buckets (dropping tombstones). Needs no values: a tag is the
    /// entry's home position.
    private mutating func rehash(to capacity: Int) {
        let old = entries
        entries = [UInt64](repeating: Self.emptyEntry, count: capacity)
        tombstones = 0
        let mask = capacity - 1
        for e in old where Self.slot(e) >= 0 {
            var i = Int(Self.tag(of: e)) & mask
            while Self.slot(entries[i]) != Self.empty { i = (i + 1) & mask }
            entries[i] = e
        }
    }
}
