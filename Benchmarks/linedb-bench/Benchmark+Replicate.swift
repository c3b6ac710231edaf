import Foundation
import LineDB
import LineDBPostgres

#if canImport(Glibc)
import Glibc
#endif

/// `--replicate` (issue 16 section 5): `linedb replicate` against a throwaway PostgreSQL 15 started here the way the
/// tests start theirs (initdb and pg_ctl as the `postgres` user, a Unix socket in a temporary folder, default
/// settings: fsync on). Its peer is `psql \copy` of the same records as CSV, on the same server, in the same run.
extension Benchmark {
    func replicate() throws {
        report.section("Replication to PostgreSQL on \(grouped(Double(n))) records (issue 16)")
        guard let linedb = linedbBinary else {
            report.line("skipped: no linedb beside linedb-bench (swift build -c release --product linedb)")
            return
        }
        let server = try BenchPostgres(folder: root + "/pg")
        defer { server.stop() }
        report.line("PostgreSQL \(server.version) at \(server.folder) (Unix socket, default settings)")

        // The database: N student records, checkpointed (so the records file holds them, the WAL only a header).
        let dbPath = root + "/linedb-replicate"
        var o = DatabaseOptions()
        o.syncMode = .off
        let db = try Database(path: dbPath, options: o)
        try db.createTable(try Students.schema())
        _ = try db.insert(Students.table, records: Students.records(0..<n))
        _ = try db.checkpoint()
        try db.close()
        let csv = root + "/student.csv"
        guard system("\(linedb) select \(dbPath) student --format csv > \(csv)") == 0 else {
            throw BenchPostgres.Failure("linedb select --format csv failed")
        }
        report.line("\(grouped(Double(n))) records: \(mb(fileSize(dbPath + "/data/student.records"))) of JSON Lines, "
            + "\(mb(fileSize(csv))) of CSV")

        let create = PGSchemaMapping.createTableSQL(try Students.schema())
        var psqlCopy = Samples()
        var replicateCopy = Samples()
        for run in 1...options.bigRepeats {
            let peer = try server.makeDatabase("peer\(run)")
            try server.psql(peer, create)
            let (_, tp) = try timed {
                try server.psql(peer, "\\copy student FROM '\(csv)' WITH (FORMAT csv, HEADER true)")
            }
            psqlCopy.add(tp)
            let target = try server.makeDatabase("copy\(run)")
            let (status, tr) = timed { system("\(linedb) replicate \(dbPath) '\(target)' > /dev/null") }
            guard status == 0 else { throw BenchPostgres.Failure("linedb replicate failed (status \(status))") }
            replicateCopy.add(tr)
            report.line("#\(run) psql \\copy (CSV) \(duration(tp)); linedb replicate (open + CREATE + COPY + commit) "
                + "\(duration(tr))")
        }
        let ratio = replicateCopy.median / psqlCopy.median
        report.line("initial copy: linedb replicate median \(duration(replicateCopy.median)), psql \\copy median "
            + "\(duration(psqlCopy.median)): \(fixed(ratio, 2))× (target ≤ 2×)")
        report.add(SummaryRow(
            measurement: "replicate: initial copy of \(grouped(Double(n))) records", lineDB: duration(replicateCopy.median),
            sqlite: "psql \\copy CSV \(duration(psqlCopy.median))", ratio: "\(fixed(ratio, 2))×", target: "≤ 2×",
            met: ratio <= 2))

        // Latency: a durable insert by a writer here, until PostgreSQL shows the row (polled on a connection).
        let target = try server.makeDatabase("follow")
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: linedb)
        follower.arguments = ["replicate", dbPath, target, "--follow"]
        follower.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try follower.run()
        defer {
            follower.terminate()
            follower.waitUntilExit()
        }
        let pg = try PGConnection(url: target)
        while (try? pg.query("SELECT lsn FROM linedb_replication"))?.isEmpty ?? true { usleep(10_000) }
        let writer = try Database(path: dbPath, options: DatabaseOptions(syncMode: .full))
        defer { try? writer.close() }
        var latency = Samples()
        let samples = options.smallRepeats * 5
        for i in 0..<samples {
            var record = Students.record(n + i)
            record["email"] = .string("follow\(i)@uni.edu")
            _ = try writer.insert(Students.table, record)
            let written = nowNanos()
            var seen = false
            while !seen {
                seen = try !pg.query("SELECT 1 FROM student WHERE email = $1", ["follow\(i)@uni.edu"]).isEmpty
                if nowNanos() - written > 5_000_000_000 { throw BenchPostgres.Failure("no row after 5 s") }
            }
            latency.add(Double(nowNanos() - written) / 1e9)
            usleep(UInt32(20_000 + (i * 7919) % 30_000))
        }
        report.line("followed insert visible in PostgreSQL after its WAL line: median \(duration(latency.median)), "
            + "p99 \(duration(latency.p99)) (\(samples) inserts; --follow polls every 10 ms; target ≤ 100 ms)")
        report.add(SummaryRow(
            measurement: "replicate --follow: insert → visible in PostgreSQL", lineDB: duration(latency.median),
            sqlite: "", ratio: "", target: "≤ 100 ms", met: latency.median <= 0.1))
    }
}

/// A throwaway PostgreSQL server for the benchmark (as the tests' Support/PostgresServer, which a benchmark cannot
/// import).
final class BenchPostgres {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let bin = ProcessInfo.processInfo.environment["LINEDB_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
    let folder: String
    let port = 20_000 + Int(getpid() % 20_000)
    private(set) var version = ""

    init(folder: String) throws {
        self.folder = folder
        guard FileManager.default.isExecutableFile(atPath: Self.bin + "/initdb") else {
            throw Failure("no \(Self.bin)/initdb: apt-get install postgresql-15 (or set LINEDB_PG_BIN)")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 { _ = system("chown postgres '\(folder)'") }
        try run("\(Self.bin)/initdb -D '\(folder)/data' -U postgres -A trust -E UTF8 --locale=C > '\(folder)/initdb.log'")
        try run("\(Self.bin)/pg_ctl -D '\(folder)/data' -l '\(folder)/server.log' -w -t 60 -o \"-p \(port) -k '\(folder)' "
            + "-c listen_addresses=''\" start > /dev/null")
        version = (try? psql(url(), "SHOW server_version").first) ?? "?"
    }

    func url(_ name: String = "postgres") -> String { "postgresql:///\(name)?host=\(folder)&port=\(port)&user=postgres" }

    func makeDatabase(_ name: String) throws -> String {
        try psql(url(), "CREATE DATABASE \(name)")
        return url(name)
    }

    @discardableResult
    func psql(_ url: String, _ sql: String) throws -> [String] {
        let out = folder + "/psql.out"
        let quoted = "'" + sql.replacingOccurrences(of: "'", with: "'\\''") + "'"
        guard system("psql -X -q -A -t -v ON_ERROR_STOP=1 -d '\(url)' -c \(quoted) > '\(out)' 2>&1") == 0 else {
            throw Failure("psql: \(sql): \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
        }
        return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func stop() {
        _ = try? run("\(Self.bin)/pg_ctl -D '\(folder)/data' -m immediate stop > /dev/null")
    }

    private func run(_ command: String) throws {
        let line = getuid() == 0 ? "runuser -u postgres -- sh -c \"" + command.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : command
        guard system(line) == 0 else { throw Failure("failed: \(command)") }
    }
}
