import Foundation
import Testing

@testable import LineDB

@Suite("Typed records: every Swift type through save and reopen")
struct TypedRoundTripTests {
    static func sample(_ i: Int, optionals: Bool) -> Everything {
        // Microsecond precision, as the stored text keeps (Python's isoformat).
        let when = Date(timeIntervalSince1970: 1_769_113_877 + Double(i) * 86_400 + 0.592_172)
        let day = DateCoding.parse("2026-01-2\(i)")!
        return Everything(
            id: nil, int8: -8, uint32: 4_000_000_000, float: 1.5, double: 0.1 + 0.2,
            text: "Zoë 😀 李 \"q\" \\ \n tab\t",
            flag: i % 2 == 0, when: when, day: day, uuid: UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!,
            url: URL(string: "https://example.com/a?b=c")!, bytes: Data([0, 1, 2, 255]), level: .high,
            address: .init(street: "Rue de l'Église", tags: ["a", "b"], since: optionals ? when : nil),
            scores: [1: 2.5, 3: 4.0], list: [], maybe: optionals ? "here" : nil, maybeDate: optionals ? when : nil,
            maybeNested: optionals ? .init(street: "x", tags: [], since: nil) : nil)
    }

    @Test("every supported property type maps to the seed's type name in the schema file")
    func typeNames() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db)
        try db.register(Everything.self)
        let schema = try db.schema(of: "everything")
        let types = Dictionary(uniqueKeysWithValues: schema.columns.map { ($0.name, $0.type.rawValue) })
        #expect(
            types == [
                "id": "int", "int8": "int", "uint32": "int", "float": "float", "double": "float", "text": "str",
                "flag": "bool", "when": "datetime", "day": "date", "uuid": "str", "url": "str", "bytes": "str",
                "level": "str", "address": "json", "scores": "json", "list": "json", "maybe": "str",
                "maybeDate": "datetime", "maybeNested": "json",
            ])
        let nullable = schema.columns.filter(\.nullable).map(\.name)
        #expect(nullable == ["maybe", "maybeDate", "maybeNested"])
    }

    @Test("values of every type, with and without their optionals, come back equal after save and reopen")
    func roundTrip() throws {
        let dir = TempDir()
        var originals = [Self.sample(1, optionals: true), Self.sample(2, optionals: false)]
        do {
            let db = try Database(path: dir.db)
            let table = try db.register(Everything.self)
            for i in originals.indices { try table.insert(&originals[i]) }
            try db.save()
            try db.close()
        }
        #expect(originals.map(\.id) == [1, 2])
        let db = try Database(path: dir.db)
        let table = try db.register(Everything.self)
        #expect(try table.all() == originals)
        // Stored as the seed stores them: ISO text, a date-only column, nested JSON objects.
        let line = dir.lines("db/data/everything.records")[0]
        #expect(line.contains(#""day":"2026-01-21""#))
        #expect(line.contains(#""level":"high""#))
        #expect(line.contains(#""address":{"street":"Rue de l'Église","tags":["a","b"],"since":"#))
        #expect(line.contains(#""bytes":"AAEC/w==""#))
        let when = try #require(try db.get("everything", key: 1)?["when"]?.stringValue)
        #expect(when.hasSuffix(".592172"))
        #expect(DateCoding.parse(when) == originals[0].when)
    }

    @Test("dates are written as Python's isoformat writes local time, and read with or without an offset")
    func dates() throws {
        let date = Date(timeIntervalSince1970: 1_769_113_877.592_172)
        let text = DateCoding.dateTimeString(date)
        #expect(text.count == 26)
        #expect(DateCoding.parse(text) == date)
        #expect(DateCoding.parse("2026-01-22T20:31:17Z") == Date(timeIntervalSince1970: 1_769_113_877))
        #expect(DateCoding.parse("2026-01-22T21:31:17+01:00") == Date(timeIntervalSince1970: 1_769_113_877))
        #expect(DateCoding.parse("2026-01-22 20:31:17.5-0030") == Date(timeIntervalSince1970: 1_769_115_677.5))
        #expect(DateCoding.dateTimeString(Date(timeIntervalSince1970: 1_769_113_877)).count == 19)  // no .000000
        for bad in ["2026-02-30", "2026-01-22T25:00", "2026-01-22T20:31:17.", "yesterday", "2026-01-22T20:31Zx"] {
            #expect(DateCoding.parse(bad) == nil, "\(bad)")
        }
    }
}
