import Foundation
import Testing

@testable import LineDB

/// A record whose `init(from:)` reads some columns of the row through a second key type (a "flattened" value):
/// two keyed containers of the same row decoder, the first used again after the second was made.
private struct Resident: TableRecord, Equatable {
    struct Place: Codable, Equatable {
        var city: String
        var zip: String?
    }

    var id: Int?
    var name: String
    var place: Place

    enum CodingKeys: String, CodingKey { case id, name }

    static var tableName: String { "resident" }
    static let columnOptions: [ColumnOption] = [.primaryKey("id")]

    init(id: Int? = nil, name: String, place: Place) {
        self.id = id
        self.name = name
        self.place = place
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        place = try Place(from: decoder)
        id = try c.decodeIfPresent(Int.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try place.encode(to: encoder)
    }
}

@Suite("Typed records: one row decoder for many rows")
struct TypedDecoderReuseTests {
    @Test("fetch without a predicate or an order skips and limits over deleted rows as select does")
    func offsetAndLimitOverDeletedRows() throws {
        let db = Database.inMemory()
        let students = try db.register(Student.self)
        try students.insert(contentsOf: (0..<12).map { Student(name: "n\($0)", email: "e\($0)", gpa: Double($0)) })
        for key in [1, 4, 5, 12] { _ = try students.delete(key: .int(key)) }
        let everyone = try students.all()
        #expect(everyone.map(\.id) == [2, 3, 6, 7, 8, 9, 10, 11])
        for (offset, limit) in [(0, nil), (2, nil), (0, 3), (3, 2), (7, 5), (8, nil), (20, nil), (0, 0), (1, 100)]
            as [(Int, Int?)]
        {
            let typed = try students.fetch(offset: offset, limit: limit).map(\.id)
            let dynamic = try db.select("student", offset: offset, limit: limit).map { $0["id"]?.intValue }
            #expect(typed == dynamic, "offset \(offset), limit \(String(describing: limit))")
            #expect(typed == Array(everyone.dropFirst(offset).prefix(limit ?? .max).map(\.id)))
        }
    }

    @Test("a record decoded through two key types, row after row, by all, get, find and a stream")
    func twoKeyTypesOnOneDecoder() throws {
        let db = Database.inMemory()
        let residents = try db.register(Resident.self)
        let input = (0..<50).map {
            Resident(name: "r\($0)", place: .init(city: "c\($0 % 7)", zip: $0 % 3 == 0 ? nil : "z\($0)"))
        }
        try residents.insert(contentsOf: input)
        let expected = input.enumerated().map { i, r in Resident(id: i + 1, name: r.name, place: r.place) }
        #expect(try residents.all() == expected)
        #expect(try residents.all() == expected)  // the same decoder kind again: nothing left over
        for key in [1, 17, 50, 17] { #expect(try residents.get(key) == expected[key - 1]) }
        #expect(try residents.get(51) == nil)
        #expect(try residents.find("city", equals: "c3") == expected.filter { $0.place.city == "c3" })
        var stream = try residents.stream(limit: 10)
        var streamed: [Resident] = []
        while let r = try stream.next() { streamed.append(r) }
        #expect(streamed == Array(expected.prefix(10)))
        let dynamic = try db.select("resident", limit: 2)
        #expect(dynamic.map { Set($0.keys) } == [["id", "name", "city", "zip"], ["id", "name", "city", "zip"]])
        #expect(dynamic.map { $0["city"] } == ["c0", "c1"])
    }

    @Test("a record that cannot be decoded in the middle of a fetch of all throws, naming it; the next fetch works")
    func errorInTheMiddleOfAll() throws {
        let dir = TempDir()
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write(
            "db/data/student.records",
            (1...10).map { #"{"id": \#($0), "name": "n\#($0)", "email": "e\#($0)", "gpa": 3.0}"# }
                .joined(separator: "\n") + "\n")
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)  // the seed's nullable email matches a String property
        #expect(try students.all().map(\.id) == Array(1...10))
        _ = try db.update("student", key: 6, set: ["email": nil])
        #expect {
            try students.all()
        } throws: { error in
            guard case TypedRecordError.cannotDecode("student", "6", "email", "null", _) = error else { return false }
            return true
        }
        #expect(try students.fetch(limit: 5).map(\.id) == Array(1...5))  // stops before the bad record
        _ = try db.update("student", key: 6, set: ["email": "e6"])
        #expect(try students.all().map(\.email) == (1...10).map { "e\($0)" })
    }
}
