import Foundation
import Testing
@testable import LineDB

/// Calling the database again from code it runs while it holds its lock (a transaction's closure, the records of a
/// typed bulk insert, a load progress callback) fails at once with ``LineDBError/reentrantCall``, never waits for
/// itself; user predicates and sorts run outside the lock, so they may use the database.
///
/// Every call runs on a thread of its own with a hang detector (``finishing(within:_:)``): a deadlock fails the
/// test instead of hanging the suite.
@Suite("Reentrancy: a call back into the database from under its lock fails fast; predicates run outside it")
struct ReentrancyTests {
    private static let itemSchema = try! TableSchema("item", columns: [
        Column("id", .int, primaryKey: true), Column("tag", .str, nullable: false, unique: true), Column("qty", .int),
    ])

    /// A database on disk with table `item` holding keys 1...3 (tags a, b, c; qty 10, 20, 30).
    private func makeDatabase(_ dir: TempDir, options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        let db = try Database(path: dir.db, options: options)
        try db.createTable(Self.itemSchema)
        for (i, tag) in ["a", "b", "c"].enumerated() {
            try db.insert("item", ["tag": .string(tag), "qty": .int(10 * (i + 1))])
        }
        return db
    }

    /// A call into the database made from inside a transaction's closure.
    struct Call: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let body: @Sendable (Database, String) throws -> Void
        init(_ name: String, _ body: @escaping @Sendable (Database, String) throws -> Void) {
            testDescription = name
            self.body = body
        }
    }

    static let throwingCalls: [Call] = [
        Call("get") { db, _ in _ = try db.get("item", key: 1) },
        Call("find") { db, _ in _ = try db.find("item", where: "tag", equals: "a") },
        Call("count") { db, _ in _ = try db.count("item") },
        Call("schema(of:)") { db, _ in _ = try db.schema(of: "item") },
        Call("select") { db, _ in _ = try db.select("item") },
        Call("select(orderBy:)") { db, _ in _ = try db.select("item", orderBy: "qty") },
        Call("stream") { db, _ in _ = try db.stream("item") },
        Call("insert") { db, _ in try db.insert("item", ["tag": "x"]) },
        Call("insert(records:)") { db, _ in try db.insert("item", records: [["tag": "x"], ["tag": "y"]]) },
        Call("update") { db, _ in try db.update("item", key: 1, set: ["qty": 1]) },
        Call("delete") { db, _ in try db.delete("item", key: 1) },
        Call("transaction") { db, _ in try db.transaction { tx in _ = try tx.insert("item", ["tag": "x"]) } },
        Call("createTable") { db, _ in
            try db.createTable(TableSchema("other", columns: [Column("id", .int, primaryKey: true)]))
        },
        Call("dropTable") { db, _ in try db.dropTable("item") },
        Call("save") { db, _ in try db.save() },
        Call("checkpoint") { db, _ in try db.checkpoint() },
        Call("load") { db, _ in try db.load() },
        Call("close") { db, _ in try db.close() },
        Call("export") { db, dir in _ = try db.export("item", to: dir + "/out.json") },
        Call("register (typed)") { db, _ in _ = try db.register(Student.self) },
    ]

    @Test("A throwing Database method called inside transaction { } throws reentrantCall; the transaction is undone",
          arguments: throwingCalls)
    func reentrantCallInsideTransaction(_ call: Call) throws {
        let dir = TempDir("reentrant")
        let db = try makeDatabase(dir)
        let path = dir.path
        let outcome = try #require(finishing {
            do {
                try db.transaction { tx in
                    try tx.insert("item", ["tag": "in-tx"])
                    try call.body(db, path)
                }
                return "no error"
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "\(LineDBError.reentrantCall)", "\(call.testDescription): \(outcome)")
        // The error left the closure: nothing of the transaction stays, and the database works on.
        #expect(try db.count("item") == 3)
        #expect(try db.find("item", where: "tag", equals: "in-tx").isEmpty)
        try db.insert("item", ["tag": "after"])
        try db.close()
        let again = try Database(path: dir.db)
        #expect(try again.count("item") == 4)
        try again.close()
    }

    @Test("The message says what happened and what to use instead")
    func message() {
        let text = "\(LineDBError.reentrantCall)"
        #expect(text.contains("not reentrant"))
        #expect(text.contains("tx.get"))
    }

    @Test("A transaction that catches reentrantCall goes on and commits its own writes")
    func transactionGoesOnAfterCatching() throws {
        let dir = TempDir("reentrant-caught")
        let db = try makeDatabase(dir)
        let outcome = try #require(finishing { () -> String in
            do {
                return try db.transaction { tx in
                    var seen = "no error"
                    do { _ = try db.get("item", key: 1) } catch LineDBError.reentrantCall { seen = "reentrantCall" }
                    try tx.insert("item", ["tag": "d"])
                    _ = try tx.update("item", key: 1, set: ["qty": 11])
                    #expect(try tx.get("item", key: 1)?["qty"] == 11)
                    return seen
                }
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "reentrantCall")
        #expect(try db.count("item") == 4)
        #expect(try db.get("item", key: 1)?["qty"] == 11)
        try db.close()
    }

    @Test("Non-throwing reads inside transaction { } answer (as the transaction sees the state) instead of hanging")
    func nonThrowingReadsInsideTransaction() throws {
        let dir = TempDir("reentrant-reads")
        let db = try makeDatabase(dir)
        let outcome = try #require(finishing { () -> String in
            do {
                return try db.transaction { tx in
                    try tx.insert("item", ["tag": "d"])
                    let stats = db.stats()
                    let records = stats["tables"]?.objectValue?["item"]?.objectValue?["records"]
                    return "\(db.tableNames) \(records.map { "\($0)" } ?? "-") \(db.unsavedTables) "
                        + "\(db.warnings.count) \(db.lastAutoSaveError == nil)"
                }
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "[\"item\"] 4 [\"item\"] 0 true")
        try db.close()
    }

    @Test("Another thread's call waits for the transaction and then succeeds (only the holder's own call fails)")
    func otherThreadWaits() throws {
        let dir = TempDir("reentrant-other-thread")
        let db = try makeDatabase(dir)
        let inside = DispatchSemaphore(value: 0)
        let outcome = try #require(finishing { () -> String in
            do {
                let other = Thread {
                    inside.wait()
                    _ = try? db.insert("item", ["tag": "other"])
                }
                try db.transaction { tx in
                    other.start()
                    inside.signal()
                    usleep(50_000)  // the other thread is waiting for the lock now (or soon)
                    try tx.insert("item", ["tag": "mine"])
                }
                return "ok"
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "ok")
        let both = finishing { () -> Int in
            while (try? db.count("item")) != 5 { usleep(1_000) }
            return 5
        }
        try #require(both == 5, "the other thread's insert never finished")
        try db.close()
    }

    @Test("A typed bulk insert whose sequence calls the database throws reentrantCall and inserts nothing")
    func typedBulkInsertSequenceCallsBack() throws {
        let dir = TempDir("reentrant-typed-bulk")
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        let outcome = try #require(finishing { () -> String in
            do {
                let records = (0..<3).lazy.map { i -> Student in
                    let n = (try? db.count("student")) ?? -1  // a call back while the insert holds the database
                    return Student(name: "s\(i)", email: "s\(i)-\(n)@u.edu")
                }
                try students.insert(contentsOf: records)
                return "inserted \(try students.all().map(\.email))"
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        // The sequence swallows the error (try?), so the insert goes on with n == -1: the call did not hang.
        #expect(outcome == "inserted [\"s0--1@u.edu\", \"s1--1@u.edu\", \"s2--1@u.edu\"]")
        try db.close()
    }

    @Test("A load progress callback that calls the database gets reentrantCall during load(), not a hang")
    func loadProgressCallsBack() throws {
        let dir = TempDir("reentrant-progress")
        try makeDatabase(dir).close()
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var db: Database?
            var errors: [String] = []
        }
        let box = Box()
        var options = DatabaseOptions()
        options.loadProgress = { _ in
            box.lock.lock()
            let db = box.db
            box.lock.unlock()
            guard let db else { return }
            do { _ = try db.count("item") } catch {
                box.lock.lock()
                box.errors.append("\(error)")
                box.lock.unlock()
            }
        }
        let db = try Database(path: dir.db, options: options)
        box.lock.lock()
        box.db = db
        box.lock.unlock()
        let outcome = try #require(finishing { () -> String in
            do {
                try db.load()
                return "loaded \(try db.count("item"))"
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "loaded 3")
        box.lock.lock()
        let errors = box.errors
        box.db = nil
        box.lock.unlock()
        #expect(!errors.isEmpty && errors.allSatisfy { $0 == "\(LineDBError.reentrantCall)" }, "\(errors)")
        try db.close()
    }

    // MARK: - Predicates and sorts run outside the lock

    @Test("select's predicate may read and write the database (it runs outside the lock)")
    func selectPredicateCallsBack() throws {
        let dir = TempDir("predicate-select")
        let db = try makeDatabase(dir)
        try db.createTable(TableSchema("log", columns: [Column("id", .int, primaryKey: true), Column("tag", .str)]))
        let outcome = try #require(finishing { () -> String in
            do {
                let found = try db.select("item", where: { record in
                    try db.insert("log", ["tag": record["tag"] ?? .null])
                    return try db.get("item", key: record["id"] ?? .null)?["qty"] != 20
                }, orderBy: "qty", descending: true)
                return "\(found.map { $0["tag"]?.stringValue ?? "?" }) \(try db.count("log"))"
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "[\"c\", \"a\"] 3")
        try db.close()
    }

    @Test("A typed fetch's predicate may read the database; so may a stream's")
    func typedPredicateCallsBack() throws {
        let dir = TempDir("predicate-typed")
        let db = try Database(path: dir.db)
        let students = try db.register(Student.self)
        for (name, gpa) in [("Alice", 3.8), ("Bob", 3.1), ("Carol", 3.9)] {
            var s = Student(name: name, email: "\(name)@u.edu", gpa: gpa)
            try students.insert(&s)
        }
        let outcome = try #require(finishing { () -> String in
            do {
                let best = try students.fetch(
                    where: { s in try students.get(s.id!)?.gpa ?? 0 > 3.5 && db.tableNames.contains("student") },
                    orderBy: "gpa", descending: true)
                var stream = try students.stream(where: { s in try db.count("student") == 3 && s.gpa < 3.5 })
                let low = try stream.next()?.name ?? "-"
                return "\(best.map(\.name)) \(low)"
            } catch {
                return "\(error)"
            }
        }, "hung: the call never returned")
        #expect(outcome == "[\"Carol\", \"Alice\"] Bob")
        try db.close()
    }
}

/// Runs `body` on a thread of its own and returns what it returned, or `nil` when it did not finish within
/// `seconds`: a hang detector (a deadlock fails the test instead of hanging the suite; the stuck thread is left
/// behind). Not a timing test: the limit is far above what the body needs.
func finishing<T: Sendable>(within seconds: Double = 10, _ body: @escaping @Sendable () -> T) -> T? {
    let slot = FinishingSlot<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let value = body()
        slot.lock.lock()
        slot.value = value
        slot.lock.unlock()
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    slot.lock.lock()
    defer { slot.lock.unlock() }
    return slot.value
}

private final class FinishingSlot<T>: @unchecked Sendable {
    let lock = NSLock()
    var value: T?
}
