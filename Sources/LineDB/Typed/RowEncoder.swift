/// Encodes a ``TableRecord`` straight into column values, without JSON text. One encoder is reused for many
/// records. A nil Optional is left out (so the column gets its default, or null), as the dynamic API treats a
/// missing key.
final class RowEncoder<R: TableRecord>: Encoder {
    let binding: RecordBinding
    /// The values, in the type's column order; `given[i]` says whether column `i` was written.
    fileprivate var values: [JSONValue]
    fileprivate var given: [Bool]
    fileprivate var hint = 0
    fileprivate var nested: [(String, ValueEncoder)] = []
    /// The keys of the last record that did not give every column, and which columns it gave: records of one
    /// type usually leave out the same columns (a nil key), so their ``Record``s can share one keys array.
    private var partialKeys: [String] = []
    private var partialGiven: [Bool] = []
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(binding: RecordBinding) {
        self.binding = binding
        values = Array(repeating: .null, count: binding.names.count)
        given = Array(repeating: false, count: binding.names.count)
    }

    /// The record as the dynamic API takes it: the written columns, in the type's order.
    func encode(_ record: R) throws -> Record {
        for i in given.indices { given[i] = false }
        hint = 0
        nested.removeAll()
        do {
            try record.encode(to: self)
            for (name, child) in nested { try set(child.result, NameKey(name)) }
        } catch let error as TypedRecordError {
            throw error
        } catch let error as EncodingError {
            if case .invalidValue(_, let context) = error {
                throw TypedRecordError.cannotEncode(
                    table: binding.table, column: context.codingPath.first?.stringValue,
                    reason: context.debugDescription)
            }
            throw TypedRecordError.cannotEncode(table: binding.table, column: nil, reason: "\(error)")
        } catch {
            throw TypedRecordError.cannotEncode(table: binding.table, column: nil, reason: "\(error)")
        }
        if !given.contains(false) {
            return Record(uncheckedUniqueKeys: binding.names, values: values)  // no hashing, no search
        }
        if given != partialGiven {
            partialGiven = given
            partialKeys = given.indices.filter { given[$0] }.map { binding.names[$0] }
        }
        var present: [JSONValue] = []
        present.reserveCapacity(partialKeys.count)
        for i in values.indices where given[i] { present.append(values[i]) }
        return Record(uncheckedUniqueKeys: partialKeys, values: present)
    }

    /// The type's column index of `key` (a synthesised `encode(to:)` writes in order, so the hint usually hits).
    @inline(__always)
    fileprivate func index(_ key: some CodingKey) throws -> Int {
        let name = key.stringValue
        let names = binding.names
        let i: Int
        if hint < names.count && names[hint] == name {
            i = hint
        } else if let found = binding.positions[name] {
            i = found
        } else {
            throw TypedRecordError.cannotEncode(
                table: binding.table, column: name,
                reason: "\(binding.layout.typeName) encodes '\(name)', which is not a column of the table "
                    + "(its init(from:) does not decode it)")
        }
        hint = i + 1
        return i
    }

    @inline(__always)
    fileprivate func set(_ value: JSONValue, _ key: some CodingKey) throws {
        let i = try index(key)
        values[i] = value
        given[i] = true
    }

    fileprivate func encodeGeneric<T: Encodable>(_ value: T, _ key: some CodingKey) throws {
        let i = try index(key)
        values[i] =
            try SpecialValues.encode(value, dateOnly: binding.dateOnly[i])
            ?? ValueEncoder.encode(value, codingPath: [key])
        given[i] = true
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(RowEncodingContainer<Key, R>(encoder: self))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        ValueEncoder().unkeyedContainer()  // not a record: encode(_:) reports it (no column is given)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        ValueEncoder().singleValueContainer()
    }
}

private struct RowEncodingContainer<Key: CodingKey, R: TableRecord>: KeyedEncodingContainerProtocol {
    let encoder: RowEncoder<R>
    var codingPath: [CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { try encoder.set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try encoder.set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try encoder.set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        guard value.isFinite else {
            throw TypedRecordError.cannotEncode(
                table: encoder.binding.table, column: key.stringValue, reason: "\(value) is not a JSON number")
        }
        try encoder.set(.double(value), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try encoder.set(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeWide(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encoder.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeWide(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder.encodeGeneric(value, key) }

    private func encodeWide<T: BinaryInteger>(_ value: T, _ key: Key) throws {
        guard let i = Int(exactly: value) else {
            throw TypedRecordError.cannotEncode(
                table: encoder.binding.table, column: key.stringValue, reason: "\(value) does not fit in a 64-bit int")
        }
        try encoder.set(.int(i), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.child(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        encoder.child(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { encoder.child(for: NameKey("super")) }

    mutating func superEncoder(forKey key: Key) -> Encoder { encoder.child(for: key) }
}

extension RowEncoder {
    /// A child encoder for a nested container (rare in records); its value is collected when the record is
    /// finished, since the container is filled after it is handed out.
    fileprivate func child(for key: some CodingKey) -> ValueEncoder {
        let child = ValueEncoder(codingPath: [key])
        nested.append((key.stringValue, child))
        return child
    }
}
