#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import LineDB
import LineDBTestSupport

// MARK: - The test's own model of the data

/// What the database should hold, kept by the test from the calls it made (never read back from the engine):
/// each table's column names and its records by integer primary key `id`.
struct LogicalState: Equatable {
    struct Table: Equatable {
        var columns: [String]
        var rows: [Int: [String: JSONValue]]
    }

    var tables: [String: Table] = [:]

    /// The content of an open database.
    static func read(_ db: Database) throws -> LogicalState {
        var state = LogicalState()
        for name in db.tableNames {
            var rows: [Int: [String: JSONValue]] = [:]
            for record in try db.select(name) {
                guard let id = record["id"]?.intValue else {
                    throw LineDBError.invalidInput(reason: "\(name): a record without an integer id")
                }
                rows[id] = Dictionary(record.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            }
            state.tables[name] = Table(columns: try db.schema(of: name).columns.map(\.name), rows: rows)
        }
        return state
    }

    /// The state after `op` succeeded.
    mutating func apply(_ op: PowerOp) {
        switch op {
        case .insert(let table, let record):
            tables[table]?.rows[record["id"]!.intValue!] = Dictionary(record.map { ($0.key, $0.value) }) { a, _ in a }
        case .update(let table, let id, let changes):
            for (column, value) in changes { tables[table]?.rows[id]?[column] = value }
        case .delete(let table, let id):
            tables[table]?.rows[id] = nil
        case .insertMany(let table, let records), .importFile(let table, let records):
            for record in records { apply(.insert(table, record)) }
        case .transaction(let ops):
            for inner in ops { apply(inner) }
        case .save, .checkpoint:
            break
        case .createTable(let schema):
            tables[schema.name] = Table(columns: schema.columns.map(\.name), rows: [:])
        case .dropTable(let table):
            tables[table] = nil
        }
    }

    /// How `found` differs from `self` (the expected state), briefly.
    func difference(_ found: LogicalState) -> String {
        var notes: [String] = []
        for name in Set(tables.keys).union(found.tables.keys).sorted() {
            guard let a = tables[name] else { notes.append("table '\(name)' should not exist"); continue }
            guard let b = found.tables[name] else { notes.append("table '\(name)' is missing"); continue }
            if a.columns != b.columns { notes.append("\(name): columns \(a.columns) expected, found \(b.columns)") }
            let missing = a.rows.keys.filter { b.rows[$0] == nil }.sorted()
            let extra = b.rows.keys.filter { a.rows[$0] == nil }.sorted()
            let changed = a.rows.keys.filter { b.rows[$0] != nil && a.rows[$0] != b.rows[$0] }.sorted()
            if !missing.isEmpty { notes.append("\(name): ids \(missing) missing") }
            if !extra.isEmpty { notes.append("\(name): ids \(extra) should not be there") }
            if !changed.isEmpty { notes.append("\(name): ids \(changed) have other values") }
        }
        return notes.isEmpty ? "no difference" : notes.joined(separator: "; ")
    }
}

/// One API call of a workload.
indirect enum PowerOp: CustomStringConvertible, Sendable {
    case insert(String, Record)
    case update(String, Int, Record)
    case delete(String, Int)
    /// `insert(_:records:)`: one transaction.
    case insertMany(String, [Record])
    /// `transaction { }` with inserts, updates and deletes inside.
    case transaction([PowerOp])
    case save
    case checkpoint
    case createTable(TableSchema)
    case dropTable(String)
    /// `importRecords(into:from:)` of a JSON Lines file holding these records (written outside the database).
    case importFile(String, [Record])

    var description: String {
        switch self {
        case .insert(let t, let r): return "insert \(t) id \(r["id"]?.intValue ?? -1)"
        case .update(let t, let id, _): return "update \(t) id \(id)"
        case .delete(let t, let id): return "delete \(t) id \(id)"
        case .insertMany(let t, let rs): return "insert \(t) records: \(rs.count) in one transaction"
        case .transaction(let ops): return "transaction { \(ops.map(\.description).joined(separator: "; ")) }"
        case .save: return "save"
        case .checkpoint: return "checkpoint"
        case .createTable(let s): return "createTable \(s.name)"
        case .dropTable(let t): return "dropTable \(t)"
        case .importFile(let t, let rs): return "importRecords \(t): \(rs.count) records"
        }
    }

    /// Makes the call on `db`. `scratch` is where an import file is written.
    func run(on db: Database, scratch: String, index: Int) throws {
        switch self {
        case .insert(let t, let r): try db.insert(t, r)
        case .update(let t, let id, let changes): try db.update(t, key: .int(id), set: changes)
        case .delete(let t, let id): try db.delete(t, key: .int(id))
        case .insertMany(let t, let rs): try db.insert(t, records: rs)
        case .transaction(let ops):
            try db.transaction { tx in
                for op in ops {
                    switch op {
                    case .insert(let t, let r): try tx.insert(t, r)
                    case .update(let t, let id, let changes): try tx.update(t, key: .int(id), set: changes)
                    case .delete(let t, let id): try tx.delete(t, key: .int(id))
                    default: preconditionFailure("only inserts, updates and deletes go in a transaction")
                    }
                }
            }
        case .save: try db.save()
        case .checkpoint: try db.checkpoint()
        case .createTable(let s): try db.createTable(s)
        case .dropTable(let t): try db.dropTable(t)
        case .importFile(let t, _):
            try db.importRecords(into: t, from: PowerOp.importPath(scratch, index), format: .jsonl)
        }
    }

    /// Writes what the call needs before it starts (the import file), outside the recorded directory.
    func prepare(scratch: String, index: Int) {
        guard case .importFile(_, let records) = self else { return }
        var bytes: [UInt8] = []
        for r in records { bytes += Array(JSONWriter.encode(.object(r)).utf8) + [10] }
        FaultHelpers.write(PowerOp.importPath(scratch, index), bytes)
    }

    static func importPath(_ scratch: String, _ index: Int) -> String { "\(scratch)/import-\(index).jsonl" }
}

/// A workload: calls made (with the real file system) before recording starts, then the recorded calls.
struct PowerWorkload: Sendable {
    var name: String
    var setup: [PowerOp]
    var ops: [PowerOp]
}

// MARK: - Recording a workload

/// Runs a workload on a ``RecordingFileIO`` and checks every crash state of every crash point against the model.
final class PowerLossRun {
    let workload: PowerWorkload
    let scratch: ScratchDir
    let recorder: RecordingFileIO
    /// `models[k]`: the expected state after the first `k` recorded calls.
    private(set) var models: [LogicalState] = []
    /// The size of `wal/transaction.log` when recording started.
    private(set) var initialWALSize = 0
    /// What went wrong while recording (the live database disagreeing with the model, a model problem).
    private(set) var recordingProblems: [String] = []

    var root: String { scratch.path + "/rec" }
    var dbPath: String { root + "/db" }

    /// Runs the setup with the real file system, starts the recorder, runs the recorded calls and closes.
    /// `configure` sets the recorder's mutation switches before anything is recorded.
    init(_ workload: PowerWorkload, configure: (RecordingFileIO) -> Void = { _ in }) throws {
        self.workload = workload
        scratch = ScratchDir("power-\(workload.name.replacingOccurrences(of: " ", with: "-"))")
        let root = scratch.path + "/rec"
        precondition(Glibc.mkdir(root, 0o755) == 0)
        var model = LogicalState()
        if !workload.setup.isEmpty {
            let db = try Database(path: root + "/db")
            for (i, op) in workload.setup.enumerated() {
                op.prepare(scratch: scratch.path, index: 1000 + i)
                try op.run(on: db, scratch: scratch.path, index: 1000 + i)
                model.apply(op)
            }
            try db.close()
            let reopened = try Database(path: root + "/db")
            let found = try LogicalState.read(reopened)
            try reopened.close()
            if found != model { recordingProblems.append("after setup: \(model.difference(found))") }
        }
        models = [model]
        initialWALSize = RealFileIO.shared.stat(root + "/db/wal/transaction.log")?.size ?? 0
        recorder = RecordingFileIO(root: root)
        configure(recorder)

        var options = DatabaseOptions()
        options.fileIO = recorder
        let db = try Database(path: root + "/db", options: options)
        for (i, op) in workload.ops.enumerated() {
            op.prepare(scratch: scratch.path, index: i)
            recorder.beginOperation()
            try op.run(on: db, scratch: scratch.path, index: i)
            recorder.acknowledge()
            model.apply(op)
            models.append(model)
            let live = try LogicalState.read(db)
            if live != model { recordingProblems.append("after call \(i + 1) (\(op)): \(model.difference(live))") }
        }
        try db.close()
        recordingProblems += recorder.problems

        recordingProblems += PowerLossRun.modelMismatches(recorder)
    }

    /// Where the recorder's model of the files differs from what is really on disk (`.lock` holds only a pid).
    static func modelMismatches(_ recorder: RecordingFileIO) -> [String] {
        let real = FaultHelpers.snapshot(recorder.root)
        let modelled = recorder.modelledFiles().filter { !$0.key.hasSuffix(".lock") }
        return Set(real.keys).union(modelled.keys).sorted().filter { real[$0] != modelled[$0] }.map { path in
            "recorder model differs from the disk at \(path): \(modelled[path]?.count ?? -1) bytes modelled, "
                + "\(real[path]?.count ?? -1) on disk"
        }
    }

    // MARK: - Checking crash states

    /// What opening one crash state gave.
    enum Outcome {
        case refused(String)
        case opened(LogicalState, problems: [String])
    }

    /// The counts and violations of one check.
    struct Report {
        var points = 0
        /// Crash states built (before removing duplicates).
        var states = 0
        /// Distinct crash states, each materialised and opened.
        var distinct = 0
        var statesByKind: [String: Int] = [:]
        var refusals: [String] = []
        var losses: [String] = []
        var corruptions: [String] = []
        /// The recorder's model disagreeing with the real files (a harness bug, not an engine one).
        var harnessProblems: [String] = []

        var violations: [String] { refusals + losses + corruptions }

        /// `points 40, states 512 (distinct 123)`.
        var summary: String { "crash points \(points), crash states \(states) (distinct, opened: \(distinct))" }
    }

    private var cache: [[UInt8]: Outcome] = [:]
    var stateCounter = 0

    /// Builds every crash state of every crash point, opens each distinct one with the real engine and checks
    /// NoLoss (equal to the model after `k` calls, acknowledged ≤ k ≤ attempted), NoCorrupt and that open never
    /// refuses.
    func check() -> Report {
        var report = Report()
        let points = recorder.points
        report.points = points.count
        for (index, point) in points.enumerated() {
            for state in CrashStateBuilder.states(of: point) {
                report.states += 1
                let kindKey = String(state.kind.prefix(3))
                report.statesByKind[kindKey, default: 0] += 1
                let (outcome, fresh) = outcome(of: state)
                if fresh { report.distinct += 1 }
                let place = "workload '\(workload.name)', crash point \(index + 1)/\(points.count) "
                    + "'\(point.label)' (\(point.acknowledged) calls acknowledged, \(point.attempted) started), "
                    + "state \(state.kind)"
                switch outcome {
                case .refused(let message):
                    report.refusals.append("\(place): open refused: \(message)")
                case .opened(let found, let problems):
                    for p in problems { report.corruptions.append("\(place): \(p)") }
                    let allowed = point.acknowledged...min(point.attempted, models.count - 1)
                    if !allowed.contains(where: { models[$0] == found }) {
                        let expected = models[point.acknowledged]
                        let inflight = point.attempted > point.acknowledged
                            ? " (or after call \(point.attempted): \(workload.ops[point.attempted - 1]))" : ""
                        report.losses.append(
                            "\(place): state after call \(point.acknowledged)\(inflight) expected; "
                                + expected.difference(found))
                    }
                }
            }
        }
        return report
    }

    /// What opening `state` gives, evaluated once per distinct state; `fresh` when it was opened now.
    func outcome(of state: CrashState) -> (Outcome, fresh: Bool) {
        let key = state.key
        if let cached = cache[key] { return (cached, false) }
        let outcome = evaluate(state)
        cache[key] = outcome
        return (outcome, true)
    }

    /// Materialises `state`, opens it (writer, default options), reads it, saves, and opens it again.
    func evaluate(_ state: CrashState) -> Outcome {
        stateCounter += 1
        let dir = "\(scratch.path)/state-\(stateCounter)"
        state.materialize(into: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/db"
        var problems: [String] = []
        let opened: Database
        let first: LogicalState
        do {
            opened = try Database(path: db)
            first = try LogicalState.read(opened)
        } catch {
            return .refused(FaultHelpers.text(error))
        }
        problems += PowerLossRun.leftovers(db)
        do {
            try opened.save()
            try opened.close()
        } catch {
            problems.append("save after the open failed: \(FaultHelpers.text(error))")
        }
        problems += FaultHelpers.fileProblems(db).map { "after open and save: \($0)" }
        do {
            let again = try Database(path: db)
            let second = try LogicalState.read(again)
            try again.close()
            if second != first { problems.append("reopening after save changed the data: \(first.difference(second))") }
        } catch {
            problems.append("reopening after save refused: \(FaultHelpers.text(error))")
        }
        return .opened(first, problems: problems)
    }

    /// What an open must have cleaned up: temporary files, a second name of the live WAL.
    static func leftovers(_ db: String) -> [String] {
        var found: [String] = []
        for dir in ["data", "schema"] {
            for name in FaultHelpers.list(db + "/" + dir) where name.hasPrefix(".") && name.contains(".tmp-") {
                found.append("\(dir)/\(name) left behind by the open")
            }
        }
        if FileManager.default.fileExists(atPath: db + "/wal/.transaction.log.tmp") {
            found.append("wal/.transaction.log.tmp left behind by the open")
        }
        if let links = RealFileIO.shared.stat(db + "/wal/transaction.log")?.linkCount, links > 1 {
            found.append("wal/transaction.log still has \(links) names after the open")
        }
        return found
    }
}

// MARK: - B2: damage inside synced WAL lines

extension PowerLossRun {
    /// The counts and failures of ``checkSyncedLineFlips(maxCases:seed:)``.
    struct FlipReport {
        var cases = 0
        var failures: [String] = []
        /// One refusal message, to show what the user sees.
        var sampleMessage = ""
    }

    /// B2: at acknowledgement points, takes the durable state, flips a byte inside a WAL line that was on disk
    /// before later lines were written (the recorder knows: the call that wrote it was acknowledged, so synced,
    /// before the next one started) and checks that
    /// - the open refuses, naming `wal/transaction.log`, the line, its byte offset and LSN, and changes no file;
    /// - an open with `salvage` (`linedb recover --to-point-in-time`) keeps the entries before the line, equal to
    ///   the model before the call that wrote it, and moves the rest of the file to `quarantine/`;
    /// - a normal open afterwards gives the same data.
    ///
    /// Only for workloads without save or checkpoint in the recorded part (the WAL is then the only file changed).
    func checkSyncedLineFlips(maxCases: Int, seed: UInt64) -> FlipReport {
        var report = FlipReport()
        let walDir = dbPath + "/wal"
        let acks = recorder.points.filter { $0.label.hasPrefix("ACK ") }
        guard acks.count == workload.ops.count else {
            report.failures.append("expected one ACK point per call, found \(acks.count)")
            return report
        }
        func walInode(_ p: RecordingFileIO.CrashPoint) -> Int? {
            if case .file(let id)? = p.durableTree[walDir]?["transaction.log"] { return id }
            return nil
        }
        // walEnds[k]: the durable WAL size once call k was acknowledged.
        var walEnds = [initialWALSize]
        for (k, p) in acks.enumerated() {
            guard let id = walInode(p), let inode = p.inodes[id], id == walInode(acks[0]) else {
                report.failures.append("ACK \(k + 1): the WAL was replaced or is not durable")
                return report
            }
            if !inode.pending.isEmpty {
                report.failures.append("ACK \(k + 1): WAL bytes not synced when the call returned under .full")
            }
            walEnds.append(inode.durable.count)
        }
        var rng = SeededRandom(seed: seed)
        let pointsToUse = stride(from: 2, through: acks.count, by: max(1, (acks.count - 1) / maxCases)).prefix(maxCases)
        for k in pointsToUse {
            let point = acks[k - 1]
            let walID = walInode(point)!
            let wal = point.inodes[walID]!.durable
            // Lines written by recorded calls 1..<k: each was synced before the next call wrote anything.
            var candidates: [(line: Int, start: Int, end: Int, call: Int)] = []
            var start = 0
            var line = 0
            while start < wal.count {
                line += 1
                let end = (wal[start...].firstIndex(of: 10) ?? wal.count - 1) + 1
                if start >= walEnds[0], let call = (1...k).first(where: { walEnds[$0] > start }), call < k {
                    candidates.append((line, start, end, call))
                }
                start = end
            }
            guard !candidates.isEmpty else { continue }
            let c = candidates[Int.random(in: 0..<candidates.count, using: &rng)]
            let at = Int.random(in: c.start..<(c.end - 1), using: &rng)
            var mask = UInt8.random(in: 1...255, using: &rng)
            while wal[at] ^ mask == 10 { mask = UInt8.random(in: 1...255, using: &rng) }
            var damaged = wal
            damaged[at] ^= mask
            report.cases += 1
            let what = "workload '\(workload.name)', after call \(k): byte \(at) of line \(c.line) (starts at byte "
                + "\(c.start), written by call \(c.call)) xor \(mask)"
            let lsn = FaultHelpers.intMember(Array(wal[c.start..<(c.end - 1)]), "lsn") ?? -1
            report.failures += checkFlip(
                point: point, walID: walID, damaged: damaged, line: c.line, lineStart: c.start, lsn: lsn,
                expected: models[c.call - 1], what: what, sample: &report.sampleMessage)
        }
        return report
    }

    private func checkFlip(
        point: RecordingFileIO.CrashPoint, walID: Int, damaged: [UInt8], line: Int, lineStart: Int, lsn: Int,
        expected: LogicalState, what: String, sample: inout String
    ) -> [String] {
        var failures: [String] = []
        var contents = point.inodes.mapValues(\.durable)
        contents[walID] = damaged
        let state = CrashState(kind: "B2", root: point.root, tree: point.durableTree, contents: contents)
        stateCounter += 1
        let dir = "\(scratch.path)/flip-\(stateCounter)"
        state.materialize(into: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/db"

        let before = FaultHelpers.snapshot(db)
        do {
            let opened = try Database(path: db)
            try? opened.close()
            failures.append("\(what): the open did not refuse")
        } catch {
            let message = FaultHelpers.text(error)
            if sample.isEmpty { sample = message }
            if case .corrupt(let path, let l, _, let offset, _, _) = error {
                if !path.hasSuffix("wal/transaction.log") { failures.append("\(what): refusal names \(path)") }
                if l != line { failures.append("\(what): refusal names line \(l.map(String.init) ?? "none")") }
                if offset != lineStart {
                    failures.append("\(what): refusal names byte \(offset.map(String.init) ?? "none")")
                }
                if !message.contains("recover") { failures.append("\(what): refusal names no way out: \(message)") }
                if !message.contains("lsn \(lsn)") { failures.append("\(what): refusal does not name lsn \(lsn)") }
            } else {
                failures.append("\(what): refused with an unexpected error: \(message)")
            }
        }
        if FaultHelpers.snapshot(db) != before { failures.append("\(what): the refused open changed files") }

        var salvage = DatabaseOptions()
        salvage.salvage = true
        salvage.salvageWALPrefix = true
        do {
            let opened = try Database(path: db, options: salvage)
            let found = try LogicalState.read(opened)
            try opened.close()
            if found != expected {
                failures.append("\(what): salvage kept the wrong prefix: \(expected.difference(found))")
            }
            let tail = Array(damaged[lineStart...])
            let quarantined = FaultHelpers.list(db + "/quarantine").map { FaultHelpers.read(db + "/quarantine/" + $0) }
            if !quarantined.contains(tail) {
                failures.append("\(what): quarantine/ does not hold the \(tail.count) bytes from line \(line) on")
            }
            if FaultHelpers.read(db + "/wal/transaction.log") != Array(damaged[..<lineStart]) {
                failures.append("\(what): after salvage the WAL is not the prefix before line \(line)")
            }
            let again = try Database(path: db)
            let second = try LogicalState.read(again)
            try again.close()
            if second != found { failures.append("\(what): reopening after salvage changed the data") }
        } catch {
            failures.append("\(what): salvage open failed: \(FaultHelpers.text(error))")
        }
        return failures
    }
}

// MARK: - Records for the workloads

enum PowerRecords {
    /// A student record with every column given. Every third one has a long name, so that batches and appends
    /// cross 4 KiB block boundaries.
    static func student(_ id: Int, tag: String = "") -> Record {
        let long = id % 3 == 0 ? String(repeating: "x", count: 1500) : ""
        return [
            "id": .int(id), "name": .string("Student \(id)\(tag) \(long)"), "email": .string("s\(id)\(tag)@uni.edu"),
            "gpa": .double(Double(id % 7) + 0.25),
        ]
    }

    static func course(_ id: Int, code: String) -> Record {
        ["id": .int(id), "code": .string(code), "title": .string("Course \(code)")]
    }

    static let courseSchema = try! TableSchema("course", columns: [
        Column("id", .int, primaryKey: true),
        Column("code", .str, nullable: false, unique: true),
        Column("title", .str),
    ])

    static let courseV2Schema = try! TableSchema("course", columns: [
        Column("id", .int, primaryKey: true),
        Column("building", .str),
    ])

    /// The state every workload but the fresh-database one starts from: a saved table and unsaved WAL entries.
    static let standardSetup: [PowerOp] = [
        .createTable(studentSchema),
        .insert("student", student(1)), .insert("student", student(2)), .insert("student", student(3)),
        .save,
        .insert("student", student(4)), .insert("student", student(5)),
    ]
}
