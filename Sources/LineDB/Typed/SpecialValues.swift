import Foundation

/// The Foundation types that the typed API stores as plain JSON scalars rather than through their own
/// `Codable` conformance (as `JSONEncoder` does): `Date` as an ISO 8601 string, `UUID` and `URL` as strings,
/// `Data` as Base64.
enum SpecialValues {
    /// The stored form of `value` if it is one of the special types; `dateOnly` writes a `Date` as `YYYY-MM-DD`.
    static func encode<T>(_ value: T, dateOnly: Bool = false) -> JSONValue? {
        if T.self == Date.self {  // the common case, without a dynamic cast
            let date = reinterpret(value, as: Date.self)
            return .string(dateOnly ? DateCoding.dateString(date) : DateCoding.dateTimeString(date))
        }
        guard isSpecial(T.self) else { return nil }
        switch value {
        case let date as Date: return .string(dateOnly ? DateCoding.dateString(date) : DateCoding.dateTimeString(date))
        case let uuid as UUID: return .string(uuid.uuidString)
        case let url as URL: return .string(url.absoluteString)
        case let data as Data: return .string(data.base64EncodedString())
        default: return nil
        }
    }

    /// `value` as `U`, which the caller has checked `T` is.
    @inline(__always)
    static func reinterpret<T, U>(_ value: T, as type: U.Type) -> U {
        unsafeBitCast(value, to: U.self)  // not withUnsafePointer, which unspecialised code calls as a generic function
    }

    /// Whether `T` is one of the special types.
    static func isSpecial<T>(_ type: T.Type) -> Bool {
        T.self == Date.self || T.self == UUID.self || T.self == URL.self || T.self == Data.self
    }

    /// The column type a special type maps to.
    static func columnType<T>(_ type: T.Type) -> ColumnType? {
        if T.self == Date.self { return .datetime }
        if T.self == UUID.self || T.self == URL.self || T.self == Data.self { return .str }
        return nil
    }

    /// A placeholder value of a special type (for the schema probe).
    static func placeholder<T>(_ type: T.Type) -> T? {
        if T.self == Date.self { return Date(timeIntervalSince1970: 0) as? T }
        if T.self == UUID.self { return UUID() as? T }
        if T.self == URL.self { return URL(string: "https://example.com") as? T }
        if T.self == Data.self { return Data() as? T }
        return nil
    }

    /// Decodes a special type from its stored form. Returns `nil` when `T` is not special; throws when it is but
    /// the value does not fit.
    static func decode<T>(_ type: T.Type, from value: JSONValue, codingPath: @autoclosure () -> [CodingKey]) throws
        -> T?
    {
        guard isSpecial(T.self) else { return nil }
        func fail(_ expected: String) -> DecodingError {
            DecodingError.typeMismatch(
                T.self,
                DecodingError.Context(
                    codingPath: codingPath(),
                    debugDescription: "expected \(expected), got \(value.kindName) \(value.brief)"))
        }
        guard case .string(let s) = value else {
            if T.self == Date.self, let seconds = value.doubleValue {
                return Date(timeIntervalSince1970: seconds) as? T  // a Unix time, as some writers store it
            }
            throw fail("a string")
        }
        if T.self == Date.self {
            guard let d = DateCoding.parse(s) else { throw fail("an ISO 8601 date or datetime") }
            return reinterpret(d, as: T.self)
        }
        if T.self == UUID.self {
            guard let u = UUID(uuidString: s) else { throw fail("a UUID") }
            return u as? T
        }
        if T.self == URL.self {
            guard let u = URL(string: s) else { throw fail("a URL") }
            return u as? T
        }
        guard let d = Data(base64Encoded: s) else { throw fail("Base64 data") }
        return d as? T
    }
}
