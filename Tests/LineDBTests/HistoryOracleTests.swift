import Foundation
import Testing
@testable import LineDB

/// Time travel checked against a model: a random workload of inserts, updates (also of the key), deletes,
/// transactions (committed and aborted), saves, checkpoints and reopens; the model's state is recorded after every
/// step with the LSN it was taken at. `state(asOf:)` each LSN must give that state, record for record; `diff`
/// between two of them must list exactly the records that differ; reverting to one must bring it back.
@Suite("Time travel against a model")
struct HistoryOracleTests {
    typealias Model = ModelPropertyTests.Model

    static func latestLSN(_ db: Database) throws -> Int { try db.historyFiles().reach.latestLSN }

    static func past(_ db: Database, _ lsn: Int) throws -> Model {
        var out: Model = [:]
        let s = try db.state(asOf: .lsn(lsn))
        for r in s.table("student")?.records ?? [] { out[r["id"]!.intValue!] = r }
        return out
    }

    /// Runs the workload; returns the database and the states seen, oldest first.
    static func workload(seed: Int, steps: Int, dir: TempDir, gzipArchives: Bool = true) throws
        -> (Database, [(lsn: Int, model: Model)])
    {
        var rng = SeededRandom(seed: UInt64(seed))
        var options = DatabaseOptions()
        options.gzipArchives = gzipArchives
        options.syncMode = .off
        options.autoCheckpointBytes = seed % 2 == 0 ? 6_000 : nil
        var db = try Database(path: dir.db, options: options)
        try db.createTable(studentSchema)
        var model: Model = [:]
        var nextKey = 1
        var seen: [(Int, Model)] = [(try latestLSN(db), model)]
        for _ in 0..<steps {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 70 {
                try ModelPropertyTests.randomWrite(
                    &rng, write: { try db.insert("student", $0) },
                    update: { try db.update("student", key: .int($0), set: $1) },
                    delete: { try db.delete("student", key: .int($0)) }, model: &model, nextKey: &nextKey)
            } else if roll < 85 {
                var txModel = model
                var txNext = nextKey
                let abort = Int.random(in: 0..<3, using: &rng) == 0
                let n = Int.random(in: 1...6, using: &rng)
                do {
                    try db.transaction { tx in
                        for _ in 0..<n {
                            try ModelPropertyTests.randomWrite(
                                &rng, write: { try tx.insert("student", $0) },
                                update: { try tx.update("student", key: .int($0), set: $1) },
                                delete: { try tx.delete("student", key: .int($0)) }, model: &txModel, nextKey: &txNext)
                        }
                        if abort { throw ModelPropertyTests.Aborted() }
                    }
                    model = txModel
                    nextKey = txNext
                } catch is ModelPropertyTests.Aborted {}
            } else if roll < 90 {
                try db.save()
            } else if roll < 95 {
                try db.checkpoint()
            } else {
                try db.close()
                db = try Database(path: dir.db, options: options)
            }
            seen.append((try latestLSN(db), model))
        }
        return (db, seen)
    }

    @Test("state(asOf:) every LSN the workload passed gives the model's state then", arguments: [1, 2, 3, 4])
    func asOfEqualsModel(seed: Int) throws {
        let dir = TempDir()
        let (db, seen) = try Self.workload(seed: seed, steps: 200, dir: dir)
        let files = try db.historyFiles().files
        #expect(files.count > 1 || seed % 2 == 1, "the workload was meant to leave archives")
        for (lsn, model) in seen {
            let past = try Self.past(db, lsn)
            #expect(past == model, "seed \(seed): as of lsn \(lsn) the table differs from the model")
            if past != model { return }
        }
    }

    @Test("diff between two moments lists exactly the records that differ, first state against last", arguments: [5, 6])
    func diffEqualsModel(seed: Int) throws {
        let dir = TempDir()
        let (db, seen) = try Self.workload(seed: seed, steps: 150, dir: dir)
        var rng = SeededRandom(seed: UInt64(seed * 31))
        for _ in 0..<20 {
            let i = Int.random(in: 0..<seen.count, using: &rng)
            let j = Int.random(in: i..<seen.count, using: &rng)
            let (a, b) = (seen[i], seen[j])
            let d = try db.diff(from: .lsn(a.lsn), to: .lsn(b.lsn))
            let t = d.tables.first { $0.table == "student" }
            let inserted = Set(b.model.keys).subtracting(a.model.keys)
            let deleted = Set(a.model.keys).subtracting(b.model.keys)
            let updated = Set(a.model.keys).intersection(b.model.keys).filter { a.model[$0] != b.model[$0] }
            #expect(Set(t?.inserted.map { $0["id"]!.intValue! } ?? []) == inserted, "lsn \(a.lsn)…\(b.lsn) inserted")
            #expect(Set(t?.deleted.map { $0["id"]!.intValue! } ?? []) == deleted, "lsn \(a.lsn)…\(b.lsn) deleted")
            #expect(Set(t?.updated.map { $0.key.intValue! } ?? []) == updated, "lsn \(a.lsn)…\(b.lsn) updated")
            for u in t?.updated ?? [] {
                #expect(u.old == a.model[u.key.intValue!]! && u.new == b.model[u.key.intValue!]!)
            }
        }
    }

    @Test("revert from a moment to now brings the table back to that moment, in one new transaction", arguments: [7, 8])
    func revertToModel(seed: Int) throws {
        let dir = TempDir()
        let (db, seen) = try Self.workload(seed: seed, steps: 120, dir: dir)
        let target = seen[seen.count / 2]
        let before = try Self.latestLSN(db)
        let summary = try db.revert(from: .lsn(target.lsn))
        #expect(summary.conflicts.isEmpty)
        #expect(try ModelPropertyTests.state(db) == target.model, "after the revert the table equals lsn \(target.lsn)")
        // The past is not rewritten: the state before the revert is still there, and the revert is one commit.
        #expect(try Self.past(db, before) == seen.last!.model)
        let after = try Self.latestLSN(db)
        #expect(summary.committedLSN == after)
        let log = try db.walEntries().filter { $0.lsn > before }
        #expect(log.last?.operationKind == .commit || log.count == 1, "one transaction: \(log.map(\.operation))")
    }

    @Test("the history of a key lists every version newest first, following a key change back to the old key")
    func keyHistory() throws {
        let dir = TempDir()
        let db = try Database(path: dir.db, options: DatabaseOptions())
        try db.createTable(studentSchema)
        let k = try db.insert("student", ["name": "Ann", "email": "a@x"])
        try db.update("student", key: k, set: ["email": "b@x"])
        try db.checkpoint()
        try db.update("student", key: k, set: ["id": 50])
        try db.delete("student", key: 50)
        try db.insert("student", ["id": 50, "name": "Bob", "email": "c@x"])
        let versions = try db.history(of: "student", key: 50)
        #expect(versions.map(\.operation) == [.insert, .delete, .update, .update, .insert])
        #expect(versions[2].oldKey == k && versions[2].key == 50)
        #expect(versions[3].changes == [ColumnChange(column: "email", old: "a@x", new: "b@x")])
        #expect(versions[3].file.hasPrefix("transaction.2") && versions[0].file == "transaction.log")
        #expect(try db.history(of: "student", key: 50, limit: 2).count == 2)
    }

    @Test("moments: LSNs, ISO times with and without a zone, relative times; nonsense is refused with the forms")
    func moments() throws {
        #expect(try HistoryMoment.parse("42") == .lsn(42))
        #expect(try HistoryMoment.parse("2026-12-07T14:30") == .time("2026-12-07T14:30:00.000000"))
        #expect(try HistoryMoment.parse("2026-12-07 14:30:05.25") == .time("2026-12-07T14:30:05.250000"))
        #expect(try HistoryMoment.parse("2026-12-07") == .time("2026-12-07T00:00:00.000000"))
        let utc = try HistoryMoment.parse("2026-12-07T13:30:00Z")
        let plusOne = try HistoryMoment.parse("2026-12-07T14:30:00+01:00")
        #expect(utc == plusOne)
        #expect(try HistoryMoment.parse("-2h", now: 7200) == .time(HistoryMoment.localStamp(epoch: 0, micros: 0)))
        for bad in ["", "yesterday", "2026-13-01", "2026-02-30", "-2x", "12:00", "2026-12-07T25:00"] {
            #expect(throws: LineDBError.self, "\(bad)") { try HistoryMoment.parse(bad) }
        }
    }
}
