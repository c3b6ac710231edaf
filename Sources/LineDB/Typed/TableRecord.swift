/// A Swift type stored as one LineDB table: the seed's `@table @dataclass`, as a `Codable` type.
///
/// Declare the record's properties as usual; what `Codable` cannot say (the primary key, UNIQUE columns,
/// defaults, a column type other than the one the property implies) goes in ``columnOptions``, next to them:
///
/// ```swift
/// struct Student: TableRecord {
///     var id: Int?            // the primary key; nil until inserted, then assigned by the table's counter
///     var name: String        // non-Optional: NOT NULL
///     var email: String
///     var gpa: Double = 0.0
///     var nickname: String?   // Optional: nullable
///
///     static let columnOptions: [ColumnOption] = [
///         .primaryKey("id"),
///         .unique("email"),
///         .default("gpa", 0.0),
///     ]
/// }
///
/// let students = try db.register(Student.self)   // writes schema/student.schema.json, or checks it
/// var alice = Student(name: "Alice", email: "alice@university.edu", gpa: 3.8)
/// try students.insert(&alice)                      // alice.id == 1
/// let top = try students.fetch(where: { $0.gpa > 3.5 }, orderBy: "gpa", descending: true, limit: 10)
/// ```
///
/// Columns come from the type's `Decodable` conformance, in the order its `init(from:)` asks for them (for a
/// synthesised conformance, the order of the stored properties). Each Swift type maps to a seed type name:
///
/// | Swift | column type |
/// |---|---|
/// | `Int`, `Int8`…`Int64`, `UInt`…`UInt64` | `int` |
/// | `Double`, `Float` | `float` |
/// | `String`, `UUID`, `URL`, `Character` | `str` |
/// | `Data` | `str` (Base64) |
/// | `Bool` | `bool` |
/// | `Date` | `datetime` (ISO 8601 local time, as Python's `datetime.isoformat()` writes it) |
/// | an enum whose raw value is one of the above (`CaseIterable`) | that type |
/// | anything else `Codable` (structs, arrays, dictionaries…) | `json` |
///
/// An `Optional` property is a nullable column; any other property is NOT NULL.
///
/// > Important: The seed makes every column nullable unless it says `nullable: False`; here a non-Optional
/// > property is NOT NULL. That is stricter, and what a Swift type promises anyway.
///
/// Why a protocol and not a macro: a `@Table` macro would make every build of the package compile swift-syntax
/// (about a minute per clean build) for one gain, reading `= 0.0` defaults from the source. The options list says
/// the same in one line and costs nothing.
///
/// ## Topics
/// - ``tableName``
/// - ``columnOptions``
/// - ``ColumnOption``
/// - ``Database/register(_:)``
/// - ``RecordTable``
public protocol TableRecord: Codable, Sendable {
    /// The table's name: the file stem of `schema/<name>.schema.json` and `data/<name>.records`.
    /// Default: the type's name with its first letter lowercased (`Student` → `student`, as the seed names
    /// `class Student`).
    static var tableName: String { get }

    /// What `Codable` cannot say about the columns: primary key, UNIQUE, defaults, types, nullability.
    /// Default: none (then a property named `id` is the primary key).
    static var columnOptions: [ColumnOption] { get }
}

extension TableRecord {
    /// The type's name with its first letter lowercased: `Student` → `student`, `CourseEnrolment` →
    /// `courseEnrolment`.
    public static var tableName: String {
        var name = String(describing: Self.self)
        if let generic = name.firstIndex(of: "<") { name = String(name[..<generic]) }
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }

    /// No options.
    public static var columnOptions: [ColumnOption] { [] }
}
