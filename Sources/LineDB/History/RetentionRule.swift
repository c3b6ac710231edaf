/// Which archives of the history to keep (``Database/compactHistory(_:dryRun:)``,
/// ``DatabaseOptions/historyRetention``).
///
/// Each rule names the oldest moment that must stay reachable; every archive holding an entry after that moment is
/// kept, and the older ones are removed, oldest first. The live WAL is never removed.
///
/// ```swift
/// try db.compactHistory(.keepArchives(10))                       // the newest ten archives
/// try db.compactHistory(.keepSince(.parse("2026-12-01")))         // the database as of Dec 1st stays reachable
/// try db.compactHistory(.keepLSN(120_000))                        // as of lsn 120000 stays reachable
/// try db.compactHistory(.keepFor(seconds: 7 * 86_400))            // a rolling week
/// ```
public enum RetentionRule: Sendable, Hashable, CustomStringConvertible {
    /// Keep the newest `n` archives (0: none; the live WAL always stays).
    case keepArchives(Int)
    /// Keep what is needed to show the database as of this moment (an LSN, or a time: the archive holding the last
    /// entry written before that time is kept too, so that the time itself stays reachable).
    case keepSince(HistoryMoment)
    /// Keep what is needed to show the database as of this LSN: every archive whose last LSN is after it.
    case keepLSN(Int)
    /// Keep the history of the last `seconds`, counted back from the moment the rule is applied (a rolling window,
    /// for ``DatabaseOptions/historyRetention``).
    case keepFor(seconds: Int)

    public var description: String {
        switch self {
        case .keepArchives(let n): return "keep the newest \(n) archive\(n == 1 ? "" : "s")"
        case .keepSince(let m): return "keep the history since \(m)"
        case .keepLSN(let n): return "keep the history since lsn \(n)"
        case .keepFor(let s): return "keep the history of the last \(s) seconds"
        }
    }
}

/// What ``Database/compactHistory(_:dryRun:)`` removed (or, in a dry run, would remove).
public struct RetentionSummary: Sendable, Equatable {
    /// The rule applied.
    public var rule: RetentionRule
    /// Whether nothing was removed because it was a dry run.
    public var dryRun: Bool
    /// The archives removed, oldest first, with their bounds and sizes as they were.
    public var removed: [HistoryFile]
    /// The archives' index sidecars removed (`<archive>.log.idx` names in `wal/`) with their sizes, including
    /// orphans an interrupted compaction left behind.
    public var removedIndexes: [RemovedFile]
    /// The archives kept, oldest first.
    public var kept: [String]
    /// How far back the history reaches after the compaction (in a dry run: would reach).
    public var reach: HistoryReach
    /// Why fewer archives were removed than the rule alone allows (an archive written by the seed's design, which
    /// numbers its entries after the one before it; a file that is not a LineDB archive), or why nothing was.
    public var notes: [String]

    /// A file removed: its name in `wal/` and its size in bytes.
    public struct RemovedFile: Sendable, Hashable {
        public var name: String
        public var sizeBytes: Int
    }

    /// Bytes removed (archives and index sidecars).
    public var bytesRemoved: Int {
        removed.reduce(0) { $0 + $1.sizeBytes } + removedIndexes.reduce(0) { $0 + $1.sizeBytes }
    }
}

/// The size of a database's history on disk and how far back it reaches (``Database/historyStats()``).
public struct HistoryStats: Sendable, Equatable {
    /// Archives in `wal/` and their total size in bytes.
    public var archives: Int
    public var archiveBytes: Int
    /// Archive index sidecars (`<archive>.idx`) and their total size in bytes (0 when there are none).
    public var indexFiles: Int
    public var indexBytes: Int
    /// The live WAL's size in bytes.
    public var liveBytes: Int
    /// How far back the history reaches.
    public var reach: HistoryReach
}
