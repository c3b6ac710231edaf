import Foundation
import Testing
@testable import LineDB

@Suite("Streaming records straight from a records file")
struct RecordsFileReaderTests {
    func makeTable(_ dir: TempDir, rows: Int) throws {
        var options = DatabaseOptions()
        options.syncMode = .off
        let db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        try db.insert("student", records: (1...rows).map { ["name": .string("S\($0) ✓"), "email": .string("s\($0)@u")] })
        try db.save()
        try db.close()
    }

    @Test("a cursor returns every record in file order, with the schema's types")
    func cursor() throws {
        let dir = TempDir()
        try makeTable(dir, rows: 3_000)  // more than one 1 MiB read? no: also checks a small file
        let reader = try RecordsFileReader(databasePath: dir.db, table: "student")
        var cursor = try reader.makeCursor()
        var ids: [Int] = []
        while let r = try cursor.next() { ids.append(r["id"]!.intValue!) }
        #expect(ids == Array(1...3_000))
        #expect(try reader.first(2).map { $0["name"] } == ["S1 ✓", "S2 ✓"])
    }

    @Test("a filter and a limit stop reading early: a bad line after the matches is never reached")
    func stopsEarly() throws {
        let dir = TempDir()
        try makeTable(dir, rows: 50_000)  // about 3 MB: several reads
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.db + "/data/student.records"))
        handle.seekToEndOfFile()
        handle.write(Data("not json at all\n".utf8))
        try handle.close()
        let reader = try RecordsFileReader(databasePath: dir.db, table: "student")
        var seen: [Int] = []
        try reader.forEach(where: { ($0["id"]?.intValue ?? 0) % 1000 == 0 }, limit: 3) { record in
            seen.append(record["id"]!.intValue!)
            return true
        }
        #expect(seen == [1000, 2000, 3000])
        // Reading on to the end does meet the bad line, named precisely.
        #expect {
            try reader.forEach { _ in true }
        } throws: { error in
            "\(error)".contains("student.records:50001")
        }
    }

    @Test("last(n) reads the end of the file: the true last records, skipping a torn last line")
    func lastRecords() throws {
        let dir = TempDir()
        try makeTable(dir, rows: 20_000)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.db + "/data/student.records"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id":20001,"name":"tor"#.utf8))
        try handle.close()
        let reader = try RecordsFileReader(databasePath: dir.db, table: "student")
        #expect(try reader.last(3).map { $0["id"]!.intValue! } == [19_998, 19_999, 20_000])
        #expect(try reader.last(5_000).count == 5_000)  // grows its window past 64 KiB
        #expect(try reader.last(50_000).count == 20_000)
    }

    @Test("an unknown table is a clear error")
    func unknownTable() throws {
        let dir = TempDir()
        try makeTable(dir, rows: 1)
        #expect(throws: LineDBError.tableNotFound(table: "nope", suggestion: nil)) {
            _ = try RecordsFileReader(databasePath: dir.db, table: "nope")
        }
    }
}
