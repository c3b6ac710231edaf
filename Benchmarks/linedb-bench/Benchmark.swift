import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// The whole run: the phases live in `Benchmark+*.swift`, in the order `main.swift` calls them.
///
/// Everything runs in this one process (except the opens, which run in a fresh child process so that their time
/// and peak RSS are not disturbed by this process's heap), LineDB and SQLite one after the other on the same
/// records, the same disk and the same machine state.
final class Benchmark {
    let options: BenchOptions
    let report = Report()
    /// The run's directory; everything is created inside and removed at the end (unless `--keep`).
    let root: String
    /// The records of the bulk load, generated once and given to both engines.
    var records: [Record] = []
    /// The next unused record number (single inserts take fresh ones, so emails stay unique).
    var nextRecord = 0

    /// The LineDB database with the whole table, made by the last bulk-load repeat.
    var bigLineDB: String { root + "/linedb-big" }
    /// The SQLite database with the whole table (DELETE journal, as SQLite creates it).
    var bigSQLite: String { root + "/sqlite-big.db" }

    /// The big LineDB database while a phase keeps it open.
    var openDB: Database?

    /// Single durable insert figures, for the summary and the targets.
    var lineDBSingle = Samples()
    var sqliteSingle: [String: Samples] = [:]
    var lineDBSaveOneInsert = Samples()

    init(options: BenchOptions) throws {
        self.options = options
        let base = options.directory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        root = base + "/linedb-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    var n: Int { options.records }

    /// Prints the machine and the settings.
    func printHeader() {
        report.section("Setup")
        var uts = utsname()
        uname(&uts)
        let kernel = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        report.line("records: \(grouped(Double(n)))\(options.records == 100_000 ? " (quick)" : ""), repeats: "
            + "\(options.bigRepeats) for whole-table work, \(options.smallRepeats) for small work")
        report.line("cpus: \(ProcessInfo.processInfo.activeProcessorCount), kernel \(kernel), "
            + "SQLite \(sqliteVersion()), directory \(root) (\(fileSystemName(root)))")
        report.line("load average at start: \(loadAverage()) (the machine is shared; fsync times drift with it)")
        if fileSystemName(root).hasPrefix("tmpfs") {
            report.line("WARNING: \(root) is on tmpfs: fsync is free there, so every durable figure is meaningless.")
        }
    }

    func cleanUp() {
        if options.keep {
            print("\nkept \(root)")
        } else {
            removeTree(root)
        }
    }

    // MARK: - Helpers

    /// The 1, 5 and 15 minute load averages.
    func loadAverage() -> String {
        var loads = [Double](repeating: 0, count: 3)
        guard getloadavg(&loads, 3) == 3 else { return "?" }
        return loads.map { fixed($0, 2) }.joined(separator: " ")
    }

    func fileSize(_ path: String) -> Int {
        var s = stat()
        return stat(path, &s) == 0 ? Int(s.st_size) : 0
    }

    /// Total size of the regular files under `path`.
    func treeSize(_ path: String) -> Int {
        guard let e = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let name = e.nextObject() as? String { total += fileSize(path + "/" + name) }
        return total
    }

    func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    func removeSQLite(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Bytes as MB (10^6, as in MB/s).
    func mb(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, 1) + " MB" }

    func rate(_ count: Int, _ seconds: Double) -> String { grouped(Double(count) / seconds) + "/s" }

    func mbps(_ bytes: Int, _ seconds: Double) -> String { fixed(Double(bytes) / 1e6 / seconds, 1) + " MB/s" }

    /// `ops/s, median, p99, max` of per-operation latencies; `wall` is the time of the whole loop.
    func latencyLine(_ label: String, _ s: Samples, wall: Double? = nil) -> String {
        let opsPerSecond = Double(s.count) / (wall ?? s.total)
        return "\(pad(label, 34)) \(right(grouped(opsPerSecond), 9)) ops/s   median \(right(duration(s.median), 9))"
            + "   p99 \(right(duration(s.p99), 9))   max \(right(duration(s.max), 9))   (n=\(s.count))"
    }

    func sqliteVersion() -> String {
        (try? SQLiteDB(path: ":memory:").scalar("select sqlite_version()")).flatMap { $0 } ?? "?"
    }

    /// `ext4`, `tmpfs`, ... for the file system holding `path` (from /proc/self/mounts, longest matching prefix).
    func fileSystemName(_ path: String) -> String {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return "?" }
        var best = ("", "?")
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? path
        for line in mounts.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 3 else { continue }
            let point = String(f[1])
            let under = real == point || real.hasPrefix(point == "/" ? "/" : point + "/")
            if under && point.count > best.0.count { best = (point, "\(f[2]) on \(f[0])") }
        }
        return best.1
    }
}
