import Foundation
import Testing

@testable import LineDB

@Suite("Streaming: records one at a time, filtered and limited")
struct StreamingTests {
    /// A saved student table of `n` records (gpa cycles 2.0, 2.5, 3.0, 3.5), about 60 bytes a line.
    private func savedTable(_ dir: TempDir, _ n: Int) throws -> Database {
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        try students.insert(
            contentsOf: (0..<n).map { i in
                Student(name: "Student \(i)", email: "s\(i)@uni.edu", gpa: 2.0 + Double(i % 4) * 0.5)
            })
        try db.save()
        return db
    }

    @Test("a file stream with a filter and a limit stops reading early: a damaged last line is never reached")
    func fileStreamStopsEarly() throws {
        let dir = TempDir()
        try savedTable(dir, 40_000).close()
        let file = dir.path + "/db/data/student.records"
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.seekToEndOfFile()
        handle.write(Data("{this line is not JSON}\n".utf8))
        handle.closeFile()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(size > 2 << 20)

        let reader = try RecordsFileReader(databasePath: dir.db, for: Student.self)
        var typed = try reader.stream(Student.self, where: { $0.gpa == 3.5 }, limit: 3)
        var got: [Int?] = []
        try typed.forEach { got.append($0.id) }
        #expect(got == [4, 8, 12])
        #expect(typed.rowsRead == 12)
        #expect(typed.bytesRead <= 1 << 20)  // one 1 MiB piece of a file over 2 MiB

        var dynamic = try reader.stream(where: { $0["name"] == "Student 7" }, limit: 1)
        #expect(try dynamic.next()?["id"] == 8)
        #expect(try dynamic.next() == nil)
        #expect(dynamic.bytesRead < size)

        // Without a limit the stream reads on, and reports the damaged line with its place.
        var all = try reader.stream()
        #expect {
            while try all.next() != nil {}
        } throws: { error in
            guard case LineDBError.corrupt(let path, let line, _, _, _, _) = error else { return false }
            return path == file && line == 40_001
        }
    }

    @Test("a stream over a table in memory examines rows only until the limit is met")
    func memoryStreamStopsEarly() throws {
        let db = Database.inMemory()
        let students = try db.register(Student.self)
        try students.insert(contentsOf: (0..<1000).map { Student(name: "n\($0)", email: "e\($0)") })
        var examined = 0
        var stream = try students.stream(
            where: { s in
                examined += 1
                return s.id! % 10 == 0
            }, limit: 2)
        var ids: [Int] = []
        while let s = try stream.next() { ids.append(s.id!) }
        #expect(ids == [10, 20])
        #expect(examined == 20)
        #expect(stream.rowsRead == 20)

        var dynamic = try db.stream("student", where: { $0["name"] == "n500" })
        #expect(try dynamic.next()?["id"] == 501)
        #expect(try dynamic.next() == nil)
        #expect(dynamic.rowsRead == 1000)
    }

    @Test("a stream sees the table as it was when made, and its loop may write to the database")
    func snapshotAndWritesInLoop() throws {
        let db = Database.inMemory()
        let students = try db.register(Student.self)
        try students.insert(contentsOf: (0..<5).map { Student(name: "n\($0)", email: "e\($0)") })
        var stream = try students.stream()
        var seen = 0
        while let s = try stream.next() {
            seen += 1
            var copy = Student(name: s.name + "'", email: s.email + "'")
            try students.insert(&copy)  // would deadlock if the stream held the lock
            try students.delete(key: .int(s.id!))
        }
        #expect(seen == 5)
        #expect(try students.all().map(\.name) == ["n0'", "n1'", "n2'", "n3'", "n4'"])
    }

    @Test("a dynamic stream returns the fields the schema does not know, as select does")
    func dynamicStreamKeepsExtras() throws {
        let dir = TempDir()
        dir.write("db/schema/student.schema.json", SeedFiles.studentSchema)
        dir.write(
            "db/data/student.records", #"{"id": 1, "name": "A", "email": "a@u", "gpa": 3.0, "club": "chess"}"# + "\n")
        let db = try Database(path: dir.db)
        var stream = try db.stream("student")
        let record = try #require(try stream.next())
        #expect(record == (try db.select("student"))[0])
        #expect(record["club"] == "chess")
        var fromFile = try RecordsFileReader(databasePath: dir.db, table: "student").stream()
        #expect(try fromFile.next() == record)
    }

    @Test("a database opened read-only beside its writer registers the type and streams it typed")
    func readOnlyBesideWriter() throws {
        let dir = TempDir()
        let writer = try savedTable(dir, 50)
        var students = try writer.register(Student.self)
        var late = Student(name: "Late", email: "late@uni.edu", gpa: 3.5)
        try students.insert(&late)  // in the WAL only
        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        students = try reader.register(Student.self)
        var stream = try students.stream(where: { $0.gpa == 3.5 }, limit: 20)
        var names: [String] = []
        try stream.forEach { names.append($0.name) }
        #expect(names.count == 13 && names.last == "Late")
        #expect(throws: LineDBError.self) { try students.insert(&late) }
        try writer.close()
    }
}
