/// Encodes a ``TableRecord`` straight into column values, without JSON text. One encoder is reused for many
/// records. A nil Optional is left out (so the column gets its default, or null), as the dynamic API treats a
/// missing key.
///
/// Not generic over the record type, so that its containers are generic over their key type only (one metadata
/// lookup fewer per record). The values, the written flags and the name hint are kept behind pointers: the hot
/// path writes them without exclusivity checks or copy-on-write checks.
final class RowEncoder: Encoder {
    let binding: RecordBinding
    /// The binding's lists, copied once.
    private let names: [String]
    fileprivate let dateOnly: [Bool]
    private let width: Int
    /// The values, in the type's column order (`width` of them, initialised); `given[i]` says whether column `i`
    /// was written for the current record.
    private let values: UnsafeMutablePointer<JSONValue>
    private let given: UnsafeMutablePointer<Bool>
    private let hint: UnsafeMutablePointer<Int>
    fileprivate var nested: [(String, ValueEncoder)] = []
    /// The keys of the last record that did not give every column, and which columns it gave: records of one
    /// type usually leave out the same columns (a nil key), so their ``Record``s can share one keys array.
    private var partialKeys: [String] = []
    private var partialGiven: [Bool] = []
    /// Counts the changes of `partialGiven` (see ``encode(_:into:shape:)``).
    private var partialVersion = 0
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(binding: RecordBinding) {
        self.binding = binding
        names = binding.names
        dateOnly = binding.dateOnly
        width = binding.names.count
        values = .allocate(capacity: width)
        values.initialize(repeating: .null, count: width)
        given = .allocate(capacity: width)
        given.initialize(repeating: false, count: width)
        hint = .allocate(capacity: 1)
        hint.initialize(to: 0)
    }

    deinit {
        values.deinitialize(count: width)
        values.deallocate()
        given.deallocate()
        hint.deallocate()
    }

    /// The record as the dynamic API takes it: the written columns, in the type's order.
    func encode<R: Encodable>(_ record: R) throws -> Record {
        build(given: try fill(record))
    }

    /// Encodes `record` into `target` as ``encode(_:)`` does, overwriting `target`'s values in place (no
    /// allocation) when it already has the same columns. `shape` says which columns `target` has: start with -1
    /// for a new `target`, and pass the same `shape` back with it each time (bulk inserts reuse their records).
    func encode<R: Encodable>(_ record: R, into target: inout Record, shape: inout Int) throws {
        let count = try fill(record)
        let wanted = count == width ? 0 : partialShape(count)
        guard shape == wanted, target.count == count else {
            target = build(given: count)
            shape = wanted
            return
        }
        target.values.withUnsafeMutableBufferPointer { buffer in
            if count == width {
                for i in 0..<width { buffer[i] = values[i] }
            } else {
                var j = 0
                for i in 0..<width where given[i] {
                    buffer[j] = values[i]
                    j += 1
                }
            }
        }
    }

    /// Runs the record's `encode(to:)` into `values` and `given`; returns how many columns it gave.
    private func fill<R: Encodable>(_ record: R) throws -> Int {
        given.update(repeating: false, count: width)
        hint.pointee = 0
        if !nested.isEmpty { nested.removeAll() }
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
        var count = 0
        for i in 0..<width where given[i] { count += 1 }
        return count
    }

    /// The shape number (≥ 1) of the columns given now, when not all are; a new number each time they change.
    private func partialShape(_ count: Int) -> Int {
        let flags = UnsafeBufferPointer(start: given, count: width)
        if !partialGiven.elementsEqual(flags) {
            partialGiven = Array(flags)
            partialKeys = (0..<width).filter { given[$0] }.map { names[$0] }
            partialVersion += 1
        }
        return partialVersion
    }

    /// A new ``Record`` of the given columns (`count` of them).
    private func build(given count: Int) -> Record {
        if count == width {
            // no hashing, no search
            return Record(uncheckedUniqueKeys: names, values: Array(UnsafeBufferPointer(start: values, count: width)))
        }
        _ = partialShape(count)
        let present = [JSONValue](unsafeUninitializedCapacity: count) { buffer, initialized in
            var j = 0
            for i in 0..<width where given[i] {
                (buffer.baseAddress! + j).initialize(to: values[i])
                j += 1
            }
            initialized = j
        }
        return Record(uncheckedUniqueKeys: partialKeys, values: present)
    }

    /// The type's column index of `key` (a synthesised `encode(to:)` writes in order, so the hint usually hits).
    @inline(__always)
    fileprivate func index(_ key: some CodingKey) throws -> Int {
        let name = key.stringValue
        let h = hint.pointee
        let i: Int
        if h < width && names[h] == name {
            i = h
        } else if let found = binding.positions[name] {
            i = found
        } else {
            throw TypedRecordError.cannotEncode(
                table: binding.table, column: name,
                reason: "\(binding.layout.typeName) encodes '\(name)', which is not a column of the table "
                    + "(its init(from:) does not decode it)")
        }
        hint.pointee = i + 1
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
            try SpecialValues.encode(value, dateOnly: dateOnly[i])
            ?? ValueEncoder.encode(value, codingPath: [key])
        given[i] = true
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(RowEncodingContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        ValueEncoder().unkeyedContainer()  // not a record: encode(_:) reports it (no column is given)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        ValueEncoder().singleValueContainer()
    }
}

private struct RowEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: RowEncoder
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
