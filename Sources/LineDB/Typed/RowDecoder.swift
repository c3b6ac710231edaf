import Foundation

/// Decodes a ``TableRecord`` straight from a row's values (``JSONValue``s in the table's column order), without
/// building a ``Record`` or JSON text. One decoder is reused for many rows (not at the same time): call ``decode``.
///
/// Not generic over the record type, so that the containers it hands out are generic over their key type only,
/// and so that a ``RecordBinding`` can keep one for fetches by key. What the containers read (the row, the name
/// hint) is in a ``RowCursor`` that they share with the decoder.
///
/// The keyed container is made once per key type and handed out again for every later row: the decoder is called
/// from the record's `init(from:)` through the `Decoder` protocol, so this code is never specialised, and making
/// a `KeyedDecodingContainer<Key>` anew costs lookups in the runtime's generic metadata and conformance caches
/// (`RowContainer<Key>`, its conformance, the container's box class) and the allocation of the box, per row:
/// about an eighth of a typed fetch of all records in a profile of the benchmark. Reusing it costs one lookup (of
/// `KeyedDecodingContainer<Key>`, to copy it).
final class RowDecoder: Decoder {
    fileprivate let cursor: RowCursor
    var binding: RecordBinding { cursor.binding }
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The container of the key type asked for last, kept for the next record.
    private var slot = ContainerSlot()

    init(binding: RecordBinding, ownedByBinding: Bool = false) {
        cursor = RowCursor(binding: binding, ownedByBinding: ownedByBinding)
    }

    /// Decodes one row (values in table column order); errors name the table, the record's key and the column.
    func decode<R: Decodable>(_ row: [JSONValue], as type: R.Type) throws -> R {
        let saved = cursor.state.pointee
        defer { cursor.state.pointee = saved }  // a decode inside a decode (a custom init(from:)) leaves ours intact
        do {
            // The row's storage is not moved while `row` (borrowed for this call) lives: its address is kept in
            // the cursor for the containers, without a generic closure around `R(from:)`.
            cursor.state.pointee = RowCursor.State(row: row.withUnsafeBufferPointer { $0.baseAddress }, hint: 0)
            return try R(from: self)
        } catch {
            let binding = cursor.binding
            throw binding.decodingError(error, key: binding.key(ofRowValues: row).brief, row: row)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        slot.container(for: Key.self) { KeyedDecodingContainer(RowContainer<Key>(cursor: cursor)) }
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: [], debugDescription: "a record is an object of columns, not an array"))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(
            JSONValue.self, .init(codingPath: [], debugDescription: "a record is an object of columns, not one value"))
    }
}

/// What a ``RowDecoder``'s containers read: the binding's lists and the row being decoded. A class of its own
/// (not the decoder) so that the container the decoder caches does not keep the decoder alive.
final class RowCursor {
    unowned(unsafe) let binding: RecordBinding
    /// Keeps `binding` alive, except in the decoder that the binding itself keeps (which would be a cycle).
    private let owner: RecordBinding?
    /// The binding's lists, copied once (reading a `let` of this class costs no retain of the binding).
    let names: [String]
    let tableIndex: [Int]
    /// Behind a pointer: the hot path reads and writes it without exclusivity checks.
    let state: UnsafeMutablePointer<State>

    /// The row being decoded and the type's column most likely asked next (a synthesised `init(from:)` asks in
    /// order).
    struct State {
        var row: UnsafePointer<JSONValue>?
        var hint: Int
    }

    init(binding: RecordBinding, ownedByBinding: Bool) {
        self.binding = binding
        owner = ownedByBinding ? nil : binding
        names = binding.names
        tableIndex = binding.tableIndex
        state = .allocate(capacity: 1)
        state.initialize(to: State(row: nil, hint: 0))
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The position in the row of the column named by `key`, or -1.
    @inline(__always)
    func position(_ key: some CodingKey) -> Int {
        let name = key.stringValue
        let hint = state.pointee.hint
        let i: Int
        if hint < names.count && names[hint] == name {
            i = hint
        } else if let found = binding.positions[name] {
            i = found
        } else {
            return -1
        }
        state.pointee.hint = i + 1
        return tableIndex[i]
    }

    /// The value at row position `p` (from ``position(_:)``, not -1).
    @inline(__always)
    func value(at p: Int) -> JSONValue { state.pointee.row.unsafelyUnwrapped[p] }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let cursor: RowCursor
    var codingPath: [CodingKey] { [] }
    var allKeys: [Key] { cursor.names.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { cursor.binding.positions[key.stringValue] != nil }

    @inline(__always)
    private func value(_ key: Key) throws -> JSONValue {
        let p = cursor.position(key)
        guard p >= 0 else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: [], debugDescription: "table '\(cursor.binding.table)' has no such column"))
        }
        return cursor.value(at: p)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let v = try value(key)
        if case .bool(let b) = v { return b }
        return try ValueDecoder.bool(v, [key])
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let v = try value(key)
        if case .string(let s) = v { return s }
        return try ValueDecoder.string(v, [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let v = try value(key)
        if case .double(let d) = v { return d }
        return try ValueDecoder.double(v, [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try ValueDecoder.double(try value(key), [key]))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        let v = try value(key)
        if case .int(let i) = v { return i }
        return try ValueDecoder.integer(type, v, [key])
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try ValueDecoder.integer(type, try value(key), [key])
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        // A `Date` without touching `Optional<T>`, whose metadata the path below looks up (on entry) in the
        // runtime's cache, once per row.
        if T.self == Date.self { return unsafeBitCast(try decodeDate(key), to: T.self) }
        return try decodeOther(type, key)
    }

    /// Any other `Decodable`: a special value (`UUID`, `URL`, `Data`) or the type's own `init(from:)`.
    @inline(never)
    private func decodeOther<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let v = try value(key)
        if let special = try SpecialValues.decode(T.self, from: v, codingPath: [key]) { return special }
        return try T(from: ValueDecoder(v, codingPath: [key]))
    }

    /// A `Date` column, without the `Optional<T>` of the generic path (its metadata is looked up under a lock).
    private func decodeDate(_ key: Key) throws -> Date {
        let v = try value(key)
        if case .string(let s) = v, let date = DateCoding.parse(s) { return date }
        guard let date = try SpecialValues.decode(Date.self, from: v, codingPath: [key]) else {
            throw DecodingError.typeMismatch(Date.self, .init(codingPath: [key], debugDescription: "not a date"))
        }
        return date
    }

    // decodeIfPresent: a column that is null (or not in the table) is nil.
    private func present(_ key: Key) -> JSONValue? {
        let p = cursor.position(key)
        guard p >= 0 else { return nil }
        let v = cursor.value(at: p)
        if v.isNull { return Optional.none }  // not `? nil :`, which JSONValue's nil literal would make .null
        return v
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let v = present(key) else { return nil }
        if case .string(let s) = v { return s }
        return try ValueDecoder.string(v, [key])
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let v = present(key) else { return nil }
        if case .int(let i) = v { return i }
        return try ValueDecoder.integer(type, v, [key])
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let v = present(key) else { return nil }
        if case .double(let d) = v { return d }
        return try ValueDecoder.double(v, [key])
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let v = present(key) else { return nil }
        if case .bool(let b) = v { return b }
        return try ValueDecoder.bool(v, [key])
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let v = present(key) else { return nil }
        if let special = try SpecialValues.decode(T.self, from: v, codingPath: [key]) { return special }
        return try T(from: ValueDecoder(v, codingPath: [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(try value(key), codingPath: [key]).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try ValueDecoder(try value(key), codingPath: [key]).unkeyedContainer()
    }
    func superDecoder() throws -> Decoder {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "records have no super decoder"))
    }
    func superDecoder(forKey key: Key) throws -> Decoder { ValueDecoder(try value(key), codingPath: [key]) }
}
