import Foundation
import LineDB

/// Opening a big table from its snapshot (`snapshot/student.snapshot`) and from its records file alone, each in a
/// fresh child process (time and peak RSS), at `--records` N (issue 16, section 4). `--snapshot` runs only this.
extension Benchmark {
    /// Set in an open child's environment: open with `DatabaseOptions.snapshots = false` (the text alone).
    static let noSnapshotVariable = "LINEDB_BENCH_NO_SNAPSHOT"

    /// The options an open child uses.
    static func openChildOptions() -> DatabaseOptions {
        var o = DatabaseOptions()
        if ProcessInfo.processInfo.environment[noSnapshotVariable] == "1" { o.snapshots = false }
        return o
    }

    func snapshotOpen() throws {
        let dir = root + "/linedb-snapshot-\(n)"
        report.section("Open from the snapshot and from the text, \(grouped(Double(n))) records, each in a fresh process")
        let (_, tb) = try timed { try makeSnapshotDatabase(dir) }
        let records = fileSize(dir + "/data/student.records")
        let snapshot = fileSize(dir + "/snapshot/student.snapshot")
        report.line("database made in \(duration(tb)): records file \(mb(records)), snapshot \(mb(snapshot))")

        // Writing the snapshot: a checkpoint of the unchanged table after removing it (what a checkpoint adds).
        var write = Samples()
        for _ in 0..<max(1, options.bigRepeats) {
            try FileManager.default.removeItem(atPath: dir + "/snapshot/student.snapshot")
            let db = try Database(path: dir)
            let (_, t) = try timed { try db.checkpoint() }
            try db.close()
            write.add(t)
        }
        report.line("checkpoint that writes the snapshot (nothing else to save): median \(duration(write.median))")

        var with = Samples()
        var without = Samples()
        var cpuWith = Samples()
        var cpuWithout = Samples()
        var rssWith = 0.0
        var rssWithout = 0.0
        for rep in 1...max(options.bigRepeats, 5) {
            let c0 = childrenCPUSeconds()
            let a = try openInChild(dir)
            let c1 = childrenCPUSeconds()
            let (status, text) = try Benchmark.runChild(
                ["--open-child", dir], environment: [Benchmark.noSnapshotVariable: "1"])
            let c2 = childrenCPUSeconds()
            cpuWith.add(c1 - c0)
            cpuWithout.add(c2 - c1)
            let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard status == 0, f.count >= 5, let t = Double(f[1]), let rss = Double(f[3]) else {
                throw BenchError("the open child without the snapshot failed: \(text)")
            }
            guard a.records == n, Int(f[2]) == n else { throw BenchError("an open child counted other records: \(text)") }
            guard a.warnings == 0 else { throw BenchError("the open with the snapshot warned (snapshot not used?)") }
            with.add(a.seconds)
            without.add(t)
            rssWith = max(rssWith, a.peakRSSMiB)
            rssWithout = max(rssWithout, rss)
            report.line("#\(rep) open with the snapshot \(right(duration(a.seconds), 9)) (child CPU \(duration(c1 - c0)), "
                + "peak RSS \(fixed(a.peakRSSMiB, 0)) MiB), from the text \(right(duration(t), 9)) (child CPU "
                + "\(duration(c2 - c1)), peak RSS \(fixed(rss, 0)) MiB)")
        }
        report.line("median open with the snapshot \(duration(with.median)), from the text \(duration(without.median)) "
            + "(ratio \(ratio(with.median, without.median))); peak RSS \(fixed(rssWith, 0)) / \(fixed(rssWithout, 0)) MiB "
            + "(\(fixed(rssWith * 1_048_576 / Double(n), 0)) bytes/record)")
        report.line("median CPU time of the whole child process (start, open, count, close, exit): with the snapshot "
            + "\(duration(cpuWith.median)), from the text \(duration(cpuWithout.median)) "
            + "(ratio \(ratio(cpuWith.median, cpuWithout.median)); on a loaded machine the wall times above wait for a core)")
        let target1 = n <= 1_000_000 ? 0.15 : 2.0
        report.add(SummaryRow(
            measurement: "open \(grouped(Double(n))) with the snapshot",
            lineDB: "\(duration(with.median)) (CPU \(duration(cpuWith.median)))", sqlite: "",
            ratio: "", target: "≤ \(duration(target1))", met: with.median <= target1))
        report.add(SummaryRow(
            measurement: "open \(grouped(Double(n))) from the text",
            lineDB: "\(duration(without.median)) (CPU \(duration(cpuWithout.median)))", sqlite: "",
            ratio: "", target: n <= 1_000_000 ? "≤ 0.5 s" : "", met: n <= 1_000_000 ? without.median <= 0.5 : nil))
        let memoryTarget = n <= 1_000_000 ? 200.0 : 2048.0
        report.add(SummaryRow(
            measurement: "peak RSS after open of \(grouped(Double(n))) (snapshot / text)",
            lineDB: "\(fixed(rssWith, 0)) / \(fixed(rssWithout, 0)) MiB", sqlite: "", ratio: "",
            target: "≤ \(fixed(memoryTarget, 0)) MiB", met: max(rssWith, rssWithout) <= memoryTarget))
        if !options.keep { removeTree(dir) }
    }

    /// `--records` students written straight into `data/student.records` (as a save writes them), then a
    /// checkpoint, which writes the snapshot. Reused when it is there with `--keep`.
    private func makeSnapshotDatabase(_ dir: String) throws {
        if options.keep, FileManager.default.fileExists(atPath: dir + "/snapshot/student.snapshot") { return }
        removeTree(dir)
        let schema = try Students.schema()
        let db = try Database(path: dir)
        try db.createTable(schema)
        try db.checkpoint()
        try db.close()
        let out = FileHandle(forWritingAtPath: dir + "/data/student.records")
            ?? { FileManager.default.createFile(atPath: dir + "/data/student.records", contents: nil)
                 return FileHandle(forWritingAtPath: dir + "/data/student.records")! }()
        var i = 0
        while i < n {
            let end = min(n, i + 200_000)
            let rows = (i..<end).map { k -> Row in
                let r = Students.record(k)
                return Row(values: [.int(k + 1), r["name"]!, r["email"]!, r["gpa"]!, r["active"]!, r["enrolled"]!])
            }
            for chunk in schema.encodeLines(rows) { out.write(Data(chunk)) }
            i = end
        }
        try out.synchronize()
        try out.close()
        let writer = try Database(path: dir)
        try writer.checkpoint()
        try writer.close()
    }
}
