import Foundation

/// Decodes a ``TableRecord`` straight from a row's values (``JSONValue``s in the table's column order), without
/// building a ``Record`` or JSON text. One decoder is reused for many rows (not at the same time): call ``decode``.
///
/// Not generic over the record type, so that the containers it hands out are generic over their key type only
/// (one metadata lookup fewer per row), and so that a ``RecordBinding`` can keep one for fetches by key. The row
/// and the name hint are kept behind a pointer: the hot path reads them without exclusivity checks.
final class RowDecoder: Decoder {
    unowned(unsafe) let binding: RecordBinding
    /// Keeps `binding` alive, except in the decoder that the binding itself keeps (which would be a cycle).
    private let owner: RecordBinding?
    /// The binding's lists, copied once (reading a `let` of this class costs no retain of the binding).
    fileprivate let names: [String]
    fileprivate let tableIndex: [Int]
    fileprivate let cursor: UnsafeMutablePointer<Cursor>
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The row being decoded and the type's column most likely asked next (a synthesised `init(from:)` asks in
    /// order).
    fileprivate struct Cursor {
        var row: UnsafePointer<JSONValue>?
        var hint: Int
    }

    init(binding: RecordBinding, ownedByBinding: Bool = false) {
        self.binding = binding
        owner = ownedByBinding ? nil : binding
        names = binding.names
        tableIndex = binding.tableIndex
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor(row: nil, hint: 0))
    }

    deinit {
        cursor.deinitialize(count: 1)
        cursor.deallocate()
    }

    /// Decodes one row (values in table column order); errors name the table, the record's key and the column.
    func decode<R: Decodable>(_ row: [JSONValue], as type: R.Type) throws -> R {
        let saved = cursor.pointee
        defer { cursor.pointee = saved }  // a decode inside a decode (a custom init(from:)) leaves ours intact
        do {
            return try row.withUnsafeBufferPointer { buffer in
                cursor.pointee = Cursor(row: buffer.baseAddress, hint: 0)
                return try R(from: self)
            }
        } catch {
            throw binding.decodingError(error, key: binding.key(ofRowValues: row).brief, row: row)
        }
    }

    /// The position in the row of the column named by `key`, or -1.
    @inline(__always)
    fileprivate func position(_ key: some CodingKey) -> Int {
        let name = key.stringValue
        let hint = cursor.pointee.hint
        let i: Int
        if hint < names.count && names[hint] == name {
            i = hint
        } else if let found = binding.positions[name] {
            i = found
        } else {
            return -1
        }
        cursor.pointee.hint = i + 1
        return tableIndex[i]
    }

    /// The value at row position `p` (from ``position(_:)``, not -1).
    @inline(__always)
    fileprivate func value(at p: Int) -> JSONValue { cursor.pointee.row.unsafelyUnwrapped[p] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(decoder: self))
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

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RowDecoder
    var codingPath: [CodingKey] { [] }
    var allKeys: [Key] { decoder.names.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { decoder.binding.positions[key.stringValue] != nil }

    @inline(__always)
    private func value(_ key: Key) throws -> JSONValue {
        let p = decoder.position(key)
        guard p >= 0 else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: [], debugDescription: "table '\(decoder.binding.table)' has no such column"))
        }
        return decoder.value(at: p)
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
        if T.self == Date.self { return SpecialValues.reinterpret(try decodeDate(key), as: T.self) }
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
        let p = decoder.position(key)
        guard p >= 0 else { return nil }
        let v = decoder.value(at: p)
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
