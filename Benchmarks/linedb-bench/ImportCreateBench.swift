import Foundation
import LineDB

#if canImport(Glibc)
import Glibc
#endif

/// `linedb-bench --import-create`: a CSV file straight into a new table (`linedb import DB T FILE --create`,
/// issue 13) against the `sqlite3` shell's `.import --csv` of the same file, each in a fresh process, in one run.
///
/// Two files, written here from fixed seeds (the same bytes every run):
/// - a flights.csv-like file: nycflights13's 19 columns and 336,776 rows, with `NA` for missing values (about 2.5%
///   of the delays and times, as in the real file), imported with `--null NA`;
/// - the benchmark's student records as CSV (`--records`, 1,000,000 by default): name, email, gpa, active,
///   enrolled.
///
/// LineDB's side runs this binary again (`--import-create-child`), which applies the `linedb` command's malloc
/// setting, opens the database, calls ``Database/importNewTable(_:from:format:options:)`` (what the command
/// line's `import --create` calls) and closes it: types inferred from all the values, every record in the WAL, durable, and the records file saved
/// by the auto-checkpoint the load passes. SQLite's side is `sqlite3 NEW.db ".import --csv FILE T"` (every
/// column TEXT, one transaction). Both are timed from process start to exit.
extension Benchmark {
    func importCreate() throws {
        report.section("import --create of a CSV file vs the sqlite3 shell's .import (fresh process each)")
        let sqlite3 = Benchmark.findOnPath("sqlite3")
        if sqlite3 == nil { report.line("sqlite3 is not on PATH: LineDB's figures only") }
        let flights = root + "/flights.csv"
        let students = root + "/students.csv"
        let (_, tf) = try timed { try ImportCreateFiles.writeFlights(to: flights, rows: 336_776) }
        report.line("wrote \(flights): \(mb(fileSize(flights))) in \(duration(tf))")
        let (_, ts) = try timed { try ImportCreateFiles.writeStudents(to: students, rows: n) }
        report.line("wrote \(students): \(mb(fileSize(students))) in \(duration(ts))")
        for (label, file, table, nulls) in [
            ("flights.csv-like, 336,776 x 19 with NA", flights, "flights", ["NA"]),
            ("students CSV, \(grouped(Double(n))) x 5", students, "student", [String]()),
        ] {
            var lineDB = Samples()
            var sqlite = Samples()
            for rep in 1...options.bigRepeats {
                let dir = root + "/import-create"
                removeTree(dir)
                let (result, t) = try timed {
                    try Benchmark.runChild(["--import-create-child", dir, table, file] + nulls.flatMap { ["--null", $0] })
                }
                guard result.status == 0 else {
                    throw BenchError("import --create of \(file) failed (status \(result.status)): \(result.output)")
                }
                lineDB.add(t)
                report.line("#\(rep) LineDB  import --create \(right(duration(t), 9))  \(result.output.trimmed)"
                    + "  (directory \(mb(treeSize(dir))))")
                removeTree(dir)
                if let sqlite3 {
                    let path = root + "/import-create.db"
                    removeSQLite(path)
                    let (status, tq) = try timed { try Benchmark.run(sqlite3, [path, ".import --csv \(file) \(table)"]) }
                    guard status == 0 else { throw BenchError("sqlite3 .import of \(file) failed (status \(status))") }
                    sqlite.add(tq)
                    report.line("#\(rep) sqlite3 .import --csv   \(right(duration(tq), 9))  (database file \(mb(fileSize(path))))")
                    removeSQLite(path)
                }
            }
            let ratio = sqlite.count > 0 ? lineDB.median / sqlite.median : .nan
            report.line("median: LineDB \(duration(lineDB.median))"
                + (sqlite.count > 0 ? ", sqlite3 \(duration(sqlite.median)), ratio \(fixed(ratio, 2))" : ""))
            report.add(SummaryRow(
                measurement: "import --create, \(label)", lineDB: duration(lineDB.median),
                sqlite: sqlite.count > 0 ? duration(sqlite.median) : "-",
                ratio: sqlite.count > 0 ? fixed(ratio, 2) : "-", target: "<= 1.00 (sqlite3 .import)",
                met: sqlite.count > 0 ? ratio <= 1.0 : nil))
        }
    }

    /// `--import-create-child DB TABLE FILE [--null TEXT ...]`: one `import --create` in this fresh process; prints
    /// the record count and the column types, exits.
    static func runImportCreateChild(_ arguments: [String]) -> Never {
        guard arguments.count >= 3 else { Benchmark.childFail("--import-create-child needs DB TABLE FILE") }
        var nulls: [String] = []
        var i = 3
        while i + 1 < arguments.count, arguments[i] == "--null" {
            nulls.append(arguments[i + 1])
            i += 2
        }
        MallocTuning.apply()  // as the linedb command does first thing
        do {
            let db = try Database(path: arguments[0])
            let made = try db.importNewTable(arguments[1], from: arguments[2], options: .init(nullTexts: nulls))
            try db.close()
            let types = made.schema.columns.map(\.type.rawValue)
            let counts = Dictionary(types.map { ($0, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
            print("\(made.recordCount) records; columns " + counts.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            exit(0)
        } catch {
            Benchmark.childFail("\(error)")
        }
    }

    static func childFail(_ message: String) -> Never {
        printError("linedb-bench: \(message)")
        exit(1)
    }

    /// The full path of a program on `PATH`, if there is one.
    static func findOnPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 { return "\(dir)/\(name)" }
        return nil
    }

    /// Runs a program to its end, its output discarded; returns its exit status.
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}

/// The benchmark's CSV files, deterministic.
enum ImportCreateFiles {
    /// nycflights13's flights table in shape: year, month, day, dep_time, sched_dep_time, dep_delay, arr_time,
    /// sched_arr_time, arr_delay, carrier, flight, tailnum, origin, dest, air_time, distance, hour, minute,
    /// time_hour; `NA` for a cancelled flight's times and delays (2.5%), for some arrival delays and tail numbers.
    static func writeFlights(to path: String, rows: Int) throws {
        let carriers = ["UA", "AA", "B6", "DL", "EV", "MQ", "US", "WN", "VX", "FL", "AS", "9E", "F9", "HA", "YV", "OO"]
        let origins = ["EWR", "LGA", "JFK"]
        let dests = ["ATL", "ORD", "LAX", "BOS", "MCO", "SFO", "CLT", "MIA", "FLL", "DCA", "IAH", "DFW", "DEN"]
        var random = SplitMix64(seed: 13)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out: [UInt8] = []
        out.reserveCapacity(rows * 100)
        out += Array(("year,month,day,dep_time,sched_dep_time,dep_delay,arr_time,sched_arr_time,arr_delay,carrier,"
            + "flight,tailnum,origin,dest,air_time,distance,hour,minute,time_hour\n").utf8)
        for i in 0..<rows {
            let month = 1 + i * 12 / rows
            let day = 1 + pick(28)
            let cancelled = pick(1000) < 25
            let sched = 500 + pick(1859)
            let hour = sched / 100, minute = sched % 100
            let schedArr = 1 + pick(2358)
            func na(_ value: Int) -> String { cancelled ? "NA" : String(value) }
            let arrDelay = cancelled || pick(1000) < 3 ? "NA" : String(pick(360) - 60)
            let tail = pick(1000) < 7 ? "NA" : "N\(100 + pick(900))\(["UA", "AA", "JB", "DL"][pick(4)])"
            let fields = [
                "2013", String(month), String(day), na(1 + pick(2358)), String(sched), na(pick(320) - 20),
                na(1 + pick(2358)), String(schedArr), arrDelay, carriers[pick(carriers.count)], String(1 + pick(6000)),
                tail, origins[pick(3)], dests[pick(dests.count)], na(20 + pick(600)), String(80 + pick(4900)),
                String(hour), String(minute), "2013-\(two(month))-\(two(day)) \(two(hour)):00:00",
            ]
            out += Array(fields.joined(separator: ",").utf8)
            out.append(0x0A)
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }

    /// The benchmark's student records (``Students/record(_:)``) as CSV, as LineDB exports them.
    static func writeStudents(to path: String, rows: Int) throws {
        var out: [UInt8] = []
        out.reserveCapacity(rows * 80)
        out += Array("name,email,gpa,active,enrolled\n".utf8)
        for i in 0..<rows {
            let r = Students.record(i)
            for (k, key) in ["name", "email", "gpa", "active", "enrolled"].enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                let value = r[key] ?? .null
                CSVCodec.appendValue(value, type: key == "gpa" ? .float : key == "active" ? .bool : .str, to: &out)
            }
            out.append(0x0A)
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
