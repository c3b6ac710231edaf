/// Encodes a ``TableRecord`` straight into column values, without JSON text. One encoder is reused for many
/// records. A nil Optional is left out (so the column gets its default, or null), as the dynamic API treats a
/// missing key.
///
/// Not generic over the record type, so that its containers are generic over their key type only. What the
/// containers write (the values, the written flags, the name hint) is in a ``RowSink`` that they share with the
/// encoder, behind pointers: the hot path writes them without exclusivity checks or copy-on-write checks.
///
/// The keyed container is made once per key type and handed out again for every later record, as
/// ``RowDecoder`` does (this code is never specialised: making a `KeyedEncodingContainer<Key>` anew looks up
/// `RowEncodingContainer<Key>`, its conformance and the box class in the runtime's caches, and allocates the box).
final class RowEncoder: Encoder {
    fileprivate let sink: RowSink
    var binding: RecordBinding { sink.binding }
    /// The keys of the last record that did not give every column, and which columns it gave: records of one
    /// type usually leave out the same columns (a nil key), so their ``Record``s can share one keys array.
    private var partialKeys: [String] = []
    private var partialGiven: [Bool] = []
    /// Counts the changes of `partialGiven` (see ``encode(_:into:shape:)``).
    private var partialVersion = 0
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The container of the key type asked for last, kept for the next record.
    private var slot = ContainerSlot()

    init(binding: RecordBinding) {
        sink = RowSink(binding: binding)
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
        let width = sink.width
        let wanted = count == width ? 0 : partialShape(count)
        guard shape == wanted, target.count == count else {
            target = build(given: count)
            shape = wanted
            return
        }
        // Swapped, not copied: the record takes the new values without a retain, the sink the old ones (which the
        // next record overwrites; only the columns it gives are read).
        let values = sink.values
        let given = sink.given
        target.values.withUnsafeMutableBufferPointer { buffer in
            if count == width {
                for i in 0..<width { swap(&buffer[i], &values[i]) }
            } else {
                var j = 0
                for i in 0..<width where given[i] {
                    swap(&buffer[j], &values[i])
                    j += 1
                }
            }
        }
    }

    /// Runs the record's `encode(to:)` into the sink's values and flags; returns how many columns it gave.
    private func fill<R: Encodable>(_ record: R) throws -> Int {
        let width = sink.width
        sink.given.update(repeating: false, count: width)
        sink.hint.pointee = 0
        if !sink.nested.isEmpty { sink.nested.removeAll() }
        do {
            try record.encode(to: self)
            for (name, child) in sink.nested { try sink.set(child.result, NameKey(name)) }
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
        for i in 0..<width where sink.given[i] { count += 1 }
        return count
    }

    /// The shape number (≥ 1) of the columns given now, when not all are; a new number each time they change.
    private func partialShape(_ count: Int) -> Int {
        let flags = UnsafeBufferPointer(start: sink.given, count: sink.width)
        if !partialGiven.elementsEqual(flags) {
            partialGiven = Array(flags)
            partialKeys = (0..<sink.width).filter { sink.given[$0] }.map { sink.names[$0] }
            partialVersion += 1
        }
        return partialVersion
    }

    /// A new ``Record`` of the given columns (`count` of them).
    private func build(given count: Int) -> Record {
        let width = sink.width
        let values = sink.values
        if count == width {
            // no hashing, no search
            return Record(
                uncheckedUniqueKeys: sink.names, values: Array(UnsafeBufferPointer(start: values, count: width)))
        }
        _ = partialShape(count)
        let given = sink.given
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

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.container(for: Key.self) { KeyedEncodingContainer(RowEncodingContainer<Key>(sink: sink)) }
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        ValueEncoder().unkeyedContainer()  // not a record: encode(_:) reports it (no column is given)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        ValueEncoder().singleValueContainer()
    }
}

/// What a ``RowEncoder``'s containers write: the values of the record being encoded, in the type's column
/// order. A class of its own (not the encoder) so that the container the encoder caches does not keep the
/// encoder alive.
final class RowSink {
    let binding: RecordBinding
    /// The binding's lists, copied once.
    let names: [String]
    let dateOnly: [Bool]
    let width: Int
    /// The values, in the type's column order (`width` of them, initialised); `given[i]` says whether column `i`
    /// was written for the current record.
    let values: UnsafeMutablePointer<JSONValue>
    let given: UnsafeMutablePointer<Bool>
    let hint: UnsafeMutablePointer<Int>
    var nested: [(String, ValueEncoder)] = []

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

    /// The type's column index of `key`. A synthesised `encode(to:)` writes in order, so the hint usually hits; it
    /// skips a nil Optional (the usual nil key of a record to insert), so the column after the hint is tried next.
    @inline(__always)
    func index(_ key: some CodingKey) throws -> Int {
        let name = key.stringValue
        let h = hint.pointee
        let i: Int
        if h < width && names[h] == name {
            i = h
        } else if h + 1 < width && names[h + 1] == name {
            i = h + 1
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
    func set(_ value: JSONValue, _ key: some CodingKey) throws {
        let i = try index(key)
        values[i] = value
        given[i] = true
    }

    func encodeGeneric<T: Encodable>(_ value: T, _ key: some CodingKey) throws {
        let i = try index(key)
        values[i] =
            try SpecialValues.encode(value, dateOnly: dateOnly[i])
            ?? ValueEncoder.encode(value, codingPath: [key])
        given[i] = true
    }

    /// A child encoder for a nested container (rare in records); its value is collected when the record is
    /// finished, since the container is filled after it is handed out.
    func child(for key: some CodingKey) -> ValueEncoder {
        let child = ValueEncoder(codingPath: [key])
        nested.append((key.stringValue, child))
        return child
    }
}

private struct RowEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: RowSink
    var codingPath: [CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { try sink.set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try sink.set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try sink.set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        guard value.isFinite else {
            throw TypedRecordError.cannotEncode(
                table: sink.binding.table, column: key.stringValue, reason: "\(value) is not a JSON number")
        }
        try sink.set(.double(value), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try sink.set(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeWide(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try sink.set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeWide(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try sink.encodeGeneric(value, key) }

    private func encodeWide<T: BinaryInteger>(_ value: T, _ key: Key) throws {
        guard let i = Int(exactly: value) else {
            throw TypedRecordError.cannotEncode(
                table: sink.binding.table, column: key.stringValue, reason: "\(value) does not fit in a 64-bit int")
        }
        try sink.set(.int(i), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        sink.child(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        sink.child(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { sink.child(for: NameKey("super")) }

    mutating func superEncoder(forKey key: Key) -> Encoder { sink.child(for: key) }
}
