import Foundation
import Testing
@testable import LineDB
import LineDBTestSupport

/// SQLite's "ioerr" loop for LineDB (test C1): for one operation X, fail system call number n of one
/// kind (n = 1, 2, … up to the number of such calls X makes), once or persistently, with a chosen errno or a short
/// write; then check what the caller saw, what memory holds, and what a fresh open with the real file system finds.
enum IOErrorLoop {
    /// The operations under test. Each builds its starting database once (a template, real file system), and each
    /// iteration runs on a fresh copy.
    enum Operation: String, CaseIterable, Sendable, CustomStringConvertible {
        /// Open with a torn WAL tail (quarantine + truncate), an unsaved entry and a stray temp file to remove.
        case open
        /// Open after a checkpoint stopped between `link` and `rename` (archive name to unlink, temp WAL to remove).
        case openAfterInterruptedCheckpoint
        case insert
        /// `insert(_:records:)`: a transaction (txn lines + COMMIT in one batch).
        case insertMany
        case update
        case delete
        /// `save()` of a table with only inserts since the last save: the append path.
        case saveAppend
        /// `save()` of a table with an update: the durable-replace path.
        case saveRewrite
        case checkpoint
        case createTable
        case dropTable

        var description: String { rawValue }

        /// Builds the starting database in `path` with the real file system and closes it.
        func setup(_ path: String) throws {
            let db = try Database(path: path)
            try db.createTable(studentSchema)
            try db.createTable(IOErrorLoop.courseSchema)
            for (name, email) in [("Ann", "ann@u"), ("Bob", "bob@u"), ("Cid", "cid@u")] {
                try db.insert("student", ["name": .string(name), "email": .string(email), "gpa": 3.0])
            }
            try db.insert("course", ["code": "CS101"])
            try db.save()
            switch self {
            case .open:
                try db.insert("student", ["name": "Dee", "email": "dee@u"])
            case .saveAppend:
                try db.insert("student", ["name": "Dee", "email": "dee@u"])
                try db.insert("student", ["name": "Eve", "email": "eve@u"])
            case .saveRewrite, .checkpoint:
                try db.update("student", key: 2, set: ["gpa": 3.9])
                try db.insert("student", ["name": "Dee", "email": "dee@u"])
            default:
                break
            }
            try db.close()
        }

        /// Cheap edits made on each copy of the template (hard links do not survive a copy).
        func prepare(_ path: String) {
            switch self {
            case .open:
                let wal = path + "/wal/transaction.log"
                FaultHelpers.write(wal, FaultHelpers.read(wal) + Array(#"{"timestamp":"2026-01-22T20:31:1"#.utf8))
                FaultHelpers.write(path + "/data/.student.records.tmp-1-2", Array("{\"id\":9}\n".utf8))
            case .openAfterInterruptedCheckpoint:
                _ = link(path + "/wal/transaction.log", path + "/wal/transaction.20990101_000000.log")
                FaultHelpers.write(path + "/wal/.transaction.log.tmp", Array("{\"half\":".utf8))
            default:
                break
            }
        }

        /// Runs X on an open database.
        func run(_ db: Database) throws {
            switch self {
            case .open, .openAfterInterruptedCheckpoint:
                return
            case .insert:
                try db.insert("student", ["name": "Fay", "email": "fay@u", "gpa": 2.5])
            case .insertMany:
                try db.insert("student", records: [
                    ["name": "Gus", "email": "gus@u"], ["name": "Hal", "email": "hal@u"],
                    ["name": "Ivy", "email": "ivy@u"],
                ])
            case .update:
                try db.update("student", key: 2, set: ["name": "Robert", "gpa": 1.5])
            case .delete:
                try db.delete("student", key: 3)
            case .saveAppend, .saveRewrite:
                try db.save()
            case .checkpoint:
                try db.checkpoint()
            case .createTable:
                try db.createTable(TableSchema("room", columns: [
                    Column("id", .int, primaryKey: true), Column("seats", .int),
                ]))
            case .dropTable:
                try db.dropTable("course")
            }
        }

        var opensOnly: Bool { self == .open || self == .openAfterInterruptedCheckpoint }
    }

    static let courseSchema = try! TableSchema("course", columns: [
        Column("id", .int, primaryKey: true), Column("code", .str, nullable: false, unique: true),
    ])

    /// The system calls a fault can hit.
    static let kinds: [FaultyFileIO.Operation] = [
        .write, .fsync, .fdatasync, .rename, .link, .open, .ftruncate, .syncDirectory, .close, .unlink, .mkdir, .read,
    ]

    /// One way for a call to fail.
    struct Variant: CustomStringConvertible {
        var errno: Int32
        var shortWrite = false
        var persistent = false
        var description: String {
            (shortWrite ? "short write then " : "") + String(cString: strerror(errno))
                + (persistent ? " (persistent)" : " (once)")
        }
    }

    /// EIO, ENOSPC and EFBIG, once and persistently; for `write` also a short write (half the bytes, then ENOSPC).
    static func variants(for kind: FaultyFileIO.Operation) -> [Variant] {
        var result: [Variant] = []
        for persistent in [false, true] {
            for code in [EIO, ENOSPC, EFBIG] { result.append(Variant(errno: code, persistent: persistent)) }
            if kind == .write { result.append(Variant(errno: ENOSPC, shortWrite: true, persistent: persistent)) }
        }
        return result
    }

    /// Figures for the report.
    struct Tally {
        var faultPoints = 0
        var threw = 0
        var poisoned = 0
        /// Faults the operation absorbed and still succeeded (allowed when the result is the complete operation).
        var absorbed: [String] = []
        var failures: [String] = []
    }

    /// A record inserted after the failed operation: acknowledged, so it must survive the reopen.
    static let marker: Record = ["id": 1000, "name": "Marker", "email": "marker@u"]

    /// Runs the whole loop for one operation.
    static func run(_ op: Operation) throws -> Tally {
        let scratch = ScratchDir("ioerr-\(op.rawValue)")
        let template = scratch.path + "/template"
        try op.setup(template)

        // Reference runs, fault-free: the states before and after X, and how many calls of each kind X makes.
        func freshCopy(_ name: String) -> String {
            let path = scratch.path + "/" + name
            try? FileManager.default.removeItem(atPath: path)
            FaultHelpers.copyTree(template, to: path)
            op.prepare(path)
            return path
        }
        let before = try FaultHelpers.openState(freshCopy("before"))
        let counting = FaultyFileIO()
        var options = DatabaseOptions()
        options.autoCheckpointBytes = nil
        options.fileIO = DescriptorGuard(counting)
        let refPath = freshCopy("after")
        let ref = try Database(path: refPath, options: options)
        let start = Dictionary(uniqueKeysWithValues: kinds.map { ($0, counting.count($0)) })
        try op.run(ref)
        var calls: [FaultyFileIO.Operation: Int] = [:]
        for kind in kinds { calls[kind] = counting.count(kind) - (op.opensOnly ? 0 : start[kind]!) }
        let after = try FaultHelpers.state(ref)
        try ref.close()
        #expect(try FaultHelpers.openState(refPath) == after, "\(op): the fault-free run does not reopen to its result")
        if op == .saveAppend || op == .saveRewrite {
            // Make sure each save scenario exercises the path it is named for.
            let probe = try Database(path: freshCopy("probe"))
            let summary = try probe.save()
            try probe.close()
            #expect(op == .saveAppend ? summary.appended["student"] == 2 && summary.rewritten.isEmpty
                                      : summary.rewritten["student"] != nil, "\(op): \(summary)")
        }

        var tally = Tally()
        for kind in kinds {
            let total = calls[kind] ?? 0
            guard total > 0 else { continue }
            for variant in variants(for: kind) {
                // n = total + 1 is never reached: X must then complete untouched.
                for n in 1...(total + 1) {
                    if n <= total { tally.faultPoints += 1 }
                    let label = "\(op) / \(kind) #\(n) of \(total) / \(variant)"
                    let work = freshCopy("work")
                    iterate(op, work: work, kind: kind, n: n, reachable: n <= total, variant: variant,
                            before: before, after: after, label: label, tally: &tally)
                }
            }
        }
        return tally
    }

    /// One fault point.
    private static func iterate(
        _ op: Operation, work: String, kind: FaultyFileIO.Operation, n: Int, reachable: Bool, variant: Variant,
        before: FaultHelpers.State, after: FaultHelpers.State, label: String, tally: inout Tally
    ) {
        func fail(_ message: String) { tally.failures.append("\(label): \(message)") }
        let io = FaultyFileIO()
        // The guard records (and blocks) any use of a descriptor after its close, e.g. a second close after a
        // failed one, which could otherwise close a file of a test running in parallel.
        let descriptors = DescriptorGuard(io)
        defer { for misuse in descriptors.misuses { fail(misuse) } }
        var options = DatabaseOptions()
        options.autoCheckpointBytes = nil
        options.fileIO = descriptors
        let fault = FaultyFileIO.Fault(
            kind, nth: n, errno: variant.errno, persistent: variant.persistent, shortWrite: variant.shortWrite)

        var db: Database?
        var thrown: (any Error)?
        let startCount: Int
        if op.opensOnly {
            startCount = io.count(kind)
            io.inject(fault)
            do { db = try Database(path: work, options: options) } catch { thrown = error }
        } else {
            do {
                db = try Database(path: work, options: options)
            } catch {
                fail("the fault-free open failed: \(FaultHelpers.text(error))")
                return
            }
            startCount = io.count(kind)
            io.inject(fault)
            do { try op.run(db!) } catch { thrown = error }
        }
        let fired = io.count(kind) - startCount >= n
        io.clearFaults()
        if fired != reachable {
            fail(reachable ? "the fault point was not reached (the operation is not deterministic)"
                           : "the operation made more calls than in its fault-free run")
        }
        if !reachable {
            if let thrown { fail("failed although no call failed: \(FaultHelpers.text(thrown))") }
            try? db?.close()
            return
        }

        var markerAcknowledged = false
        if let thrown {
            tally.threw += 1
            let text = FaultHelpers.text(thrown)
            if !(thrown is LineDBError) { fail("threw a non-LineDB error: \(text)") }
            if !text.contains(work) { fail("the error does not name the path: \(text)") }
            if !text.contains(FaultHelpers.errnoWords(variant.errno)) {
                fail("the error does not say '\(FaultHelpers.errnoWords(variant.errno))': \(text)")
            }
        } else {
            tally.absorbed.append(label)
        }
        if let db {
            if FaultHelpers.isPoisoned(db) {
                tally.poisoned += 1
                do {
                    try db.insert("student", marker)
                    fail("a poisoned handle accepted a write")
                } catch {
                    if !FaultHelpers.isNeedsReopen(error) {
                        fail("a poisoned handle threw \(FaultHelpers.text(error)) instead of needsReopen")
                    }
                }
            } else {
                let memory = (try? FaultHelpers.state(db)) ?? [:]
                let expected = thrown == nil ? after : before
                if memory != expected {
                    fail(thrown == nil
                        ? "succeeded but memory is not the complete operation: \(memory)"
                        : "failed without poisoning the handle, but memory changed: \(memory)")
                }
                do {
                    try db.insert("student", marker)
                    markerAcknowledged = true
                } catch {
                    fail("a write after the failed operation (faults removed) failed: \(FaultHelpers.text(error))")
                }
            }
            try? db.close()
        }
        db = nil

        // Faults removed, real file system: the database must open and hold before-X or after-X.
        do {
            let reopened = try Database(path: work)
            let state = try FaultHelpers.state(reopened)
            try reopened.close()
            if markerAcknowledged && !(state["student"] ?? []).contains(where: { $0.hasPrefix("{\"id\":1000,") }) {
                fail("the write acknowledged after the failed operation is lost after reopening")
            }
            let core = FaultHelpers.removing(state, table: "student", id: 1000)
            if core != before && core != after {
                fail("after reopening the state is neither before nor after the operation: \(core)")
            }
            if thrown == nil && core != after { fail("the operation succeeded but its result is not on disk") }
            for problem in FaultHelpers.fileProblems(work) { fail(problem) }
        } catch {
            fail("reopening with the real file system failed: \(FaultHelpers.text(error))")
        }
    }
}
