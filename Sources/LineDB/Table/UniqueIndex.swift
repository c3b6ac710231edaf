/// A UNIQUE column's index: value → slot, in an open-addressing hash table that stores slot numbers only.
///
/// The values themselves stay in the rows; a probe compares a 32-bit hash tag first and only then the row's value,
/// read through `valueAt(slot)`. So an entry costs 8 bytes where a `[JSONValue: Int]` spent 32 on a copy of the
/// value and the slot. Hand-written because it is measurably smaller: at 1,000,000 rows the index of a UNIQUE
/// text column holds 16 MB instead of 64 MB (`linedb-bench --open-child`: peak RSS of opening 1M records).
///
/// The caller keeps one rule: an entry's slot holds a row whose value is the entry's value (the table indexes a
/// row after storing it and unindexes it before removing it); a row not yet stored is reached through `valueAt`.
struct UniqueIndex {
    private static let empty: Int32 = -1
    private static let deleted: Int32 = -2
    /// Per bucket: `empty`, `deleted` or a slot.
    private var buckets: [Int32] = []
    /// Per bucket: the low 32 bits of its value's hash (also its home position: capacities stay below 2^32).
    private var tags: [UInt32] = []
    private(set) var count = 0
    private var tombstones = 0

    private var mask: Int { buckets.count - 1 }

    private static func tag(_ value: JSONValue) -> UInt32 { UInt32(truncatingIfNeeded: value.hashValue) }

    /// The bucket holding `value`, or `nil`.
    private func bucket(of value: JSONValue, tag: UInt32, valueAt: (Int) -> JSONValue) -> Int? {
        if buckets.isEmpty { return nil }
        var i = Int(tag) & mask
        while true {
            let s = buckets[i]
            if s == Self.empty { return nil }
            if s >= 0 && tags[i] == tag && valueAt(Int(s)) == value { return i }
            i = (i + 1) & mask
        }
    }

    /// The slot whose row holds `value`.
    func slot(for value: JSONValue, valueAt: (Int) -> JSONValue) -> Int? {
        bucket(of: value, tag: Self.tag(value), valueAt: valueAt).map { Int(buckets[$0]) }
    }

    /// Points `value` at `slot`; returns the slot it pointed at before, if any.
    @discardableResult
    mutating func updateValue(_ slot: Int, for value: JSONValue, valueAt: (Int) -> JSONValue) -> Int? {
        let tag = Self.tag(value)
        if let b = bucket(of: value, tag: tag, valueAt: valueAt) {
            let old = Int(buckets[b])
            buckets[b] = Int32(slot)
            return old
        }
        insertNew(slot, tag: tag)
        return nil
    }

    /// Points `value` at `slot` unless some slot holds it already; returns whether it did.
    mutating func insertIfAbsent(_ slot: Int, for value: JSONValue, valueAt: (Int) -> JSONValue) -> Bool {
        let tag = Self.tag(value)
        if bucket(of: value, tag: tag, valueAt: valueAt) != nil { return false }
        insertNew(slot, tag: tag)
        return true
    }

    /// Removes `value`'s entry if it points at `slot`.
    mutating func remove(_ value: JSONValue, ifSlot slot: Int, valueAt: (Int) -> JSONValue) {
        guard let b = bucket(of: value, tag: Self.tag(value), valueAt: valueAt), Int(buckets[b]) == slot else { return }
        buckets[b] = Self.deleted
        count -= 1
        tombstones += 1
    }

    mutating func removeAll(keepingCapacity: Bool) {
        if keepingCapacity {
            for i in buckets.indices { buckets[i] = Self.empty }
        } else {
            buckets = []
            tags = []
        }
        count = 0
        tombstones = 0
    }

    /// Makes room for `n` entries in all without growing again.
    mutating func reserveCapacity(_ n: Int) {
        if Self.capacity(for: n) > buckets.count { rehash(to: Self.capacity(for: n)) }
    }

    /// A power of two that keeps `n` entries at most 3/4 full.
    private static func capacity(for n: Int) -> Int {
        var c = 16
        while c * 3 < n * 4 { c *= 2 }
        return c
    }

    private mutating func insertNew(_ slot: Int, tag: UInt32) {
        precondition(slot < Int(Int32.max), "a table of more than 2^31 rows")
        if (count + tombstones + 1) * 4 > buckets.count * 3 {
            // Grow when more than half the room is entries; otherwise only tombstones filled it: clean in place.
            let grown = (count + 1) * 2 > buckets.count ? buckets.count * 2 : buckets.count
            rehash(to: max(Self.capacity(for: count + 1), grown))
        }
        var i = Int(tag) & mask
        while buckets[i] >= 0 { i = (i + 1) & mask }
        if buckets[i] == Self.deleted { tombstones -= 1 }
        buckets[i] = Int32(slot)
        tags[i] = tag
        count += 1
    }

    /// Moves every entry into a table of `capacity` buckets (dropping tombstones). Needs no values: a tag is the
    /// entry's home position.
    private mutating func rehash(to capacity: Int) {
        let (oldBuckets, oldTags) = (buckets, tags)
        buckets = [Int32](repeating: Self.empty, count: capacity)
        tags = [UInt32](repeating: 0, count: capacity)
        tombstones = 0
        let mask = capacity - 1
        for j in oldBuckets.indices where oldBuckets[j] >= 0 {
            var i = Int(oldTags[j]) & mask
            while buckets[i] != Self.empty { i = (i + 1) & mask }
            buckets[i] = oldBuckets[j]
            tags[i] = oldTags[j]
        }
    }
}
