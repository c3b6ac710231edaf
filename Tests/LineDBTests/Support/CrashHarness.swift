#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// A database's logical content: each table's column names and its records by integer primary key
/// (compared as unordered objects: the values must be exactly equal).
struct DBState: Equatable {
    var columns: [String: [String]] = [:]
    var rows: [String: [Int: [String: JSONValue]]] = [:]

    /// Reads every table of an open database.
    static func read(_ db: Database) throws -> DBState {
        var state = DBState()
        for name in db.tableNames {
            let schema = try db.schema(of: name)
            let pk = schema.primaryKey?.name ?? "id"
            state.columns[name] = schema.columns.map(\.name)
            var rows: [Int: [String: JSONValue]] = [:]
            for record in try db.select(name) {
                guard let key = record[pk]?.intValue else {
                    let text = JSONWriter.encode(.object(record))
                    throw ChildProcessError("\(name): a record without an integer key: \(text)")
                }
                rows[key] = plain(record)
            }
            state.rows[name] = rows
        }
        return state
    }

    static func plain(_ record: JSONObject) -> [String: JSONValue] {
        Dictionary(record.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// A short account of how `other` differs from `self` (the expected state).
    func difference(_ other: DBState) -> String {
        var notes: [String] = []
        for table in Set(columns.keys).union(other.columns.keys).sorted() {
            if columns[table] != other.columns[table] {
                notes.append("\(table): columns \(columns[table] ?? []) expected, found \(other.columns[table] ?? [])")
                continue
            }
            let a = rows[table] ?? [:]
            let b = other.rows[table] ?? [:]
            let missing = a.keys.filter { b[$0] == nil }.sorted()
            let extra = b.keys.filter { a[$0] == nil }.sorted()
            let changed = a.keys.filter { b[$0] != nil && a[$0] != b[$0] }.sorted()
            if !missing.isEmpty { notes.append("\(table): missing keys \(missing.prefix(5)) (of \(missing.count))") }
            if !extra.isEmpty {
                notes.append("\(table): unexpected records \(extra.prefix(3).map { "\($0): \(Self.text(b[$0]!))" })")
            }
            for key in changed.prefix(3) {
                notes.append("\(table) key \(key): expected \(Self.text(a[key]!)), found \(Self.text(b[key]!))")
            }
        }
        return notes.isEmpty ? "no difference" : notes.joined(separator: "; ")
    }

    static func text(_ record: [String: JSONValue]) -> String {
        let object = JSONObject(uniqueKeysWithValues: record.sorted { $0.key < $1.key })
        return String(JSONWriter.encode(.object(object)).prefix(300))
    }
}

/// The records of a crash-writer import, numbered from 0 (the writer builds the same ones).
func importRecord(prefix: String, _ i: Int) -> [String: JSONValue] {
    ["tag": .string("\(prefix)\(i)"), "qty": .int(i), "price": .double(Double(i % 4000) / 4), "note": .null]
}

/// What a crash-writer child acknowledged, read from its `TRY`/`ACK` lines (ALICE style): the state every
/// acknowledged write leads to, plus the single write that was in flight when the child died.
final class AckLog {
    private(set) var state = DBState()
    /// The operations of the last `TRY` without its `ACK`, if the child died inside a write.
    private(set) var inflight: [JSONValue]?
    /// The highest key ever acknowledged per table (deleted ones included): no later insert may reuse it.
    private(set) var maxKey: [String: Int] = [:]
    private(set) var ackCount = 0
    /// How many checks found the in-flight write applied (it was durable but not yet acknowledged).
    private(set) var inflightApplied = 0
    /// `ERR` lines the children printed.
    private(set) var errors: [String] = []
    /// `CHECKPOINTED` archive names.
    private(set) var archives: [String] = []

    /// Takes every line a child printed.
    func absorb(_ lines: [String]) throws {
        for line in lines { try consume(line) }
    }

    func consume(_ line: String) throws {
        if line.hasPrefix("TRY {") {
            inflight = try Self.ops(String(line.dropFirst(4)))
        } else if line.hasPrefix("TRY ") {
            inflight = []  // a save or checkpoint: no logical change
        } else if line.hasPrefix("ACK ") {
            let ops = try Self.ops(String(line.dropFirst(4)))
            guard let next = apply(ops, to: state, bindingFrom: nil) else {
                throw ChildProcessError("cannot apply acknowledged line: \(line.prefix(300))")
            }
            state = next
            inflight = nil
            ackCount += 1
        } else if line.hasPrefix("SAVED") {
            inflight = nil
        } else if line.hasPrefix("CHECKPOINTED ") {
            inflight = nil
            archives.append(String(line.split(separator: " ")[1]))
        } else if line.hasPrefix("ERR ") {
            errors.append(line)
        }
    }

    private static func ops(_ json: String) throws -> [JSONValue] {
        guard case .object(let o) = try JSONParser.parse(json), case .array(let ops)? = o["ops"] else {
            throw ChildProcessError("not an ops line: \(json.prefix(200))")
        }
        return ops
    }

    /// Applies operations to `state`. Inserts whose key was not known yet (in flight) are found in `actual` by
    /// their unique `tag`; `nil` when that is impossible.
    private func apply(_ ops: [JSONValue], to start: DBState, bindingFrom actual: DBState?) -> DBState? {
        var s = start
        var tagIndex: [String: [String: Int]] = [:]
        func bind(_ table: String, _ tag: JSONValue) -> Int? {
            guard let actual, case .string(let t) = tag else { return nil }
            if tagIndex[table] == nil {
                var index: [String: Int] = [:]
                for (key, record) in actual.rows[table] ?? [:] {
                    if case .string(let rt)? = record["tag"] { index[rt] = key }
                }
                tagIndex[table] = index
            }
            return tagIndex[table]![t]
        }
        for case .object(let op) in ops {
            guard case .string(let kind)? = op["op"], case .string(let table)? = op["table"] else { return nil }
            switch kind {
            case "create":
                s.columns[table] = (op["columns"]?.arrayValue ?? []).compactMap(\.stringValue)
                s.rows[table] = [:]
                if actual == nil { maxKey.removeValue(forKey: table) }
            case "drop":
                s.columns.removeValue(forKey: table)
                s.rows.removeValue(forKey: table)
                if actual == nil { maxKey.removeValue(forKey: table) }
            case "insert", "update":
                guard case .object(let record)? = op["record"] else { return nil }
                var plain = DBState.plain(record)
                guard let key = op["key"]?.intValue ?? bind(table, plain["tag"] ?? .null) else { return nil }
                plain["id"] = .int(key)
                s.rows[table, default: [:]][key] = plain
                if actual == nil, kind == "insert" { maxKey[table] = max(maxKey[table] ?? 0, key) }
            case "delete":
                guard let key = op["key"]?.intValue else { return nil }
                s.rows[table]?.removeValue(forKey: key)
            case "import":
                guard let n = op["n"]?.intValue, let prefix = op["prefix"]?.stringValue else { return nil }
                let first = op["first"]?.intValue
                for i in 0..<n {
                    var record = importRecord(prefix: prefix, i)
                    guard let key = first.map({ $0 + i }) ?? bind(table, record["tag"]!) else { return nil }
                    record["id"] = .int(key)
                    s.rows[table, default: [:]][key] = record
                    if actual == nil { maxKey[table] = max(maxKey[table] ?? 0, key) }
                }
            default:
                return nil
            }
        }
        return s
    }

    /// Checks a reopened database against the acknowledgements: it must hold exactly the acknowledged state
    /// (NoLoss, NoPhantom), or that state plus the whole in-flight write. Returns a description of the
    /// mismatch, or `nil`; on success the log adopts `actual` (the in-flight write is resolved).
    func check(_ actual: DBState) -> String? {
        if actual == state {
            inflight = nil
            return nil
        }
        var message = "the reopened database differs from the acknowledged writes: " + state.difference(actual)
        if let ops = inflight, !ops.isEmpty {
            if let alternative = apply(ops, to: state, bindingFrom: actual), alternative == actual {
                inflightApplied += 1
                state = actual
                for (table, rows) in actual.rows {
                    if let top = rows.keys.max() { maxKey[table] = max(maxKey[table] ?? 0, top) }
                }
                inflight = nil
                return nil
            }
            message += "; nor does it equal them plus the in-flight write \(JSONWriter.encode(.array(ops)).prefix(400))"
        }
        return message
    }

    /// Records a write the test itself made (acknowledged by the API call returning).
    func acknowledge(insert table: String, key: Int, record: [String: JSONValue]) {
        var plain = record
        plain["id"] = .int(key)
        state.rows[table, default: [:]][key] = plain
        maxKey[table] = max(maxKey[table] ?? 0, key)
    }
}

/// One database directory shared by a series of writer children and reopens.
final class CrashHarness {
    let dir: TempDir
    let log = AckLog()
    private(set) var spawned = 0
    /// Warnings seen at the test's own reopens.
    private(set) var warnings: [String] = []
    private(set) var reopens = 0

    init(_ label: String) { dir = TempDir(label) }

    var db: String { dir.db }

    /// Starts the crash writer on this directory. `failpoints` names a step, `name` or `name@n` (the n-th hit),
    /// where the child kills itself.
    func spawn(
        _ workload: String, seed: Int, mode: SyncMode = .full, _ settings: [String] = [], failpoints: String? = nil
    ) throws -> ChildProcess {
        spawned += 1
        return try ChildProcess.writer(
            [db, workload, String(seed), mode.rawValue] + settings, failpoints: failpoints.map(Self.killSpec),
            stderr: dir.path + "/child-\(spawned).stderr")
    }

    /// `name@n` → `name=kill@n`, `name` → `name=kill` (the `LINEDB_FAILPOINTS` syntax).
    static func killSpec(_ point: String) -> String {
        if point.contains("=") { return point }
        let parts = point.split(separator: "@", maxSplits: 1)
        return parts.count == 2 ? "\(parts[0])=kill@\(parts[1])" : "\(point)=kill"
    }

    /// Feeds what a finished (or killed) child printed to the log.
    func absorb(_ child: ChildProcess) throws {
        try log.absorb(child.lines)
    }

    /// Runs a child to its end and absorbs its output; it must finish cleanly (`END`, status 0).
    @discardableResult
    func runToEnd(
        _ workload: String, seed: Int, mode: SyncMode = .full, _ settings: [String] = []
    ) throws -> ChildProcess {
        let child = try spawn(workload, seed: seed, mode: mode, settings)
        let status = child.finish()
        try absorb(child)
        guard status == .exited(0), child.lines.last == "END" else {
            throw ChildProcessError("\(workload) \(settings) \(status); \(child.transcript)")
        }
        return child
    }

    /// Temp files (`.name.tmp-*`, `wal/.transaction.log.tmp`) left in the database directory.
    func leftoverTemps() -> [String] {
        var found: [String] = []
        for sub in ["data", "schema", "wal", "quarantine"] {
            for name in dir.list("db/" + sub) where name.hasPrefix(".") { found.append(sub + "/" + name) }
        }
        for name in dir.list("db") where name.hasPrefix(".") && name != ".lock" { found.append(name) }
        return found
    }

    /// Reopens the database in this process and checks it against the log (NoLoss, NoPhantom, NoCorrupt):
    /// it opens, no temp file survives, constraints hold, the content is the acknowledged state (plus, perhaps,
    /// the in-flight write). With `probe`, inserts one record into `probeTable` and checks that its key is above
    /// every acknowledged one. With `idem`, opens twice more: same state, and a clean open changes no file.
    func verifyReopen(
        mode: SyncMode = .full, probe: Bool = false, probeTable: String = "item", idem: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        reopens += 1
        var options = DatabaseOptions(syncMode: mode)
        options.autoCheckpointBytes = nil
        let database = try Database(path: db, options: options)
        warnings += database.warnings
        #expect(!database.isReadOnly, sourceLocation: sourceLocation)
        #expect(leftoverTemps() == [], "temp files survived the open", sourceLocation: sourceLocation)
        let actual = try DBState.read(database)
        for (table, rows) in actual.rows {
            let tags = rows.values.compactMap { $0["tag"]?.stringValue }
            if table != "bulk" {
                #expect(Set(tags).count == tags.count, "duplicate UNIQUE tags", sourceLocation: sourceLocation)
            }
            #expect(rows.allSatisfy { $0.value["id"] == .int($0.key) }, sourceLocation: sourceLocation)
        }
        if let problem = log.check(actual) {
            Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
            try? database.close()
            throw ChildProcessError("stopping after a failed check")
        }
        if probe, actual.columns[probeTable] != nil {
            let record: Record = ["tag": .string("probe-\(reopens)"), "qty": 1, "price": 0.5, "note": "probe"]
            let key = try database.insert(probeTable, record)
            let top = log.maxKey[probeTable] ?? 0
            #expect((key.intValue ?? 0) > top, "key \(key) reused (\(top) acked)", sourceLocation: sourceLocation)
            log.acknowledge(insert: probeTable, key: key.intValue ?? 0, record: DBState.plain(record))
        }
        try database.close()
        if idem {
            let first = try Database(path: db, options: options)
            let once = try DBState.read(first)
            try first.close()
            let files = dir.snapshot().filter { !$0.key.hasSuffix(".stderr") }
            let second = try Database(path: db, options: options)
            let twice = try DBState.read(second)
            // A repair (quarantine, truncation, removing an unfinished archive) is never done twice. Notes about
            // what is still in the WAL (a transaction without COMMIT) may repeat, but must not change.
            #expect(second.warnings == first.warnings, sourceLocation: sourceLocation)
            #expect(!second.warnings.contains { $0.contains("quarantine") || $0.contains("removed") },
                    "a repair was done again: \(second.warnings)", sourceLocation: sourceLocation)
            try second.close()
            #expect(once == log.state, sourceLocation: sourceLocation)
            #expect(twice == once, "a second open gave another state", sourceLocation: sourceLocation)
            #expect(dir.snapshot().filter { !$0.key.hasSuffix(".stderr") } == files,
                    "a clean open changed files", sourceLocation: sourceLocation)
        }
    }
}

/// A small deterministic generator for the tests' random choices (fixed seeds).
struct TestRandom {
    private var generator: SplitMix64
    init(_ seed: Int) { generator = SplitMix64(seed: UInt64(truncatingIfNeeded: seed) &* 0x2545_F491_4F6C_DD1D &+ 1) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func below(_ n: Int) -> Int { generator.below(n) }
}
