/// Primary-key value → slot.
///
/// Integer keys, the common case, live in an `[Int: Int]`: hashing an `Int` is far cheaper than hashing a
/// `JSONValue`, and the table is half the size, which matters at a million keys (measured with
/// `linedb-bench --open-child`: the key index was the largest cost of opening a 1M-record table).
struct KeyIndex {
    private var ints: [Int: Int] = [:]
    private var others: [JSONValue: Int] = [:]

    var count: Int { ints.count + others.count }

    subscript(key: JSONValue) -> Int? {
        get {
            if case .int(let i) = key { return ints[i] }
            return others[key]
        }
        set {
            if case .int(let i) = key { ints[i] = newValue } else { others[key] = newValue }
        }
    }

    /// Sets `key` to `slot` unless the key is taken; returns whether it was free. One hash.
    mutating func claim(_ key: JSONValue, slot: Int) -> Bool {
        var isNew = false
        func take(_ value: inout Int) {
            if value == -1 {
                value = slot
                isNew = true
            }
        }
        if case .int(let i) = key { take(&ints[i, default: -1]) } else { take(&others[key, default: -1]) }
        return isNew
    }

    mutating func removeValue(forKey key: JSONValue) {
        if case .int(let i) = key { ints.removeValue(forKey: i) } else { others.removeValue(forKey: key) }
    }

    mutating func removeAll(keepingCapacity: Bool) {
        ints.removeAll(keepingCapacity: keepingCapacity)
        others.removeAll(keepingCapacity: keepingCapacity)
    }

    mutating func reserveCapacity(_ n: Int, integers: Bool) {
        if integers { ints.reserveCapacity(n) } else { others.reserveCapacity(n) }
    }
}
