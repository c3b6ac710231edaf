import Foundation

/// Finds a ``TableRecord``'s columns by running its `init(from:)` against a decoder that answers every question
/// with a placeholder and writes down what was asked: the keys (column names, in order), the Swift type of each
/// (its column type) and whether it was asked with `decodeIfPresent` (an Optional: nullable).
///
/// A property whose type cannot make a placeholder from the probe's zeros and empty strings (an enum with a raw
/// value, say) is made from its first case when the type is `CaseIterable`; otherwise registration reports it.
enum SchemaProbe {
    /// One probed column.
    struct ProbedColumn {
        var name: String
        var type: ColumnType
        var optional: Bool
        var swiftType: String
    }

    /// The columns of `R`, in the order its `init(from:)` decodes them.
    static func columns<R: Decodable>(of type: R.Type) throws -> [ProbedColumn] {
        let probe = ProbeDecoder()
        do {
            _ = try R(from: probe)
        } catch let error as TypedRecordError {
            throw error
        } catch {
            if probe.columns.isEmpty {
                throw TypedRecordError.invalidDefinition(
                    type: "\(R.self)", reason: "its init(from:) failed while the columns were probed: \(error)")
            }
            // A custom init(from:) that validates (rejects the placeholders) still asked for every column first.
        }
        if probe.columns.isEmpty {
            throw TypedRecordError.invalidDefinition(
                type: "\(R.self)", reason: "its init(from:) decodes no keyed properties, so it has no columns")
        }
        return probe.columns
    }

    // MARK: - Column types of Swift types

    /// The column type of a Swift scalar type, if it is one.
    static func scalarType<T>(_ type: T.Type) -> ColumnType? {
        if T.self == String.self || T.self == Character.self { return .str }
        if T.self == Bool.self { return .bool }
        if T.self == Double.self || T.self == Float.self { return .float }
        if T.self == Int.self || T.self == Int8.self || T.self == Int16.self || T.self == Int32.self
            || T.self == Int64.self || T.self == UInt.self || T.self == UInt8.self || T.self == UInt16.self
            || T.self == UInt32.self || T.self == UInt64.self
        {
            return .int
        }
        return SpecialValues.columnType(T.self)
    }

    /// A placeholder of a scalar type.
    static func scalarPlaceholder<T>(_ type: T.Type) -> T? {
        switch T.self {
        case is String.Type: return "" as? T
        case is Character.Type: return Character(" ") as? T
        case is Bool.Type: return false as? T
        case is Double.Type: return 0.0 as? T
        case is Float.Type: return Float(0) as? T
        case is Int.Type: return 0 as? T
        case is Int8.Type: return Int8(0) as? T
        case is Int16.Type: return Int16(0) as? T
        case is Int32.Type: return Int32(0) as? T
        case is Int64.Type: return Int64(0) as? T
        case is UInt.Type: return UInt(0) as? T
        case is UInt8.Type: return UInt8(0) as? T
        case is UInt16.Type: return UInt16(0) as? T
        case is UInt32.Type: return UInt32(0) as? T
        case is UInt64.Type: return UInt64(0) as? T
        default: return SpecialValues.placeholder(T.self)
        }
    }

    /// A placeholder of any decodable type and its column type; the Optional flag when `T` is itself Optional.
    static func placeholder<T: Decodable>(_ type: T.Type, property: String, owner: String) throws
        -> (value: T, column: ColumnType, optional: Bool)
    {
        let optional = T.self is any OptionalMarker.Type
        if let column = scalarType(T.self), let value = scalarPlaceholder(T.self) { return (value, column, optional) }
        let dummy = DummyDecoder()
        do {
            let value = try T(from: dummy)
            let column = dummy.usedContainers ? .json : (dummy.singleKind ?? .json)
            return (value, column, optional || dummy.sawNil)
        } catch {
            if let cases = T.self as? any CaseIterable.Type, let first = firstCase(cases) as? T {
                var encoded: JSONValue = .null
                if let e = first as? any Encodable, let v = try? encodeOpened(e) { encoded = v }
                let column: ColumnType
                switch encoded {
                case .string: column = .str
                case .int: column = .int
                case .double: column = .float
                case .bool: column = .bool
                default: column = .json
                }
                return (first, column, optional)
            }
            throw TypedRecordError.invalidDefinition(
                type: owner,
                reason: "cannot make a placeholder \(T.self) for property '\(property)' to learn its column "
                    + "(\(T.self)'s init(from:) refused the probe's empty values: \(error)); make \(T.self) "
                    + "CaseIterable, or give it an init(from:) that accepts them")
        }
    }

    private static func encodeOpened<E: Encodable>(_ value: E) throws -> JSONValue { try ValueEncoder.encode(value) }

    private static func firstCase<C: CaseIterable>(_ type: C.Type) -> Any? { C.allCases.first }
}

/// `Optional`, recognisable without knowing its `Wrapped`.
protocol OptionalMarker {}
extension Optional: OptionalMarker {}

/// The probe's decoder: the record level. Records every key asked.
private final class ProbeDecoder: Decoder {
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var columns: [SchemaProbe.ProbedColumn] = []
    var askedNil: Set<String> = []

    func record(_ key: String, _ type: ColumnType, optional: Bool, swiftType: String) {
        if columns.contains(where: { $0.name == key }) { return }
        columns.append(.init(name: key, type: type, optional: optional || askedNil.contains(key), swiftType: swiftType))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ProbeContainer<Key>(probe: self))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        throw TypedRecordError.invalidDefinition(
            type: "the record type", reason: "a record must decode from a keyed container (an object), not an array")
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        throw TypedRecordError.invalidDefinition(
            type: "the record type",
            reason: "a record must decode from a keyed container (an object), not a single value")
    }
}

private struct ProbeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let probe: ProbeDecoder
    var codingPath: [CodingKey] { [] }
    var allKeys: [Key] { [] }
    private var owner: String { "the record type" }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        probe.askedNil.insert(key.stringValue)
        return false
    }

    private func take<T: Decodable>(_ type: T.Type, _ key: Key, optional: Bool) throws -> T {
        let (value, column, isOptional) = try SchemaProbe.placeholder(T.self, property: key.stringValue, owner: owner)
        probe.record(key.stringValue, column, optional: optional || isOptional, swiftType: "\(T.self)")
        return value
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try take(type, key, optional: false) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try take(type, key, optional: false) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try take(type, key, optional: false) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try take(type, key, optional: false) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try take(type, key, optional: false) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try take(type, key, optional: false) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try take(type, key, optional: false) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try take(type, key, optional: false) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try take(type, key, optional: false) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try take(type, key, optional: false) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try take(type, key, optional: false) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try take(type, key, optional: false) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try take(type, key, optional: false) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try take(type, key, optional: false) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try take(type, key, optional: false) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try take(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try take(type, key, optional: true) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try take(type, key, optional: true)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        probe.record(key.stringValue, .json, optional: false, swiftType: "nested object")
        return try DummyDecoder().container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        probe.record(key.stringValue, .json, optional: false, swiftType: "nested array")
        return try DummyDecoder().unkeyedContainer()
    }

    func superDecoder() throws -> Decoder {
        throw TypedRecordError.invalidDefinition(type: owner, reason: "superDecoder() is not supported in a record")
    }

    func superDecoder(forKey key: Key) throws -> Decoder {
        throw TypedRecordError.invalidDefinition(
            type: owner, reason: "superDecoder(forKey:) is not supported in a record")
    }
}

/// Placeholders for nested values: every scalar is zero or empty, every array and object empty, every Optional
/// nil. Notes whether the value was a single scalar (then its column gets that scalar's type).
private final class DummyDecoder: Decoder {
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var singleKind: ColumnType?
    var usedContainers = false
    var sawNil = false

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        usedContainers = true
        return KeyedDecodingContainer(DummyKeyed<Key>())
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        usedContainers = true
        return DummyUnkeyed()
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { DummySingle(decoder: self) }
}

private func dummyValue<T: Decodable>(_ type: T.Type) throws -> T {
    if let v = SchemaProbe.scalarPlaceholder(T.self) { return v }
    return try SchemaProbe.placeholder(T.self, property: "(nested)", owner: "\(T.self)").value
}

private struct DummyKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    var codingPath: [CodingKey] { [] }
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { false }
    func decodeNil(forKey key: Key) throws -> Bool { true }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try dummyValue(T.self) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { nil }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(DummyKeyed<NestedKey>())
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { DummyUnkeyed() }
    func superDecoder() throws -> Decoder { DummyDecoder() }
    func superDecoder(forKey key: Key) throws -> Decoder { DummyDecoder() }
}

private struct DummyUnkeyed: UnkeyedDecodingContainer {
    var codingPath: [CodingKey] { [] }
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }
    mutating func decodeNil() throws -> Bool { true }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try dummyValue(T.self) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(DummyKeyed<NestedKey>())
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { DummyUnkeyed() }
    mutating func superDecoder() throws -> Decoder { DummyDecoder() }
}

private struct DummySingle: SingleValueDecodingContainer {
    let decoder: DummyDecoder
    var codingPath: [CodingKey] { [] }
    func decodeNil() -> Bool {
        decoder.sawNil = true
        return false
    }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let kind = SchemaProbe.scalarType(T.self), decoder.singleKind == nil { decoder.singleKind = kind }
        return try dummyValue(T.self)
    }
}
