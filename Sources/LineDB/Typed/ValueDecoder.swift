/// A `Decoder` that reads a Swift value from a ``JSONValue`` (a `json` column's value, or a nested object),
/// without going through JSON text. The inverse of ``ValueEncoder``.
struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    /// Decodes a `T` from `value`.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, codingPath: [CodingKey] = []) throws -> T {
        if let special = try SpecialValues.decode(T.self, from: value, codingPath: codingPath) { return special }
        return try T(from: ValueDecoder(value, codingPath: codingPath))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw ValueDecoder.mismatch(JSONObject.self, value, codingPath, "an object")
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let array) = value else {
            throw ValueDecoder.mismatch([JSONValue].self, value, codingPath, "an array")
        }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        SingleContainer(value: value, codingPath: codingPath)
    }

    // MARK: - Scalars (shared with the row decoder)

    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [CodingKey], _ expected: String) -> DecodingError
    {
        if value.isNull {
            return DecodingError.valueNotFound(
                type, DecodingError.Context(codingPath: path, debugDescription: "expected \(expected), got null"))
        }
        return DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path, debugDescription: "expected \(expected), got \(value.kindName) \(value.brief)"))
    }

    static func bool(_ v: JSONValue, _ path: [CodingKey]) throws -> Bool {
        if case .bool(let b) = v { return b }
        throw mismatch(Bool.self, v, path, "a bool")
    }

    static func string(_ v: JSONValue, _ path: [CodingKey]) throws -> String {
        if case .string(let s) = v { return s }
        throw mismatch(String.self, v, path, "a str")
    }

    static func double(_ v: JSONValue, _ path: [CodingKey]) throws -> Double {
        switch v {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw mismatch(Double.self, v, path, "a float")
        }
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ v: JSONValue, _ path: [CodingKey]) throws -> T {
        switch v {
        case .int(let i):
            if let x = T(exactly: i) { return x }
        case .double(let d):
            if let x = T(exactly: d) { return x }
        default:
            break
        }
        throw mismatch(T.self, v, path, v.isNull || v.doubleValue == nil ? "an int" : "an int that fits \(T.self)")
    }

    static func generic<T: Decodable>(_ type: T.Type, _ v: JSONValue, _ path: [CodingKey]) throws -> T {
        try decode(T.self, from: v, codingPath: path)
    }

    // MARK: - Containers

    private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONObject
        let codingPath: [CodingKey]
        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        private func value(_ key: Key) throws -> JSONValue {
            guard let v = object[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key,
                    DecodingError.Context(codingPath: codingPath, debugDescription: "no member '\(key.stringValue)'"))
            }
            return v
        }
        private func path(_ key: Key) -> [CodingKey] { codingPath + [key] }

        func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            try ValueDecoder.bool(try value(key), path(key))
        }
        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            try ValueDecoder.string(try value(key), path(key))
        }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            try ValueDecoder.double(try value(key), path(key))
        }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
            Float(try ValueDecoder.double(try value(key), path(key)))
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            try ValueDecoder.integer(Int.self, try value(key), path(key))
        }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
            try ValueDecoder.integer(type, try value(key), path(key))
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try ValueDecoder.generic(T.self, try value(key), path(key))
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try ValueDecoder(try value(key), codingPath: path(key)).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            try ValueDecoder(try value(key), codingPath: path(key)).unkeyedContainer()
        }
        func superDecoder() throws -> Decoder {
            ValueDecoder(object["super"] ?? .null, codingPath: codingPath + [NameKey("super")])
        }
        func superDecoder(forKey key: Key) throws -> Decoder {
            ValueDecoder(object[key.stringValue] ?? .null, codingPath: path(key))
        }
    }

    private struct UnkeyedContainer: UnkeyedDecodingContainer {
        let array: [JSONValue]
        let codingPath: [CodingKey]
        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }
        var currentIndex = 0

        init(array: [JSONValue], codingPath: [CodingKey]) {
            self.array = array
            self.codingPath = codingPath
        }

        private mutating func next() throws -> (JSONValue, [CodingKey]) {
            let path = codingPath + [IndexKey(currentIndex)]
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    JSONValue.self,
                    DecodingError.Context(codingPath: path, debugDescription: "the array has no more elements"))
            }
            defer { currentIndex += 1 }
            return (array[currentIndex], path)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { return false }
            if array[currentIndex].isNull {
                currentIndex += 1
                return true
            }
            return false
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool {
            let (v, p) = try next()
            return try ValueDecoder.bool(v, p)
        }
        mutating func decode(_ type: String.Type) throws -> String {
            let (v, p) = try next()
            return try ValueDecoder.string(v, p)
        }
        mutating func decode(_ type: Double.Type) throws -> Double {
            let (v, p) = try next()
            return try ValueDecoder.double(v, p)
        }
        mutating func decode(_ type: Float.Type) throws -> Float {
            let (v, p) = try next()
            return Float(try ValueDecoder.double(v, p))
        }
        mutating func decode(_ type: Int.Type) throws -> Int {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: Int8.Type) throws -> Int8 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: Int16.Type) throws -> Int16 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: Int32.Type) throws -> Int32 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: Int64.Type) throws -> Int64 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: UInt.Type) throws -> UInt {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
            let (v, p) = try next()
            return try ValueDecoder.integer(type, v, p)
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (v, p) = try next()
            return try ValueDecoder.generic(T.self, v, p)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            let (v, p) = try next()
            return try ValueDecoder(v, codingPath: p).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
            let (v, p) = try next()
            return try ValueDecoder(v, codingPath: p).unkeyedContainer()
        }
        mutating func superDecoder() throws -> Decoder {
            let (v, p) = try next()
            return ValueDecoder(v, codingPath: p)
        }
    }

    private struct SingleContainer: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [CodingKey]

        func decodeNil() -> Bool { value.isNull }
        func decode(_ type: Bool.Type) throws -> Bool { try ValueDecoder.bool(value, codingPath) }
        func decode(_ type: String.Type) throws -> String { try ValueDecoder.string(value, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try ValueDecoder.double(value, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { Float(try ValueDecoder.double(value, codingPath)) }
        func decode(_ type: Int.Type) throws -> Int { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try ValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try ValueDecoder.integer(type, value, codingPath) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try ValueDecoder.generic(T.self, value, codingPath) }
    }
}
