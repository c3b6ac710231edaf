import OrderedCollections

/// An `Encoder` that turns a Swift value into a ``JSONValue`` (the value of a `json` column, or a value
/// compared with a column), without going through JSON text.
///
/// Objects keep the order in which `encode(to:)` wrote their keys; `Date`, `UUID`, `URL` and `Data` are
/// written as ``SpecialValues`` says; a non-finite `Double` is refused (JSON has no such number).
final class ValueEncoder: Encoder {
    /// What has been encoded so far.
    fileprivate enum Node {
        case value(JSONValue)
        case object(ObjectNode)
        case array(ArrayNode)
        case encoder(ValueEncoder)

        var finished: JSONValue {
            switch self {
            case .value(let v): return v
            case .object(let o): return .object(o.members.mapValues(\.finished))
            case .array(let a): return .array(a.elements.map(\.finished))
            case .encoder(let e): return e.result
            }
        }
    }

    fileprivate final class ObjectNode { var members = OrderedDictionaryOfNodes() }
    fileprivate final class ArrayNode { var elements: [Node] = [] }
    fileprivate typealias OrderedDictionaryOfNodes = OrderedDictionary<String, Node>

    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    fileprivate var node: Node?

    init(codingPath: [CodingKey] = []) {
        self.codingPath = codingPath
    }

    /// The encoded value (`{}` when `encode(to:)` wrote nothing, as `JSONEncoder` does).
    var result: JSONValue { node?.finished ?? .object([:]) }

    /// Encodes `value` as a ``JSONValue``.
    static func encode<T: Encodable>(_ value: T, codingPath: [CodingKey] = []) throws -> JSONValue {
        if let special = SpecialValues.encode(value) { return special }
        let encoder = ValueEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.result
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectNode
        if case .object(let existing)? = node {
            object = existing
        } else {
            object = ObjectNode()
            node = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        let array: ArrayNode
        if case .array(let existing)? = node {
            array = existing
        } else {
            array = ArrayNode()
            node = .array(array)
        }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleContainer(encoder: self) }

    // MARK: - Scalars

    fileprivate static func double(_ d: Double, codingPath: [CodingKey]) throws -> JSONValue {
        guard d.isFinite else {
            throw EncodingError.invalidValue(
                d, EncodingError.Context(codingPath: codingPath, debugDescription: "\(d) is not a JSON number"))
        }
        return .double(d)
    }

    fileprivate static func integer<T: BinaryInteger>(_ v: T, codingPath: [CodingKey]) throws -> JSONValue {
        guard let i = Int(exactly: v) else {
            throw EncodingError.invalidValue(
                v, EncodingError.Context(codingPath: codingPath, debugDescription: "\(v) does not fit in a 64-bit int"))
        }
        return .int(i)
    }

    /// A nested value: a special type directly, anything else through a child encoder.
    fileprivate static func nested<T: Encodable>(_ value: T, codingPath: [CodingKey]) throws -> Node {
        if let special = SpecialValues.encode(value) { return .value(special) }
        let child = ValueEncoder(codingPath: codingPath)
        try value.encode(to: child)
        return .encoder(child)
    }

    // MARK: - Containers

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectNode
        let codingPath: [CodingKey]

        private func set(_ v: JSONValue, _ key: Key) { object.members[key.stringValue] = .value(v) }
        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            set(try ValueEncoder.double(value, codingPath: codingPath + [key]), key)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            set(try ValueEncoder.double(Double(value), codingPath: codingPath + [key]), key)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(.int(value), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws {
            set(try ValueEncoder.integer(value, codingPath: codingPath + [key]), key)
        }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.int(Int(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws {
            set(try ValueEncoder.integer(value, codingPath: codingPath + [key]), key)
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            object.members[key.stringValue] = try ValueEncoder.nested(value, codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            let child = ObjectNode()
            object.members[key.stringValue] = .object(child)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: child, codingPath: codingPath + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            let child = ArrayNode()
            object.members[key.stringValue] = .array(child)
            return UnkeyedContainer(array: child, codingPath: codingPath + [key])
        }
        mutating func superEncoder() -> Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
        mutating func superEncoder(forKey key: Key) -> Encoder {
            let child = ValueEncoder(codingPath: codingPath + [key])
            object.members[key.stringValue] = .encoder(child)
            return child
        }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer {
        let array: ArrayNode
        let codingPath: [CodingKey]
        var count: Int { array.elements.count }
        private var here: [CodingKey] { codingPath + [IndexKey(count)] }

        private func add(_ v: JSONValue) { array.elements.append(.value(v)) }
        mutating func encodeNil() throws { add(.null) }
        mutating func encode(_ value: Bool) throws { add(.bool(value)) }
        mutating func encode(_ value: String) throws { add(.string(value)) }
        mutating func encode(_ value: Double) throws { add(try ValueEncoder.double(value, codingPath: here)) }
        mutating func encode(_ value: Float) throws { add(try ValueEncoder.double(Double(value), codingPath: here)) }
        mutating func encode(_ value: Int) throws { add(.int(value)) }
        mutating func encode(_ value: Int8) throws { add(.int(Int(value))) }
        mutating func encode(_ value: Int16) throws { add(.int(Int(value))) }
        mutating func encode(_ value: Int32) throws { add(.int(Int(value))) }
        mutating func encode(_ value: Int64) throws { add(.int(Int(value))) }
        mutating func encode(_ value: UInt) throws { add(try ValueEncoder.integer(value, codingPath: here)) }
        mutating func encode(_ value: UInt8) throws { add(.int(Int(value))) }
        mutating func encode(_ value: UInt16) throws { add(.int(Int(value))) }
        mutating func encode(_ value: UInt32) throws { add(.int(Int(value))) }
        mutating func encode(_ value: UInt64) throws { add(try ValueEncoder.integer(value, codingPath: here)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            array.elements.append(try ValueEncoder.nested(value, codingPath: here))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            let child = ObjectNode()
            let path = here
            array.elements.append(.object(child))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: child, codingPath: path))
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            let child = ArrayNode()
            let path = here
            array.elements.append(.array(child))
            return UnkeyedContainer(array: child, codingPath: path)
        }
        mutating func superEncoder() -> Encoder {
            let child = ValueEncoder(codingPath: here)
            array.elements.append(.encoder(child))
            return child
        }
    }

    private struct SingleContainer: SingleValueEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [CodingKey] { encoder.codingPath }

        private func set(_ v: JSONValue) { encoder.node = .value(v) }
        mutating func encodeNil() throws { set(.null) }
        mutating func encode(_ value: Bool) throws { set(.bool(value)) }
        mutating func encode(_ value: String) throws { set(.string(value)) }
        mutating func encode(_ value: Double) throws { set(try ValueEncoder.double(value, codingPath: codingPath)) }
        mutating func encode(_ value: Float) throws {
            set(try ValueEncoder.double(Double(value), codingPath: codingPath))
        }
        mutating func encode(_ value: Int) throws { set(.int(value)) }
        mutating func encode(_ value: Int8) throws { set(.int(Int(value))) }
        mutating func encode(_ value: Int16) throws { set(.int(Int(value))) }
        mutating func encode(_ value: Int32) throws { set(.int(Int(value))) }
        mutating func encode(_ value: Int64) throws { set(.int(Int(value))) }
        mutating func encode(_ value: UInt) throws { set(try ValueEncoder.integer(value, codingPath: codingPath)) }
        mutating func encode(_ value: UInt8) throws { set(.int(Int(value))) }
        mutating func encode(_ value: UInt16) throws { set(.int(Int(value))) }
        mutating func encode(_ value: UInt32) throws { set(.int(Int(value))) }
        mutating func encode(_ value: UInt64) throws { set(try ValueEncoder.integer(value, codingPath: codingPath)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.node = try ValueEncoder.nested(value, codingPath: codingPath)
        }
    }
}

/// A position in an array, as a coding key (for coding paths in errors).
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) {
        guard let i = Int(stringValue) else { return nil }
        intValue = i
    }
    init?(intValue: Int) { self.intValue = intValue }
}

/// A coding key made from a string (column names in error paths).
struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
