// linedb-bench: LineDB and SQLite on the same student-like workload, in one process, one run.
//
// A plain executable rather than ordo-one/package-benchmark: the workload is a handful of macro measurements
// (seconds each, over a 100 MB table, with fsync), not micro-benchmarks that need its statistics machinery, and
// the SQLite side has to run in the same process and the same run, on the same records and disk state, so
// that the ratios are fair. That harness would add a plugin, jemalloc and per-benchmark processes for nothing.
//
// Run: swift build -c release --scratch-path .build-bench --product linedb-bench && .build-bench/release/linedb-bench
// See Benchmarks/README.md for what each figure means.

#if canImport(Glibc)
import Glibc
#endif

let options = BenchOptions.parse(CommandLine.arguments)
if let path = options.openChild { Benchmark.runOpenChild(path) }
if let path = options.profileBulk { Benchmark.runProfileBulk(path, count: options.records, walOnly: options.walOnly) }
if let path = options.profileCheckpoint { Benchmark.runProfileCheckpoint(path) }
if let path = options.profileFilter { runProfileFilter(path) }
if let path = options.profileInserts { Benchmark.runProfileInserts(path, count: options.singleInserts) }
if let child = options.browserChild { Benchmark.runBrowserChild(child.path, spawnedAt: child.spawnedAt) }
if let path = options.typedStreamChild { Benchmark.runTypedStreamChild(path) }
if let path = options.typeAheadChild { Benchmark.runTypeAheadChild(path) }
if options.typeAhead { Benchmark.runMode(options) { try $0.typeAhead() } }
if options.historyView { Benchmark.runMode(options) { try $0.historyView() } }
if let arguments = options.importCreateChild { Benchmark.runImportCreateChild(arguments) }
if options.importCreate { Benchmark.runMode(options) { try $0.importCreate() } }
if let dir = options.sqlRSSChild { Benchmark.runSQLMemoryChild(dir) }
if options.sql { Benchmark.runSQLMode(options) }
if options.snapshot { Benchmark.runMode(options) { try $0.snapshotOpen() } }
if let c = options.historyChild { Benchmark.runHistoryChild(c.path, lsn: c.lsn) }
if options.history { Benchmark.runMode(options) { try $0.history() } }
if options.gzip { Benchmark.runMode(options) { try $0.gzipComparison() } }
if let path = options.recoveryChild { Benchmark.runRecoveryChild(path) }
if options.recovery { Benchmark.runMode(options) { try $0.recovery() } }
if let arguments = options.twoWritersChild { Benchmark.runTwoWritersChild(arguments) }
if options.twoWriters { Benchmark.runMode(options) { try $0.twoWriters() } }
if options.replicate { Benchmark.runMode(options) { try $0.replicate() } }
if let p = options.profileSQL { SQLProfile.run(dir: p.dir, side: p.side, items: options.records) }
if options.typed {
    Benchmark.runMode(options) { bench in
        bench.generateRecords()
        try bench.typedVsDynamic()
    }
}
if options.layout { LayoutBench.run(records: options.records) }
if let dir = options.asOfView { AsOfViewBench.runStandalone(dir, records: options.records) }
if options.saves {
    Benchmark.runMode(options) { bench in
        bench.generateRecords()
        try bench.bulkInsert()
        try bench.openDB?.close()  // bulkInsert leaves its last database open (for the single inserts)
        bench.openDB = nil
        try bench.reopenBig()
        try bench.saveAfterOneUpdate()
    }
}
if options.editKeys { Benchmark.runMode(options) { try $0.editKeys() } }
if options.view { Benchmark.runMode(options) { try $0.viewKeys() } }
if options.palette { Benchmark.runMode(options) { try $0.palette() } }
if options.browser || options.sheets || options.selection {
    Benchmark.runMode(options) { bench in
        if options.sheets { try bench.sheets() } else if options.selection { try bench.selection() } else { try bench.browser() }
    }
}

do {
    let bench = try Benchmark(options: options)
    defer { bench.cleanUp() }
    let (_, total) = try timed { () throws in
        bench.printHeader()
        bench.generateRecords()
        try bench.bulkInsert()
        try bench.singleInserts()
        try bench.openBig()
        try bench.reopenBig()
        try bench.saveAfterOneInsert()
        try bench.checkpointAfterOneInsert()
        try bench.saveAfterOneUpdate()
        try bench.lookups()
        try bench.groupCommit()
        try bench.recoveryOfLongWAL()
        try bench.typedVsDynamic()
    }
    bench.report.printSummary()
    print("\nload average at the end: \(bench.loadAverage())")
    print("\npeak RSS of this process: \(fixed(peakRSSMiB(), 0)) MiB (holds the generated records); "
        + "run took \(duration(total))")
} catch {
    printError("linedb-bench: \(error)")
    exit(1)
}
