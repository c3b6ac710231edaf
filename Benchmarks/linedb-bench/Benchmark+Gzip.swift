import Foundation
import LineDB

/// `--gzip`: a table stored as data/student.records.gz against the same table plain (issue 16, "Compressed data
/// files"): file size, open in a fresh process, save after one insert (one gzip member appended), and the rewrite
/// after one update (the whole table into one member).
extension Benchmark {
    func gzipComparison() throws {
        let plainDir = root + "/linedb-gzip-plain"
        let gzipDir = root + "/linedb-gzip-gz"
        report.section("Gzipped table (data/student.records.gz) vs plain, \(grouped(Double(n))) records")
        removeTree(plainDir)
        removeTree(gzipDir)
        do {
            let db = try Database(path: plainDir)
            try db.createTable(try Students.schema())
            var i = 0
            while i < n {
                let k = min(100_000, n - i)
                try db.insert(Students.table, records: Students.records(i..<(i + k)))
                i += k
            }
            try db.checkpoint()
            try db.close()
        }
        try FileManager.default.copyItem(atPath: plainDir, toPath: gzipDir)
        let plainBytes = fileSize(plainDir + "/data/student.records")
        let (_, tc) = try timed { () throws in
            let db = try Database(path: gzipDir)
            try db.compressTables([Students.table])
            try db.checkpoint()
            try db.close()
        }
        let gzipBytes = fileSize(gzipDir + "/data/student.records.gz")
        let share = Double(gzipBytes) / Double(plainBytes)
        report.line("records file: plain \(mb(plainBytes)), gzipped \(mb(gzipBytes)) = \(fixed(share * 100, 1))% "
            + "(zlib level \(Gzip.level)); `linedb compress` took \(duration(tc))")
        report.add(SummaryRow(
            measurement: "gzipped records file size, \(grouped(Double(n))) records",
            lineDB: "\(mb(gzipBytes)) (\(fixed(share * 100, 1))% of \(mb(plainBytes)))", sqlite: "-", ratio: "-",
            target: "≤ 30% of plain", met: share <= 0.30))

        // Opens, alternating, each in a fresh process.
        var plainOpen = Samples()
        var gzipOpen = Samples()
        for rep in 1...max(options.bigRepeats, 5) {
            let p = try openInChild(plainDir)
            let g = try openInChild(gzipDir)
            guard p.records == n, g.records == n else { throw BenchError("open counted \(p.records)/\(g.records)") }
            plainOpen.add(p.seconds)
            gzipOpen.add(g.seconds)
            report.line("#\(rep) open plain \(right(duration(p.seconds), 9)) (peak RSS \(fixed(p.peakRSSMiB, 0)) MiB)"
                + "   gzipped \(right(duration(g.seconds), 9)) (peak RSS \(fixed(g.peakRSSMiB, 0)) MiB)")
        }
        let openRatio = gzipOpen.median / plainOpen.median
        report.line("median open: plain \(duration(plainOpen.median)), gzipped \(duration(gzipOpen.median)) "
            + "= \(ratio(gzipOpen.median, plainOpen.median)) plain")
        report.add(SummaryRow(
            measurement: "open of the gzipped table, \(grouped(Double(n))) records",
            lineDB: "\(duration(gzipOpen.median)) (plain \(duration(plainOpen.median)))", sqlite: "-",
            ratio: ratio(gzipOpen.median, plainOpen.median), target: "≤ 1.5× plain open", met: openRatio <= 1.5))

        // Save after one insert: an appended line vs an appended gzip member.
        var saves: [String: Samples] = [:]
        var next = n
        for (label, dir) in [("plain", plainDir), ("gzipped", gzipDir)] {
            let db = try Database(path: dir)
            var s = Samples()
            for _ in 0..<max(options.smallRepeats, 20) {
                try db.insert(Students.table, Students.record(next))
                next += 1
                let (summary, t) = try timed { try db.save() }
                guard summary.appended[Students.table] == 1 else {
                    throw BenchError("save after one insert (\(label)) did not append: \(summary)")
                }
                s.add(t)
            }
            report.line(latencyLine("save after one insert, \(label)", s))
            saves[label] = s
            if label == "gzipped" {
                // The rewrite after an update: the whole table into one member.
                var r = Samples()
                for rep in 0..<options.bigRepeats {
                    try db.update(Students.table, key: .int(1 + rep * 7919 % n), set: ["gpa": .double(3.5)])
                    let (_, t) = try timed { try db.save() }
                    r.add(t)
                }
                report.line(latencyLine("save after one update, gzipped (rewrite)", r))
            }
            try db.close()
        }
        let g = saves["gzipped"]!, p = saves["plain"]!
        report.add(SummaryRow(
            measurement: "gzipped save after one insert, \(grouped(Double(n))) records",
            lineDB: "\(duration(g.median)) (plain \(duration(p.median)))", sqlite: "-", ratio: ratio(g.median, p.median),
            target: "O(1): < 5 ms", met: g.median < 0.005))
        if !options.keep {
            removeTree(plainDir)
            removeTree(gzipDir)
        }
    }
}
