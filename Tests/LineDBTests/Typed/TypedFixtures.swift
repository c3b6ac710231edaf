import Foundation
import LineDB

/// The seed's Student as a Swift record.
struct Student: TableRecord, Equatable {
    var id: Int?
    var name: String
    var email: String
    var gpa: Double = 0.0

    static let columnOptions: [ColumnOption] = [
        .primaryKey("id"),
        .unique(CodingKeys.email),
        .default("gpa", 0.0),
    ]
}

/// Every supported kind of property.
struct Everything: TableRecord, Equatable {
    enum Level: String, Codable, CaseIterable { case low, high }
    struct Address: Codable, Equatable {
        var street: String
        var tags: [String]
        var since: Date?
    }

    var id: Int?
    var int8: Int8
    var uint32: UInt32
    var float: Float
    var double: Double
    var text: String
    var flag: Bool
    var when: Date
    var day: Date
    var uuid: UUID
    var url: URL
    var bytes: Data
    var level: Level
    var address: Address
    var scores: [Int: Double]
    var list: [String]
    var maybe: String?
    var maybeDate: Date?
    var maybeNested: Address?

    static let columnOptions: [ColumnOption] = [.type("day", .date)]
    static var tableName: String { "everything" }
}
