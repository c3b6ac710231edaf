#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import LineDB

/// Issue 16 §3 crash tests: two real writer processes (`linedb-crash-writer mixed … writeTable=NAME`) write two
/// tables of one database at once; either is SIGKILLed at a random moment or at a failpoint of the shared WAL
/// append (append lock taken, half of the append written, after the write, after a transaction's write), the other
/// goes on writing (so it meets what the dead one left), then dies too; the database is reopened and each table
/// must hold exactly what its writer acknowledged (plus, perhaps, its in-flight write).
@Suite("Table writer crash tests: two writer processes on two tables, SIGKILLed")
struct TableWriterCrashTests {
    /// Restricts a database state to one table (each writer's log knows its own table only).
    func only(_ state: DBState, _ table: String) -> DBState {
        var s = DBState()
        s.columns[table] = state.columns[table]
        s.rows[table] = state.rows[table]
        if s.columns[table] == nil { s.columns.removeValue(forKey: table) }
        if s.rows[table] == nil { s.rows.removeValue(forKey: table) }
        return s
    }

    /// Reads `n` acknowledgements (or until the child ends).
    func readAcks(_ child: ChildProcess, _ n: Int) {
        var acks = 0
        while acks < n, let line = child.nextLine(), !line.hasPrefix("ERR"), line != "END" {
            if line.hasPrefix("ACK ") { acks += 1 }
        }
    }

    /// Reopens as a whole-database writer and checks both tables against their writers' logs.
    func verify(_ h: CrashHarness, logs: [String: AckLog], context: String) throws {
        var options = DatabaseOptions()
        options.autoCheckpointBytes = nil
        let database = try Database(path: h.db, options: options)
        defer { try? database.close() }
        #expect(h.leftoverTemps() == [], "\(context): temp files survived the open")
        let actual = try DBState.read(database)
        for (table, log) in logs.sorted(by: { $0.key < $1.key }) {
            if let problem = log.check(only(actual, table)) {
                Issue.record(Comment(rawValue: "\(context), table \(table): \(problem)"))
                throw ChildProcessError("stopping after a failed check")
            }
        }
        let entries = try database.walEntries()
        if let first = entries.first {
            #expect(entries.map(\.lsn) == Array(first.lsn..<(first.lsn + entries.count)), "\(context): LSN gap")
        }
    }

    /// One round: both writers start; `victim` dies (at `failpoint`, or after a random number of ACKs); the
    /// other writes `after` more acknowledged calls, meeting what the victim left; then it is killed too.
    func round(
        _ h: CrashHarness, logs: [String: AckLog], run: Int, seed: Int, victim: String, failpoint: String?,
        random: inout TestRandom
    ) throws {
        let names = ["alpha", "beta"]
        var children: [String: ChildProcess] = [:]
        for (i, name) in names.enumerated() {
            let settings = [
                "run=\(run)", "writeTable=\(name)", "wait=10", "saveEvery=\(5 + random.below(10))",
                "checkpointEvery=\(15 + random.below(20))",
            ]
            children[name] = try h.spawn(
                "mixed", seed: seed * 10 + i, mode: .full, settings, failpoints: name == victim ? failpoint : nil)
        }
        let dying = children[victim]!
        let survivor = children[names.first { $0 != victim }!]!
        if failpoint != nil {
            _ = dying.drain()  // it kills itself at the failpoint
        } else {
            readAcks(dying, 1 + random.below(30))
            usleep(UInt32(random.below(2_000)))
        }
        let dyingStatus = dying.killAndCollect()
        readAcks(survivor, 5 + random.below(10))
        let survivorStatus = survivor.killAndCollect()
        for name in names { try logs[name]!.absorb(children[name]!.lines) }
        let context = "run \(run) victim \(victim) failpoint \(failpoint ?? "-")"
        for (name, status) in [(victim, dyingStatus), ("survivor", survivorStatus)] {
            try #require(status == .signaled(SIGKILL), "\(context): \(name) \(status); \(children[victim]!.transcript)")
        }
        for name in names {
            try #require(logs[name]!.errors.isEmpty, "\(context): \(children[name]!.transcript)")
        }
        try verify(h, logs: logs, context: context)
    }

    @Test("Random kills of either of two table writers: every write either acknowledged is there", arguments: [1, 2])
    func randomKills(seed: Int) throws {
        let h = CrashHarness("tw-crash-\(seed)")
        let logs = ["alpha": AckLog(), "beta": AckLog()]
        var random = TestRandom(seed)
        for run in 0..<10 {
            try round(
                h, logs: logs, run: run, seed: seed, victim: random.below(2) == 0 ? "alpha" : "beta", failpoint: nil,
                random: &random)
        }
        #expect(logs["alpha"]!.ackCount > 30 && logs["beta"]!.ackCount > 30)
    }

    static let points = [
        "wal.appendLocked@7", "wal.midAppend@7", "wal.midAppend@12", "wal.afterWrite@9", "wal.afterCommitWrite@11",
    ]

    @Test("A kill at each step of the shared WAL append: the other writer goes on, nothing acknowledged is lost",
          arguments: points)
    func failpoints(point: String) throws {
        let h = CrashHarness("tw-fp-\(point.replacingOccurrences(of: "@", with: "-"))")
        let logs = ["alpha": AckLog(), "beta": AckLog()]
        var random = TestRandom(point.utf8.reduce(7) { $0 &* 31 &+ Int($1) })
        for run in 1...3 {
            try round(
                h, logs: logs, run: run, seed: run, victim: run % 2 == 0 ? "beta" : "alpha", failpoint: point,
                random: &random)
        }
        if point.hasPrefix("wal.midAppend") {
            // The half-written line was cut off (by the survivor or by the reopen) and kept.
            #expect(!h.dir.list("db/quarantine").isEmpty)
        }
    }

    @Test("A writer killed while it cuts another writer's torn line (after the quarantine copy): cut once, later")
    func killWhileCutting() throws {
        let h = CrashHarness("tw-fp-cut")
        let logs = ["alpha": AckLog(), "beta": AckLog()]
        var cutterKilled = 0
        for run in 0..<4 {
            let beta = try h.spawn(
                "mixed", seed: 20 + run, mode: .full, ["run=\(run)", "writeTable=beta", "wait=10", "ops=400"],
                failpoints: "wal.midAppend@\(20 + run * 5)")
            let alpha = try h.spawn(
                "mixed", seed: 30 + run, mode: .full, ["run=\(run)", "writeTable=alpha", "wait=10", "ops=400"],
                failpoints: "wal.catchUpBeforeTruncate")
            _ = beta.drain()
            _ = alpha.drain()
            let betaStatus = beta.killAndCollect()
            let alphaStatus = alpha.killAndCollect()
            try #require(betaStatus == .signaled(SIGKILL), "\(beta.transcript)")
            if alphaStatus == .signaled(SIGKILL) { cutterKilled += 1 }
            try logs["alpha"]!.absorb(alpha.lines)
            try logs["beta"]!.absorb(beta.lines)
            try #require(logs["alpha"]!.errors.isEmpty && logs["beta"]!.errors.isEmpty, "\(alpha.transcript)")
            try verify(h, logs: logs, context: "run \(run)")
        }
        #expect(cutterKilled > 0, "the cutting writer never met a torn line of the other")
        #expect(!h.dir.list("db/quarantine").isEmpty)
    }
}
