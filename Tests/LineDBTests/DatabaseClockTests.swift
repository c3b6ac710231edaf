import Foundation
import Testing

@testable import LineDB

/// A clock that reads 09:00:00 on 1 September 2025 plus one minute per reading.
private final class SteppingClock: DatabaseClock, @unchecked Sendable {
    private let lock = NSLock()
    private var readings = 0

    var count: Int { lock.withLock { readings } }

    func now() -> LocalTimestamp {
        let n = lock.withLock {
            defer { readings += 1 }
            return readings
        }
        return LocalTimestamp(year: 2025, month: 9, day: 1, hour: 9, minute: n, second: 0, microsecond: 7)!
    }
}

@Suite("DatabaseClock: the time written into the files comes from DatabaseOptions.clock")
struct DatabaseClockTests {
    /// The `timestamp` of every line of a WAL file, in order.
    private func walTimestamps(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard case .object(let o) = try JSONParser.parse(Array(line.utf8)), let t = o["timestamp"]?.stringValue
            else { throw LineDBError.invalidSchema(path: path, reason: "no timestamp") }
            return t
        }
    }

    @Test("every WAL line and the archive's name carry the clock's readings, one per write and one per checkpoint")
    func walAndArchive() throws {
        let dir = TempDir()
        let clock = SteppingClock()
        var options = DatabaseOptions()
        options.clock = clock
        options.gzipArchives = false  // the archive's lines are read below as text
        let db = try Database(path: dir.db, options: options)
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("v", .str)]))
        try db.insert("t", records: [["v": "a"], ["v": "b"]])  // one write, two lines, one reading
        try db.update("t", key: 1, set: ["v": "c"])
        try db.checkpoint()
        try db.delete("t", key: 2)
        try db.close()

        let wal = dir.db + "/wal"
        let archives = try FileManager.default.contentsOfDirectory(atPath: wal)
            .filter { $0.hasPrefix("transaction.") && $0.hasSuffix(".log") && $0 != "transaction.log" }
        // The checkpoint is the fourth reading (index 3): 09:03.
        #expect(archives == ["transaction.20250901_090300.log"])
        // One reading per write: the create, the two-record insert (its lines share one), the update.
        let archived = try walTimestamps(wal + "/" + #require(archives.first))
        #expect(archived.filter { $0 == "2025-09-01T09:01:00.000007" }.count >= 2, "\(archived)")
        #expect(archived.enumerated().filter { $0.offset == 0 || archived[$0.offset - 1] != $0.element }.map(\.element)
            == ["2025-09-01T09:00:00.000007", "2025-09-01T09:01:00.000007", "2025-09-01T09:02:00.000007"],
            "\(archived)")
        // The CHECKPOINT line has the time in the archive's name; then the delete.
        #expect(try walTimestamps(wal + "/transaction.log") == [
            "2025-09-01T09:03:00.000007", "2025-09-01T09:04:00.000007",
        ])
        #expect(clock.count == 5)
    }

    @Test("two checkpoints in one reading of the clock get two archive names, the second sorting after the first")
    func repeatedReading() throws {
        struct Frozen: DatabaseClock {
            func now() -> LocalTimestamp {
                LocalTimestamp(year: 2025, month: 9, day: 1, hour: 9, minute: 0, second: 0, microsecond: 0)!
            }
        }
        let dir = TempDir()
        var options = DatabaseOptions()
        options.clock = Frozen()
        options.gzipArchives = false  // the archives' names are compared as written
        let db = try Database(path: dir.db, options: options)
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true)]))
        try db.checkpoint()
        try db.insert("t", ["id": 1])
        try db.checkpoint()
        try db.close()
        let archives = try FileManager.default.contentsOfDirectory(atPath: dir.db + "/wal")
            .filter { $0.hasSuffix(".log") && $0 != "transaction.log" }.sorted()
        #expect(archives == ["transaction.20250901_090000.log", "transaction.20250901_090000_1.log"])
        let reopened = try Database(path: dir.db)
        #expect(try reopened.get("t", key: 1) != nil)
        try reopened.close()
    }

    @Test("an export's exported_at is the clock's reading")
    func exportedAt() throws {
        let dir = TempDir()
        let clock = SteppingClock()
        var options = DatabaseOptions()
        options.clock = clock
        let db = try Database(path: dir.db, options: options)
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true)]))
        try db.export("t", to: dir.path + "/t.json")
        try db.close()
        let text = try String(contentsOfFile: dir.path + "/t.json", encoding: .utf8)
        #expect(text.contains(#""exported_at": "2025-09-01T09:01:00.000007""#))
    }

    @Test("LocalTimestamp refuses parts out of range and formats the seed's two forms")
    func localTimestamp() {
        #expect(LocalTimestamp(year: 2025, month: 2, day: 29, hour: 0, minute: 0, second: 0, microsecond: 0) == nil)
        #expect(LocalTimestamp(year: 1900, month: 2, day: 29, hour: 0, minute: 0, second: 0, microsecond: 0) == nil)
        #expect(LocalTimestamp(year: 2000, month: 2, day: 29, hour: 0, minute: 0, second: 0, microsecond: 0) != nil)
        #expect(LocalTimestamp(year: 2025, month: 13, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0) == nil)
        #expect(LocalTimestamp(year: 2025, month: 4, day: 31, hour: 0, minute: 0, second: 0, microsecond: 0) == nil)
        #expect(LocalTimestamp(year: 2025, month: 1, day: 1, hour: 24, minute: 0, second: 0, microsecond: 0) == nil)
        #expect(LocalTimestamp(year: 2025, month: 1, day: 1, hour: 0, minute: 0, second: 60, microsecond: 0) == nil)
        #expect(
            LocalTimestamp(year: 2025, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 1_000_000) == nil)
        let t = LocalTimestamp(year: 7, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 89)!
        #expect(t.description == "0007-03-04T05:06:07.000089")
        #expect(t.compactDescription == "00070304_050607")
    }

    @Test("the system clock reads the local time, as the seed's datetime.now().isoformat() writes it")
    func systemClock() {
        let before = Date()
        let text = SystemClock().now().description
        let after = Date()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"
        let parsed = formatter.date(from: text)
        #expect(text.utf8.count == 26)
        #expect(parsed != nil)
        if let parsed {
            #expect(parsed.timeIntervalSince(before) > -0.01 && after.timeIntervalSince(parsed) > -0.01)
        }
    }
}
