#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Comparing and hashing strings by their exact Unicode scalars (their UTF-8 bytes).
///
/// Swift's `String ==`, `<` and hashing use canonical equivalence: `"K"` (U+004B) and `"K"` (U+212A KELVIN SIGN),
/// or `"é"` as U+00E9 and as `"e"` + U+0301, are equal to Swift. The seed's Python and SQLite compare strings by
/// their code points, and so does LineDB wherever a string identifies something: primary keys, UNIQUE values
/// (through `JSONValue`'s `==` and `hash(into:)`), table names (`ExactName`, `NameMap`, `NameSet`) and
/// column names. The browser's search is the exception: it is case- and form-insensitive on purpose.
extension String {
    /// Whether `a` and `b` hold exactly the same Unicode scalars (the same UTF-8 bytes), unlike `==`, which
    /// takes canonically equivalent strings as equal.
    @inlinable
    package static func exactlyEqual(_ a: String, _ b: String) -> Bool {
        let (ua, ub) = (a.utf8, b.utf8)
        guard ua.count == ub.count else { return false }
        let same = ua.withContiguousStorageIfAvailable { pa in
            ub.withContiguousStorageIfAvailable { pb in
                pa.isEmpty || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
            }
        }
        if let same, let same { return same }
        return ua.elementsEqual(ub)
    }

    /// Feeds the exact UTF-8 bytes to `hasher`, then a terminator byte (as `String`'s own hash does for ASCII, so
    /// hashing costs the same; for other strings it is cheaper, as nothing is normalized).
    @inlinable
    package static func hashExactly(_ s: String, into hasher: inout Hasher) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            var copy = s
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        hasher.combine(0xFF as UInt8)
    }

    /// A total order that agrees with exact equality: Swift's order first (so sorted names read as before), then,
    /// between canonically equivalent but different strings, the order of their UTF-8 bytes.
    package static func exactlyPrecedes(_ a: String, _ b: String) -> Bool {
        if a < b { return true }
        if b < a { return false }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The order of code points (of UTF-8 bytes, which sort the same): -1, 0 or 1. This is the order SQL's BINARY
    /// collation (SQLite's default) gives, unlike Swift's `<`, which puts the Kelvin sign next to `K` and an NFD
    /// `"é"` next to the NFC one.
    package static func codePointOrder(_ a: String, _ b: String) -> Int {
        let result = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Int in
                let n = Swift.min(pa.count, pb.count)
                let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
                if c != 0 { return c < 0 ? -1 : 1 }
                return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
            }
        }
        if let result, let result { return result }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }
}

/// A name (of a table or a column) as a dictionary key: equal and hashed by its exact Unicode scalars, so that
/// `"K"` and the Kelvin sign `"K"`, or an NFC and an NFD `"é"`, are two names, as they are two files on disk and
/// two names to the seed's Python and to SQLite.
package struct ExactName: Hashable, Sendable, CustomStringConvertible {
    /// The name.
    package let string: String

    package init(_ string: String) { self.string = string }

    package static func == (a: ExactName, b: ExactName) -> Bool { String.exactlyEqual(a.string, b.string) }
    package func hash(into hasher: inout Hasher) { String.hashExactly(string, into: &hasher) }
    package var description: String { string }
}

/// A dictionary keyed by names compared exactly (see `ExactName`), with the `[String: Value]` interface the
/// engine uses: the tables of a database, of a recovery and of a replay.
package struct NameMap<Value>: Sequence, ExpressibleByDictionaryLiteral {
    private var storage: [ExactName: Value] = [:]

    package init() {}

    package init(dictionaryLiteral elements: (String, Value)...) {
        for (k, v) in elements { storage[ExactName(k)] = v }
    }

    package subscript(name: String) -> Value? {
        get { storage[ExactName(name)] }
        set { storage[ExactName(name)] = newValue }
    }

    package subscript(name: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { storage[ExactName(name), default: defaultValue()] }
        set { storage[ExactName(name)] = newValue }
    }

    /// The names, in no particular order (use `sortedKeys` for a stable one).
    package var keys: [String] { storage.keys.map(\.string) }

    /// The names in Swift's order, canonically equivalent names by their bytes (`String.exactlyPrecedes`).
    package var sortedKeys: [String] { storage.keys.map(\.string).sorted(by: String.exactlyPrecedes) }

    package var values: Dictionary<ExactName, Value>.Values { storage.values }
    package var count: Int { storage.count }
    package var isEmpty: Bool { storage.isEmpty }

    @discardableResult
    package mutating func removeValue(forKey name: String) -> Value? { storage.removeValue(forKey: ExactName(name)) }

    package mutating func removeAll() { storage.removeAll() }

    package func makeIterator() -> LazyMapSequence<[ExactName: Value], (key: String, value: Value)>.Iterator {
        storage.lazy.map { (key: $0.key.string, value: $0.value) }.makeIterator()
    }
}

extension NameMap: Sendable where Value: Sendable {}

/// A set of names compared exactly (see `ExactName`), with the `Set<String>` interface the engine uses.
package struct NameSet: Sequence, ExpressibleByArrayLiteral, Sendable {
    private var storage: Set<ExactName> = []

    package init() {}
    package init(arrayLiteral elements: String...) { self.init(elements) }
    package init<S: Sequence>(_ names: S) where S.Element == String { storage = Set(names.map(ExactName.init)) }

    package func contains(_ name: String) -> Bool { storage.contains(ExactName(name)) }
    /// Adds `name`; returns whether it was not there yet.
    @discardableResult
    package mutating func insert(_ name: String) -> Bool { storage.insert(ExactName(name)).inserted }
    package mutating func remove(_ name: String) { storage.remove(ExactName(name)) }
    package mutating func removeAll() { storage.removeAll() }
    package var count: Int { storage.count }
    package var isEmpty: Bool { storage.isEmpty }

    /// The names in Swift's order, canonically equivalent names by their bytes.
    package func sorted() -> [String] { storage.map(\.string).sorted(by: String.exactlyPrecedes) }

    package func makeIterator() -> LazyMapSequence<Set<ExactName>, String>.Iterator {
        storage.lazy.map(\.string).makeIterator()
    }
}
