#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Command-line options: `--records N`, `--quick`, `--dir PATH`, `--keep`.
struct BenchOptions {
    /// Records in the big table (the 1,000,000).
    var records = 1_000_000
    /// Repeats of the measurements over the whole big table (bulk insert, open, save after update).
    var bigRepeats = 3
    /// Repeats of the cheap measurements (save after one insert, checkpoint, open of SQLite).
    var smallRepeats = 10
    /// Single durable inserts, one call each.
    var singleInserts = 10_000
    /// Point lookups of each kind.
    var lookups = 100_000
    /// Inserts per group-commit configuration.
    var groupInserts = 4_000
    /// Entries in the WAL of the recovery measurement (`nil`: as many as `records`).
    var recoveryEntries: Int? = nil
    /// Where the databases go (a real disk, not tmpfs).
    var directory: String? = nil
    /// Keep the databases after the run.
    var keep = false
    /// `--open-child PATH`: internal; time one open of PATH in this (fresh) process and print it.
    var openChild: String? = nil
    /// `--profile-inserts PATH`: internal; `singleInserts` single inserts into PATH, for a profiler.
    var profileInserts: String? = nil
    /// `--profile-bulk PATH`: internal; create PATH and bulk-insert `records` records, for a profiler.
    var profileBulk: String? = nil
    /// With `--profile-bulk`: no auto-checkpoint, transactions of 10,000 and no save, so every record stays in the
    /// WAL (the database the recovery measurement opens).
    var walOnly = false
    /// `--profile-checkpoint PATH`: internal; rounds of insert + save, update + save, insert + checkpoint.
    var profileCheckpoint: String? = nil
    /// `--profile-filter PATH`: internal; the browser's filters over PATH's student table, for a profiler.
    var profileFilter: String? = nil
    /// `--browser`: only the terminal browser on the big table (issue 3), in a child process.
    var browser = false
    /// `--snapshot`: only the open from a table's snapshot and from its text, time and peak RSS (issue 16).
    var snapshot = false
    /// `--sheets`: only the browser's frequency and describe sheets on the big table (issue 13).
    var sheets = false
    /// `--edit-keys`: only the browser's editing keys on the big table (issue 14: Delete, u, y, P, Y, A, Ctrl-N).
    var editKeys = false
    /// `--view`: only the browser's view keys on the big table (issue 14: record view, columns, sort, go to).
    var view = false
    /// `--palette`: only the browser's command palette, WAL pane cursor and mouse on the big table (issue 14).
    var palette = false
    /// `--selection`: only the browser's row selection and bulk edits on the big table (issue 14; also in --browser).
    var selection = false
    /// `--layout`: the panes, messages and help keys of issue 14 section A on a big table built in memory.
    var layout = false
    /// `--as-of-view DIR`: only the browser's as-of view stepping on DIR (Benchmark+AsOfView.swift).
    var asOfView: String? = nil
    /// `--browser-child PATH SPAWN`: internal; the browser over scripted keys on PATH, launched at SPAWN (ns).
    var browserChild: (path: String, spawnedAt: UInt64)? = nil
    /// `--type-ahead`: only keys typed at 30/s during a sort, a filter and a search (issue 17), in a child process.
    var typeAhead = false
    /// `--saves`: only the saves on the big table (issue 16): after one update, one delete and 1% updates in place,
    /// against the full rewrite (Benchmark+Save.swift).
    var saves = false
    /// `--history-view`: the browser's history view (`r`) on a small and a 10-archive history (Benchmark+HistoryView).
    var historyView = false
    /// `--type-ahead-child PATH`: internal; the browser over keys typed at 30/s on PATH.
    var typeAheadChild: String? = nil
    /// `--typed`: only the typed API against the dynamic one (issue 5), and the streaming memory.
    var typed = false
    /// `--typed-stream-child PATH`: internal; stream PATH's student table in this fresh process, print RSS.
    var typedStreamChild: String? = nil
    /// `--import-create`: only `import --create` of two CSV files against the sqlite3 shell's `.import` (issue 13).
    var importCreate = false
    /// `--import-create-child DB TABLE FILE [--null TEXT]...`: internal; one `import --create` in this fresh process.
    var importCreateChild: [String]? = nil
    /// `--sql`: only SQL through LineDB's virtual tables vs native SQLite (issue 13); `--quick` for 100,000 rows.
    var sql = false
    /// `--sql-rss-child DIR`: internal; open DIR, run full scans through SQL, print the RSS figures.
    var sqlRSSChild: String? = nil
    /// `--profile-sql DIR SIDE`: internal; the `--sql` queries once on SIDE (`linedb` or `sqlite`), for callgrind.
    var profileSQL: (dir: String, side: String)? = nil
    /// `--history`: time travel on N records and N WAL entries in 10 archives (issue 15).
    var history = false
    /// `--two-writers`: only two writer processes on two tables against one (issue 16 §3; `--inserts N` per process).
    var twoWriters = false
    /// `--two-writers-child ENGINE PATH TABLE N START_NS`: internal; one writer of the `--two-writers` measurement.
    var twoWritersChild: [String]? = nil
    /// `--history-child PATH LSN`: internal; `state(asOf:)` of PATH in this fresh process, with its RSS.
    var historyChild: (path: String, lsn: Int)? = nil
    /// `--gzip`: a gzipped table against the same table plain (issue 16).
    var gzip = false
    /// `--recovery`: only the open of N unsaved single inserts / updates against reading + CRC-checking the WAL.
    var recovery = false
    /// `--recovery-child PATH`: internal; one open of PATH in this fresh process, with its CPU time.
    var recoveryChild: String? = nil
    /// `--replicate`: `linedb replicate` to a throwaway PostgreSQL vs `psql \copy` (issue 16, Benchmark+Replicate).
    var replicate = false

    static let usage = """
        usage: linedb-bench [--records N] [--quick] [--dir PATH] [--keep]
          --records N  records in the big table (default 1000000)
          --quick      100,000 records and fewer repeats: a smoke run of about a minute
          --dir PATH   where to create the databases (default $TMPDIR or /tmp); must not be tmpfs
          --keep       leave the databases there afterwards
          --browser    only the terminal browser on the big table: first frame, RSS, per-key latency, search,
                       filter, sort (reuses DIR/linedb-browser-N when it is there; kept with --keep)
          --selection  only the browser's selection and bulk edits on the big table: t * ~ U b d, u, Esc (in this
                       process; also part of --browser; the database of --browser, reused the same way)
          --sheets     only the browser's sheets on the big table: F frequency and I describe sheets, Esc back,
                       Esc during one (in this process; the database of --browser, reused the same way)
          --edit-keys  only the browser's editing keys on the big table (Delete, u, y, P, Y, A, Ctrl-N Enter)
          --view       only the browser's view keys (record view, columns, sort, go to) at 80x24 and 200x60
          --palette    only the browser's command palette, WAL pane cursor and mouse clicks: each key to its frame
          --type-ahead only keys typed at 30/s during a sort, a filter and a search: each key's latency, all
                       applied in order (also part of --browser; the database of --browser, reused the same way)
          --layout     only the browser's pane, message and help keys at 80x24, 120x40, 200x60 (in memory)
          --history-view  only the browser's history view (r): r to its first frame on a small WAL and on
                       --records entries over 10 archives (builds its own databases)
          --typed      only the typed API vs the dynamic one (insert, fetch all, fetch by key) and the RSS of
                       streaming the table (also part of the default run)
          --import-create  only `import --create` of a flights.csv-like file (336,776 x 19, NA) and of the
                       students as CSV (--records rows) against the sqlite3 shell's .import of the same files
          --two-writers  only two writer processes on two tables of one database against one writer: durable
                       single inserts per second (--inserts N per process and round, 5 rounds), and SQLite the same
          --history    only time travel (issue 15): N records, N updates in 10 archives; history of one key,
                       state(asOf:) and diff 100,000 entries back, checkpoint (DIR/linedb-history-N kept with --keep)
          --gzip       only gzipped tables (issue 16): records.gz size, open and save after one insert vs plain
          --recovery [--entries N]  only recovery (issue 16): open with N (default --records) unsaved single
                       inserts, and N single updates of N/10 saved records, against the floor (read + CRC the WAL)
          --replicate  only replication to a throwaway PostgreSQL 15: initial copy vs psql \\copy of the same CSV,
                       and a followed insert until PostgreSQL shows it (needs postgresql-15 and linedb built)
          --snapshot   only the open of --records students from the snapshot and from the text alone, each in a
                       fresh process: medians and peak RSS (DIR/linedb-snapshot-N kept with --keep)
          --sql        only SQL: LineDB's virtual tables vs native SQLite on the same rows (point queries, GROUP BY,
                       filter + sort + LIMIT, join) and the RSS a full scan adds (with --quick: 100,000 rows)
          --saves      only the saves of issue 16 on the big table: after one update, one delete and 1% updates
                       (in place), against the full rewrite and SQLite's one-row UPDATE commit in the same run
        profiling (one workload, nothing else; run under perf, valgrind or strace):
          --profile-bulk PATH [--records N] [--wal-only]  create PATH, bulk-insert N records (--wal-only: leave
                                                          them all in the WAL, in transactions of 10,000)
          --profile-inserts PATH [--inserts N]            N single durable inserts into the database at PATH
          --profile-checkpoint PATH                       insert + save, update + save, insert + checkpoint on PATH
          --profile-filter PATH                           the browser's filters (short form, SQL) on PATH's student
          --open-child PATH                               one open of PATH; prints seconds, records, peak RSS MiB
          --profile-sql DIR linedb|sqlite [--records N]   the --sql queries once on one side (makes DIR if absent);
                                                          valgrind --tool=callgrind --toggle-collect='*sqlProfileTarget*'
        """

    static func parse(_ arguments: [String]) -> BenchOptions {
        var o = BenchOptions()
        var explicitRecords: Int? = nil
        var quick = false
        var i = 1
        func value() -> String {
            i += 1
            guard i < arguments.count else { fail("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--records":
                guard let n = Int(value().replacingUnderscores()), n >= 1000 else {
                    fail("--records needs a number ≥ 1000")
                }
                explicitRecords = n
            case "--quick": quick = true
            case "--dir": o.directory = value()
            case "--keep": o.keep = true
            case "--open-child": o.openChild = value()
            case "--profile-inserts": o.profileInserts = value()
            case "--profile-bulk": o.profileBulk = value()
            case "--wal-only": o.walOnly = true
            case "--profile-checkpoint": o.profileCheckpoint = value()
            case "--profile-filter": o.profileFilter = value()
            case "--browser": o.browser = true
            case "--sheets": o.sheets = true
            case "--edit-keys": o.editKeys = true
            case "--view": o.view = true
            case "--palette": o.palette = true
            case "--type-ahead": o.typeAhead = true
            case "--saves": o.saves = true
            case "--history-view": o.historyView = true
            case "--type-ahead-child": o.typeAheadChild = value()
            case "--selection": o.selection = true
            case "--layout": o.layout = true
            case "--as-of-view": o.asOfView = value()
            case "--typed": o.typed = true
            case "--import-create": o.importCreate = true
            case "--import-create-child":
                o.importCreateChild = Array(arguments[(i + 1)...])
                i = arguments.count
                continue
            case "--typed-stream-child": o.typedStreamChild = value()
            case "--sql": o.sql = true
            case "--snapshot": o.snapshot = true
            case "--history": o.history = true
            case "--gzip": o.gzip = true
            case "--recovery": o.recovery = true
            case "--recovery-child": o.recoveryChild = value()
            case "--entries":
                guard let n = Int(value().replacingUnderscores()), n >= 1000 else { fail("--entries needs a number ≥ 1000") }
                o.recoveryEntries = n
            case "--two-writers": o.twoWriters = true
            case "--two-writers-child":
                o.twoWritersChild = Array(arguments[(i + 1)...])
                i = arguments.count
                continue
            case "--replicate": o.replicate = true
            case "--history-child":
                let path = value()
                guard let lsn = Int(value()) else { fail("--history-child needs PATH and an LSN") }
                o.historyChild = (path, lsn)
            case "--sql-rss-child": o.sqlRSSChild = value()
            case "--profile-sql":
                let dir = value()
                o.profileSQL = (dir, value())
            case "--browser-child":
                let path = value()
                guard let spawn = UInt64(value()) else { fail("--browser-child needs PATH and a time in ns") }
                o.browserChild = (path, spawn)
            case "--inserts":
                guard let n = Int(value()), n > 0 else { fail("--inserts needs a positive number") }
                o.singleInserts = n
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument '\(arguments[i])'")
            }
            i += 1
        }
        if quick {
            o.records = 100_000
            o.bigRepeats = 3
            o.smallRepeats = 5
            o.singleInserts = 2_000
            o.lookups = 20_000
            o.groupInserts = 1_000
        }
        if let explicitRecords { o.records = explicitRecords }
        return o
    }

    static func fail(_ message: String) -> Never {
        printError("linedb-bench: \(message)\n\(usage)")
        exit(2)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" && $0 != "," }) }
}
