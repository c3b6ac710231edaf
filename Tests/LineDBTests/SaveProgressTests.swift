import Foundation
import Synchronization
import Testing
@testable import LineDB

/// ``Database/saveProgress``: what a save that rewrites a records file reports to another thread while it holds the
/// database.
@Suite("Save progress, read from another thread during a save")
struct SaveProgressTests {
    @Test("a rewrite of 450,000 records reports its table and how many are written, rising to all; nil before and after")
    func progressDuringRewrite() throws {
        let dir = TempDir()
        var options = DatabaseOptions()
        options.inPlaceSaves = false  // so that an update rewrites the file (in place it would patch one line)
        let db = try Database(path: dir.db, options: options)
        try db.createTable(TableSchema("t", columns: [Column("id", .int, primaryKey: true), Column("v", .str)]))
        let n = 450_000
        try db.insert("t", records: (1...n).map { ["id": .int($0), "v": .string("value \($0)")] })
        try db.save()
        #expect(db.saveProgress == nil)
        try db.update("t", key: 1, set: ["v": "changed"])  // an update: the save rewrites the file
        let seen = Mutex<[SaveProgress]>([])
        let done = Atomic<Bool>(false)
        let watcher = Thread {
            while !done.load(ordering: .acquiring) {
                if let p = db.saveProgress { seen.withLock { if $0.last != p { $0.append(p) } } }
                usleep(200)
            }
        }
        watcher.start()
        let summary = try db.save()
        done.store(true, ordering: .releasing)
        usleep(5_000)
        #expect(summary.rewritten["t"] == n)
        #expect(db.saveProgress == nil)
        let values = seen.withLock { $0 }
        #expect(!values.isEmpty, "no progress seen during a save of \(n) records")
        #expect(values.allSatisfy { $0.table == "t" && $0.total == n && (0...n).contains($0.written) })
        #expect(zip(values, values.dropFirst()).allSatisfy { $0.written <= $1.written })
        #expect(values.contains { $0.written > 0 && $0.written < n })
    }
}
