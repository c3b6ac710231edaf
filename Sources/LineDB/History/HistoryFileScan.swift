#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which files of `wal/` make up a database's history, and which of them cannot be read (issue 15, "Bad input").
///
/// Lists the archives in checkpoint order, then the live WAL. A file that is a symbolic link, not a regular file, or
/// cannot be opened is listed with why (the history then reaches from the file after it). An archive that is not on
/// the chain of checkpoints (each `CHECKPOINT` names the archive before it) is an archive of another database copied
/// in: it is left out, with a note. Reading changes nothing.
struct HistoryFileScan {
    let io: FileIO
    let walDir: String

    /// The archives (oldest first) and the live WAL, if present, each with why it cannot be read.
    func list() -> [(name: String, problem: LineDBError?)] {
        let archives = DatabasePaths.archiveNames(in: io.listDirectory(walDir)).sorted(by: HistoryLog.archiveOrder)
        var out: [(name: String, problem: LineDBError?)] = []
        for name in archives + ["transaction.log"] {
            let path = walDir + "/" + name
            guard let status = io.lstat(path) else { continue }
            out.append((name, problem(path, status)))
        }
        return out
    }

    private func problem(_ path: String, _ status: FileStatus) -> LineDBError? {
        let hint = "reading history changes nothing"
        if status.isSymbolicLink {
            return .symbolicLink(path: path, target: RealFileIO.linkTarget(path),
                                 hint: "history does not follow symbolic links out of the database; replace the link with a copy of the file; " + hint)
        }
        if status.mode & mode_t(S_IFMT) != mode_t(S_IFREG) {
            return .corrupt(path: path, line: nil, column: nil, byteOffset: nil,
                            reason: status.isDirectory ? "is a directory, not an archive" : "is not a regular file", hint: hint)
        }
        do {
            let fd = try io.open(path, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode: 0)
            try? io.close(fd, path: path)
        } catch {
            return .corrupt(path: path, line: nil, column: nil, byteOffset: nil, reason: "cannot be read: \(error)", hint: hint)
        }
        return nil
    }

    /// Removes from `listed` the archives that are not on the chain of checkpoints from the live WAL back, and
    /// returns a note for each. Judged only where the chain can tell: archives newer than the oldest archive on the
    /// chain, or any when that oldest one is the database's first WAL (it begins at lsn 1).
    func strays(_ listed: inout [(name: String, problem: LineDBError?)]) -> [String] {
        let names = listed.map(\.name)
        let logNames = names.map(DatabasePaths.archiveLogName)  // checkpoints name archives without .gz
        guard names.last == "transaction.log" else { return [] }
        var chain: [Int] = []
        var link = previous(of: "transaction.log")
        while let name = link, let i = logNames.firstIndex(of: name), i < names.count - 1, listed[i].problem == nil,
            !chain.contains(i)
        {
            chain.append(i)
            link = previous(of: names[i])
        }
        guard let oldest = chain.min() else { return [] }
        let oldestIsFirst = link == nil && startsAtOne(names[oldest])
        var strays: [Int] = []
        for i in 0..<(names.count - 1) where !chain.contains(i) && (i > oldest || oldestIsFirst) {
            strays.append(i)
        }
        let path = (["transaction.log"] + chain.sorted(by: >).map { names[$0] }).map { "wal/" + $0 }.joined(separator: " → ")
        let notes = strays.map {
            "wal/\(names[$0]) is not on this database's chain of checkpoints (\(path)): left out of the history (an archive of another database, or copied in)"
        }
        for i in strays.reversed() { listed.remove(at: i) }
        return notes
    }

    /// The archive a file's first line (a `CHECKPOINT`) names as the one before it.
    private func previous(of name: String) -> String? {
        try? HistoryLog.checkpointPrevious(io: io, path: walDir + "/" + name)
    }

    /// Whether a file's first line is sealed with lsn 1.
    private func startsAtOne(_ name: String) -> Bool {
        guard let head = try? HistoryLog.firstLine(io: io, path: walDir + "/" + name),
            case .success(let e) = head.withUnsafeBufferPointer({
                WALLine.decode($0, lineNumber: 1, byteOffset: 0, impliedLSN: 0)
            })
        else { return false }
        return !e.isLegacy && e.lsn == 1
    }
}
