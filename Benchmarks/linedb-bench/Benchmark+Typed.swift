import Foundation
import LineDB

#if canImport(Glibc)
    import Glibc
#endif

/// The benchmark's student as a typed record (issue 5): the same table as `Students.schema()`.
struct TypedStudent: TableRecord {
    var id: Int?
    var name: String
    var email: String
    var gpa: Double
    var active: Bool
    var enrolled: Date

    static var tableName: String { Students.table }
    static let columnOptions: [ColumnOption] = [.primaryKey("id"), .unique("email")]
}

/// Wall-clock and CPU seconds (user + system, all threads) of `body`. The machine is shared (load averages of
/// 5-10 on 2 cores are common), so wall times of the same work vary by 2×; CPU time is what the work itself costs.
private func timedCPU<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
    func cpu() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    let c0 = cpu()
    let (result, wall) = try timed(body)
    return (result, wall, cpu() - c0)
}

/// Typed API vs dynamic API on the same 1M-record workload (issue 5: at most 1.5× the dynamic cost), and the
/// memory of streaming 1M records.
extension Benchmark {
    func typedVsDynamic() throws {
        report.section(
            "Typed API (Codable TableRecord) vs dynamic API (Record = ordered [String: JSONValue]), "
                + "\(grouped(Double(n))) records")
        report.line("Same table, same records, same options (sync .full, auto-checkpoint off so that neither side")
        report.line("pays a checkpoint inside the call). Typed values are encoded to and decoded from the engine's")
        report.line("rows by LineDB's own Encoder/Decoder; the dynamic side's records are built before the clock")
        report.line("starts, the typed side's conversion is inside it. Each pair runs back to back, alternating")
        report.line("which goes first; wall time and CPU time (all threads) are both medians.")
        if records.count != n { generateRecords() }
        let scratch = try Database.inMemory().register(TypedStudent.self)
        let (typed, tg) = try timed { try records.map { try scratch.decode($0) } }
        report.line("made \(grouped(Double(n))) TypedStudent values from the same records in \(duration(tg))")
        var dbOptions = DatabaseOptions()
        dbOptions.autoCheckpointBytes = nil
        let repeats = max(options.bigRepeats, 5)

        // Insert, fresh database each time.
        var m = TypedMeasurements()
        let dynDir = root + "/typed-dynamic"
        let typDir = root + "/typed-typed"
        var dynDB: Database?
        var typDB: Database?
        for rep in 1...repeats {
            try dynDB?.close()
            try typDB?.close()
            removeTree(dynDir)
            removeTree(typDir)
            let d = try Database(path: dynDir, options: dbOptions)
            try d.createTable(try Students.schema())
            let t = try Database(path: typDir, options: dbOptions)
            let students = try t.register(TypedStudent.self)
            var pair = Pair()
            try pair.run(typedFirst: rep % 2 == 0) {
                _ = try d.insert(Students.table, records: records)
            } typed: {
                let keys = try students.insert(contentsOf: typed)
                guard keys.count == n, keys.last == .int(n) else {
                    throw BenchError("typed insert: \(keys.count) keys")
                }
            }
            m.add("insert", pair)
            report.line("#\(rep) insert(records:) \(pair.dynamicText)   insert(contentsOf:) \(pair.typedText)")
            dynDB = d
            typDB = t
        }
        guard let d = dynDB, let t = typDB else { return }
        try d.save()
        try t.save()
        let same = FileManager.default.contentsEqual(
            atPath: dynDir + "/data/student.records", andPath: typDir + "/data/student.records")
        report.line("records files written by the two APIs are byte-identical: \(same ? "yes" : "NO")")

        // Fetch all.
        let students = try t.register(TypedStudent.self)
        for rep in 1...repeats {
            var pair = Pair()
            try pair.run(typedFirst: rep % 2 == 0) {
                guard try d.select(Students.table).count == n else { throw BenchError("select() count") }
            } typed: {
                guard try students.all().count == n else { throw BenchError("all() count") }
            }
            m.add("all", pair)
            report.line("#\(rep) select() \(pair.dynamicText)   all() \(pair.typedText)")
        }

        // Fetch by key.
        let lookups = options.lookups
        let keys = (0..<lookups).map { i in 1 + (i &* 7_919 &+ 13) % n }
        for rep in 1...repeats {
            var pair = Pair(per: lookups)
            var found = 0
            try pair.run(typedFirst: rep % 2 == 0) {
                for k in keys where try d.get(Students.table, key: .int(k)) != nil { found += 1 }
            } typed: {
                for k in keys where try students.get(k) != nil { found += 1 }
            }
            guard found == 2 * lookups else { throw BenchError("lookups found \(found) of \(2 * lookups)") }
            m.add("get", pair)
            report.line(
                "#\(rep) get(key:) \(pair.dynamicText)/op   typed get \(pair.typedText)/op   "
                    + "(\(grouped(Double(lookups))) random keys)")
        }
        try d.close()
        try t.close()

        for (key, label) in [
            ("insert", "insert \(grouped(Double(n))), one transaction"), ("all", "fetch all \(grouped(Double(n)))"),
            ("get", "fetch by key (per op)"),
        ] {
            let (dw, tw, dc, tc) = m.medians(key)
            report.line(
                "median \(label): wall dynamic \(duration(dw)), typed \(duration(tw)) (\(ratio(tw, dw))); "
                    + "CPU dynamic \(duration(dc)), typed \(duration(tc)) (\(ratio(tc, dc)))")
            report.add(
                SummaryRow(
                    measurement: "typed \(label), CPU (wall)", lineDB: "\(duration(tc)) (\(duration(tw))) typed",
                    sqlite: "\(duration(dc)) (\(duration(dw))) dynamic",
                    ratio: "\(ratio(tc, dc)) (\(ratio(tw, dw))) vs dynamic", target: "≤ 1.5× dynamic CPU",
                    met: tc <= 1.5 * dc))
        }

        try streamingMemory(typDir)
        if !options.keep {
            removeTree(dynDir)
            removeTree(typDir)
        }
    }

    /// Streams the saved 1M-record table in a fresh child process and reports its RSS.
    func streamingMemory(_ path: String) throws {
        report.section("Streaming \(grouped(Double(n))) records in constant memory (fresh child process, RSS = VmRSS)")
        let (status, text) = try Benchmark.runChild(["--typed-stream-child", path])
        guard status == 0 else { throw BenchError("the streaming child failed: \(text)") }
        for line in text.split(separator: "\n") { report.line(String(line)) }
        for line in text.split(separator: "\n") where line.hasPrefix("file stream") {
            let growth = line.split(separator: "+").last.flatMap { Double($0.split(separator: " ")[0]) } ?? .nan
            report.add(
                SummaryRow(
                    measurement: "typed stream of \(grouped(Double(n))) from the file: RSS growth",
                    lineDB: "+\(fixed(growth, 1)) MiB", sqlite: "", ratio: "", target: "flat (< 16 MiB)",
                    met: growth < 16))
        }
    }

    /// The child side (`--typed-stream-child PATH`): stream the table from its file (typed), then open the
    /// database and stream it from memory, sampling RSS every 50,000 records.
    static func runTypedStreamChild(_ path: String) -> Never {
        do {
            func streamed<E>(_ stream: inout RecordStream<E>) throws -> (
                count: Int, seconds: Double, start: Double, peak: Double
            ) {
                let start = currentRSSMiB()
                var peak = start
                var count = 0
                let (_, t) = try timed {
                    while try stream.next() != nil {
                        count += 1
                        if count % 50_000 == 0 { peak = max(peak, currentRSSMiB()) }
                    }
                }
                return (count, t, start, max(peak, currentRSSMiB()))
            }
            let reader = try RecordsFileReader(databasePath: path, for: TypedStudent.self)
            var fileStream = try reader.stream(TypedStudent.self, where: { $0.gpa >= 0 })
            let f = try streamed(&fileStream)
            print(
                "file stream (RecordsFileReader, typed, filtered): \(grouped(Double(f.count))) records in "
                    + "\(duration(f.seconds)); RSS \(fixed(f.start, 1)) MiB at start, peak \(fixed(f.peak, 1)) MiB: "
                    + "+\(fixed(f.peak - f.start, 1)) MiB")
            let db = try Database(path: path, options: DatabaseOptions(syncMode: .full, readOnly: true))
            let students = try db.register(TypedStudent.self)
            var memoryStream = try students.stream()
            let m = try streamed(&memoryStream)
            print(
                "table stream (RecordTable.stream, database open): \(grouped(Double(m.count))) records in "
                    + "\(duration(m.seconds)); RSS \(fixed(m.start, 1)) MiB with the table loaded, peak "
                    + "\(fixed(m.peak, 1)) MiB: +\(fixed(m.peak - m.start, 1)) MiB")
            exit(0)
        } catch {
            printError("streaming child: \(error)")
            exit(1)
        }
    }
}

/// One dynamic and one typed run of the same work, timed in wall and CPU seconds (divided by `per`).
private struct Pair {
    var per = 1
    var dynamicWall = 0.0, typedWall = 0.0, dynamicCPU = 0.0, typedCPU = 0.0

    mutating func run(typedFirst: Bool, dynamic: () throws -> Void, typed: () throws -> Void) throws {
        func one(_ body: () throws -> Void) throws -> (Double, Double) {
            let (_, wall, cpu) = try timedCPU(body)
            return (wall / Double(per), cpu / Double(per))
        }
        if typedFirst {
            (typedWall, typedCPU) = try one(typed)
            (dynamicWall, dynamicCPU) = try one(dynamic)
        } else {
            (dynamicWall, dynamicCPU) = try one(dynamic)
            (typedWall, typedCPU) = try one(typed)
        }
    }

    var dynamicText: String { "\(right(duration(dynamicWall), 9)) (CPU \(right(duration(dynamicCPU), 9)))" }
    var typedText: String {
        "\(right(duration(typedWall), 9)) (CPU \(right(duration(typedCPU), 9)))   "
            + "ratio \(ratio(typedWall, dynamicWall))"
            + " (CPU \(ratio(typedCPU, dynamicCPU)))"
    }
}

/// The pairs of each measurement.
private struct TypedMeasurements {
    private var pairs: [String: [Pair]] = [:]
    mutating func add(_ key: String, _ pair: Pair) { pairs[key, default: []].append(pair) }

    /// Median wall dynamic, wall typed, CPU dynamic, CPU typed.
    func medians(_ key: String) -> (Double, Double, Double, Double) {
        let list = pairs[key] ?? []
        func median(_ f: (Pair) -> Double) -> Double {
            var s = Samples()
            for p in list { s.add(f(p)) }
            return s.median
        }
        return (median(\.dynamicWall), median(\.typedWall), median(\.dynamicCPU), median(\.typedCPU))
    }
}
