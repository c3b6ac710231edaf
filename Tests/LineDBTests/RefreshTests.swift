import Foundation
import Testing
@testable import LineDB

@Suite("A read-only database follows a writer")
struct RefreshTests {
    static func state(_ db: Database) throws -> [Int: Record] {
        var result: [Int: Record] = [:]
        for r in try db.select("student") { result[r["id"]!.intValue!] = r }
        return result
    }

    @Test("refresh applies inserts, updates, deletes and transactions, reloads after a checkpoint, and is cheap when idle")
    func follows() throws {
        let dir = TempDir()
        let writer = try Database(path: dir.db)
        try writer.createTable(studentSchema)
        for i in 1...3 { try writer.insert("student", ["name": .string("S\(i)"), "email": .string("s\(i)@u")]) }
        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try reader.count("student") == 3)
        #expect(try reader.refresh() == .unchanged)

        try writer.insert("student", ["name": "D", "email": "d@u"])
        try writer.update("student", key: 1, set: ["name": "S1 changed", "id": 10])
        try writer.delete("student", key: 2)
        #expect(try reader.refresh() == .applied(3))
        #expect(try Self.state(reader) == Self.state(writer))

        try writer.transaction { tx in
            try tx.insert("student", ["name": "E", "email": "e@u"])
            try tx.update("student", key: 3, set: ["gpa": 2.5])
        }
        #expect(try reader.refresh() == .applied(3))  // two writes and the COMMIT
        #expect(try Self.state(reader) == Self.state(writer))

        try writer.checkpoint()
        try writer.insert("student", ["name": "F", "email": "f@u"])
        #expect(try reader.refresh() == .reloaded)
        #expect(try Self.state(reader) == Self.state(writer))
        try writer.insert("student", ["name": "G", "email": "g@u"])
        #expect(try reader.refresh() == .applied(1))
        #expect(try Self.state(reader) == Self.state(writer))
        #expect(try reader.count("student") == 6)
    }

    @Test("an incomplete last line is not applied until it is complete")
    func partialLine() throws {
        let dir = TempDir()
        let writer = try Database(path: dir.db)
        try writer.createTable(studentSchema)
        try writer.insert("student", ["name": "A", "email": "a@u"])
        try writer.insert("student", ["name": "B", "email": "b@u"])
        try writer.close()
        // Take the last line away, then give it back in two pieces, as a writer's append would land.
        var bytes = dir.bytes("db/wal/transaction.log")
        let lastStart = bytes.dropLast().lastIndex(of: 10)! + 1
        let last = Array(bytes[lastStart...])
        bytes.removeSubrange(lastStart...)
        _ = FileManager.default.createFile(atPath: dir.db + "/wal/transaction.log", contents: Data(bytes))
        let reader = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        #expect(try reader.count("student") == 1)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.db + "/wal/transaction.log"))
        handle.seekToEndOfFile()
        handle.write(Data(last[0..<40]))
        #expect(try reader.refresh() == .unchanged)
        handle.write(Data(last[40...]))
        try handle.close()
        #expect(try reader.refresh() == .applied(1))
        #expect(try reader.count("student") == 2)
    }
}
