#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Retention: removing the archives a rule no longer needs (issue 15, "Keeping history affordable").
///
/// The steps, for each archive removed, oldest first:
/// 1. unlink its index sidecar `<archive>.idx`, if there is one;
/// 2. unlink the archive;
/// 3. fsync `wal/`.
///
/// Oldest first, with the directory synced after each archive, every state a crash (or a power cut) can leave is
/// a contiguous suffix of the archives: the history then simply begins later, which ``HistoryLog`` reads as
/// "older archives were removed", never as a missing archive in the middle. Every archive the rule keeps is
/// still there, and no record is touched: the archives hold history only, the live WAL and the records files are
/// never changed.
///
/// The sidecar goes first: a crash between the two unlinks then leaves an archive without its index, the state a
/// reader already handles (the index is missing: the archive is streamed or the index rebuilt), never an index
/// without its archive, which a later checkpoint reusing the archive's name (names are by the second, `_N` only
/// added on a clash with an existing file) could find next to a different archive. A sidecar left orphaned anyway
/// (by a power cut that kept the first unlink but lost the second) is removed by the next compaction.
extension Database {
    /// Removes the archives of `wal/` that the rule does not need, oldest first, with their index sidecars.
    ///
    /// ```swift
    /// let done = try db.compactHistory(.keepArchives(3))
    /// print(done.removed.map(\.name), "history from lsn", done.reach.earliestLSN)
    /// ```
    ///
    /// - Parameters:
    ///   - rule: which archives to keep (``RetentionRule``).
    ///   - dryRun: remove nothing; the summary says what would be removed and how far back the history would reach.
    ///     Works on a read-only database too.
    /// - Returns: what was removed, what was kept, and the earliest moment the history reaches now.
    /// - Throws: ``LineDBError/readOnly(reason:)`` on a read-only database (unless `dryRun`);
    ///   ``LineDBError/invalidInput(reason:)`` for a negative count or an LSN after the last entry;
    ///   ``LineDBError/io(operation:path:errno:)`` naming the file when an unlink or the directory sync fails (the
    ///   archives before it are removed, the others are all still there).
    @discardableResult
    public func compactHistory(_ rule: RetentionRule, dryRun: Bool = false) throws(LineDBError) -> RetentionSummary {
        try state.withLock { () throws(LineDBError) -> RetentionSummary in
            if dryRun { try requireOpen() } else { try requireWritable() }
            return try compactHistoryLocked(rule, dryRun: dryRun)
        }
    }

    /// The size of the history on disk (archives, index sidecars, live WAL) and how far back it reaches.
    ///
    /// ```swift
    /// let h = try db.historyStats()
    /// print("\(h.archives) archives, \(h.archiveBytes) bytes, from lsn \(h.reach.earliestLSN)")
    /// ```
    ///
    /// - Throws: ``LineDBError/invalidInput(reason:)`` for an in-memory database; an I/O error reading a file's
    ///   first or last line.
    public func historyStats() throws(LineDBError) -> HistoryStats {
        try state.withLock { () throws(LineDBError) -> HistoryStats in
            try requireOpen()
            return try historyStatsLocked()
        }
    }

    /// ``historyStats()`` with the state lock held (for ``stats()``).
    func historyStatsLocked() throws(LineDBError) -> HistoryStats {
        let log = try currentHistoryLog()
        var stats = HistoryStats(archives: 0, archiveBytes: 0, indexFiles: 0, indexBytes: 0, liveBytes: 0, reach: log.reach)
        for f in log.files {
            if f.isLive { stats.liveBytes = f.sizeBytes } else { stats.archives += 1; stats.archiveBytes += f.sizeBytes }
        }
        for name in io.listDirectory(log.walDir) where Self.isIndexSidecarName(name) {
            stats.indexFiles += 1
            stats.indexBytes += io.lstat(log.walDir + "/" + name)?.size ?? 0
        }
        return stats
    }

    /// Applies ``DatabaseOptions/historyRetention`` after a checkpoint (state lock held). The checkpoint is complete
    /// and durable by then: a failure here is a warning, never the checkpoint's failure.
    func retainAfterCheckpoint() -> RetentionSummary? {
        guard let rule = options.historyRetention else { return nil }
        do {
            return try compactHistoryLocked(rule, dryRun: false)
        } catch {
            warnings.append("history retention (\(rule)) after the checkpoint failed, the checkpoint itself is complete: \(error)")
            return nil
        }
    }

    // MARK: - The plan and the removal (state lock held)

    /// The history as it stands, up to the last entry this handle applied (writer) or followed (reader).
    private func currentHistoryLog() throws(LineDBError) -> HistoryLog {
        guard let paths else { throw .invalidInput(reason: "an in-memory database keeps no history") }
        if let now = wal.map({ $0.nextLSN - 1 }) ?? follow?.lastLSN {
            return try HistoryLog(io: io, paths: paths, nowLSN: now)
        }
        let all = try HistoryLog(io: io, paths: paths, nowLSN: Int.max)
        return try HistoryLog(io: io, paths: paths, nowLSN: all.files.last?.lastLSN ?? 0)
    }

    func compactHistoryLocked(_ rule: RetentionRule, dryRun: Bool) throws(LineDBError) -> RetentionSummary {
        let log = try currentHistoryLog()
        let plan = try RetentionPlan(log: log, rule: rule, io: io)
        var summary = RetentionSummary(
            rule: rule, dryRun: dryRun, removed: Array(log.files[..<plan.cut]), removedIndexes: [],
            kept: log.files[plan.cut...].filter { !$0.isLive }.map(\.name), reach: plan.predictedReach, notes: plan.notes)
        let dir = log.walDir
        let firstKept = summary.kept.first
        // Orphaned sidecars of archives older than the first one kept (an interrupted compaction's), then the
        // sidecars of the archives to remove.
        var orphans: [RetentionSummary.RemovedFile] = []
        for name in io.listDirectory(dir).sorted() where Self.isIndexSidecarName(name) {
            let archive = String(name.dropLast(Self.indexSuffix.count))
            guard io.lstat(dir + "/" + archive) == nil, firstKept.map({ HistoryLog.archiveOrder(archive, $0) }) ?? true
            else { continue }
            orphans.append(.init(name: name, sizeBytes: io.lstat(dir + "/" + name)?.size ?? 0))
        }
        if dryRun {
            summary.removedIndexes = orphans
            for f in summary.removed {
                if let s = io.lstat(dir + "/" + f.name + Self.indexSuffix) {
                    summary.removedIndexes.append(.init(name: f.name + Self.indexSuffix, sizeBytes: s.size))
                }
            }
            return summary
        }
        if !orphans.isEmpty {
            for o in orphans { try unlinkIfPresent(dir + "/" + o.name) }
            try io.syncDirectory(dir)
            summary.removedIndexes = orphans
        }
        for f in summary.removed {
            Failpoint.hit("retention.beforeRemove")
            let sidecar = dir + "/" + f.name + Self.indexSuffix
            if let s = io.lstat(sidecar) {
                try unlinkIfPresent(sidecar)
                summary.removedIndexes.append(.init(name: f.name + Self.indexSuffix, sizeBytes: s.size))
            }
            Failpoint.hit("retention.afterIndexUnlink")
            try unlinkIfPresent(dir + "/" + f.name)
            Failpoint.hit("retention.afterUnlink")
            try io.syncDirectory(dir)
            Failpoint.hit("retention.afterDirFsync")
        }
        if !summary.removed.isEmpty { summary.reach = try currentHistoryLog().reach }
        return summary
    }

    private func unlinkIfPresent(_ path: String) throws(LineDBError) {
        do {
            try io.unlink(path)
        } catch {
            if case .io(_, _, let code) = error, code == ENOENT { return }
            throw error
        }
    }

    /// The suffix of an archive's index sidecar: `wal/<archive>.idx`.
    static let indexSuffix = ".idx"

    /// Whether a `wal/` entry is an archive's index sidecar (`transaction.<stamp>.log.idx`).
    static func isIndexSidecarName(_ name: String) -> Bool {
        name.hasSuffix(indexSuffix) && DatabasePaths.isArchiveName(String(name.dropLast(indexSuffix.count)))
    }
}

/// Which archives a rule removes: always a prefix of the history's files (oldest first), never the live WAL.
struct RetentionPlan {
    /// The number of leading files of the log to remove.
    var cut: Int
    var notes: [String] = []
    var predictedReach: HistoryReach

    init(log: HistoryLog, rule: RetentionRule, io: FileIO) throws(LineDBError) {
        let files = log.files
        let archiveCount = files.prefix { !$0.isLive }.count
        var cut: Int
        switch rule {
        case .keepArchives(let n):
            guard n >= 0 else { throw .invalidInput(reason: "--keep-archives \(n): give a count of archives, 0 or more") }
            cut = max(0, archiveCount - n)
        case .keepLSN(let lsn):
            cut = try RetentionPlan.cut(files, archiveCount, after: lsn, log: log)
        case .keepSince(.lsn(let lsn)):
            cut = try RetentionPlan.cut(files, archiveCount, after: lsn, log: log)
        case .keepSince(.time(let time)):
            cut = try RetentionPlan.cut(files, archiveCount, holding: log.lsn(at: time))
        case .keepFor(let seconds):
            guard seconds >= 0 else { throw .invalidInput(reason: "keep the last \(seconds) seconds: give 0 or more") }
            let now = systemTime()
            cut = try RetentionPlan.cut(
                files, archiveCount, holding: log.lsn(at: HistoryMoment.localStamp(epoch: now - seconds, micros: 0)))
        }
        // Only what is surely a LineDB archive of this history goes, and never so that a gap could open.
        var notes: [String] = []
        if let stop = files.prefix(cut).firstIndex(where: { !RetentionPlan.isRemovable($0) }) {
            notes.append("wal/\(files[stop].name) is not named or shaped like a checkpoint's archive: it and the newer archives are kept")
            cut = stop
        }
        // The first file kept must number its own entries: a file of the seed's lines (no LSN) is numbered on from
        // the one before it, and an empty live WAL takes its next LSN from the newest archive.
        while cut > 0, cut < files.count, files[cut].isLegacy || files[cut].firstLSN == nil {
            let why = files[cut].firstLSN == nil
                ? "wal/\(files[cut].name) is empty, so the LSNs go on from wal/\(files[cut - 1].name)"
                : "wal/\(files[cut].name) holds lines written by the seed's design (no LSN), numbered on from wal/\(files[cut - 1].name)"
            notes.append(why + ": that archive is kept")
            cut -= 1
        }
        // Never the archive that is still the live WAL under a second name (a checkpoint that did not finish).
        if let live = files.last(where: \.isLive), let liveStatus = io.stat(log.walDir + "/" + live.name),
            let same = files.prefix(cut).firstIndex(where: {
                io.stat(log.walDir + "/" + $0.name).map { $0.inode == liveStatus.inode && $0.device == liveStatus.device } ?? false
            })
        {
            notes.append("wal/\(files[same].name) is the live WAL under a second name (an unfinished checkpoint): kept")
            cut = same
        }
        if cut == 0 {
            notes.append(archiveCount == 0 ? "there are no archives" : "every archive is needed: nothing to remove")
        }
        self.cut = cut
        self.notes = notes
        // The reach once the prefix is gone: unchanged when a break after it limits it anyway.
        var reach = log.reach
        if cut > 0, (log.breaks.last?.fileIndex ?? 0) <= cut, cut < files.count {
            let first = files[cut]
            let earliest = max(0, (first.firstLSN ?? (log.nowLSN + 1)) - 1)
            reach = HistoryReach(
                earliestLSN: earliest, earliestTime: first.firstTime, latestLSN: log.nowLSN,
                limits: earliest > 0 ? ["the history begins with wal/\(first.name) (lsn \(earliest + 1)); older archives were removed"] : [])
        }
        predictedReach = reach
    }

    /// Archives to remove for "as of `lsn`": those holding nothing after it.
    static func cut(_ files: [HistoryFile], _ archiveCount: Int, after lsn: Int, log: HistoryLog) throws(LineDBError) -> Int {
        guard lsn >= 0 else { throw .invalidInput(reason: "lsn \(lsn): give an LSN, 0 or more") }
        if lsn > log.nowLSN {
            throw .invalidInput(reason: "lsn \(lsn) is after the last entry (lsn \(log.nowLSN)); the history ends there")
        }
        var cut = 0
        while cut < archiveCount, files[cut].lastLSN.map({ $0 <= lsn }) ?? (files[cut].sizeBytes == 0) { cut += 1 }
        return cut
    }

    /// Archives to remove for a time whose last entry is `lsn`: those wholly before that entry (the archive holding
    /// it stays, so that its time, and the time asked for, are still known to be reached).
    static func cut(_ files: [HistoryFile], _ archiveCount: Int, holding lsn: Int) -> Int {
        var cut = 0
        while cut < archiveCount, files[cut].lastLSN.map({ $0 < lsn }) ?? (files[cut].sizeBytes == 0) { cut += 1 }
        return cut
    }

    /// A checkpoint's archive: `transaction.YYYYMMDD_HHMMSS[_N].log`, holding LSN-numbered entries or nothing.
    static func isRemovable(_ f: HistoryFile) -> Bool {
        guard !f.isLive, f.lastLSN != nil || f.sizeBytes == 0 else { return false }
        let name = DatabasePaths.archiveLogName(f.name)  // a gzipped archive as its plain name
        let core = Array(name.utf8.dropFirst("transaction.".count).dropLast(".log".count))
        guard name.hasPrefix("transaction."), name.hasSuffix(".log"), core.count >= 15, core[8] == 95 else { return false }
        let digits = core[0..<8] + core[9..<15]
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let rest = core[15...]
        if rest.isEmpty { return true }
        return rest.first == 95 && rest.count > 1 && rest.dropFirst().allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

extension Database {
    /// ``historyStats()`` as the `disk.history` member of ``stats()`` (state lock held).
    func historyStatsJSON() -> JSONValue {
        let h: HistoryStats
        do {
            h = try historyStatsLocked()
        } catch {
            return ["error": .string("\(error)")]
        }
        return [
            "archives": .int(h.archives), "archive_bytes": .int(h.archiveBytes), "index_files": .int(h.indexFiles),
            "index_bytes": .int(h.indexBytes), "earliest_lsn": .int(h.reach.earliestLSN),
            "earliest_time": h.reach.earliestTime.map(JSONValue.string) ?? .null, "latest_lsn": .int(h.reach.latestLSN),
            "limits": .array(h.reach.limits.map(JSONValue.string)),
        ]
    }
}
