#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``Database/check(path:)`` found in a database directory.
///
/// A **problem** is something a writer would refuse to open or would lose (a corrupt WAL line, a bad records line,
/// an unparsable schema); a **warning** is something recovery handles by itself (a torn last line, a leftover
/// temporary file); a **note** is worth knowing only (unsaved changes still in the WAL, files in `quarantine/`).
public struct CheckReport: Sendable, Hashable {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable {
        /// A writer would refuse to open, or something would be lost: fix it by hand or with `linedb recover`.
        case problem
        /// Recovery repairs it on its own at the next writer's open (a torn last line, a temporary file).
        case warning
        /// Worth knowing only (unsaved changes, files in `quarantine/`).
        case note
    }

    /// One thing found, with the file and place it concerns.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// How serious it is.
        public var severity: Severity
        /// The file, relative to the database directory (`wal/transaction.log`); `nil` for the database as a whole.
        public var file: String?
        /// 1-based line in ``file``.
        public var line: Int?
        /// 1-based column (in bytes) in that line.
        public var column: Int?
        /// Byte offset in ``file``.
        public var byteOffset: Int?
        /// What is wrong, and what to do about it.
        public var message: String

        /// `file:line:column (byte n)`, or as much of it as is known.
        public var location: String? {
            guard var place = file else { return nil }
            if let line { place += ":\(line)" }
            if let column { place += ":\(column)" }
            if let byteOffset { place += " (byte \(byteOffset))" }
            return place
        }

        /// `problem: wal/transaction.log:3 (byte 412): checksum mismatch ...`
        public var description: String {
            "\(severity.rawValue): " + (location.map { "\($0): " } ?? "") + message
        }

        /// The finding as a JSON object (`severity`, `file`, `line`, `column`, `byte`, `message`).
        public var jsonObject: JSONObject {
            var o: JSONObject = ["severity": .string(severity.rawValue)]
            o["file"] = file.map { .string($0) } ?? .null
            o["line"] = line.map { .int($0) } ?? .null
            o["column"] = column.map { .int($0) } ?? .null
            o["byte"] = byteOffset.map { .int($0) } ?? .null
            o["message"] = .string(message)
            return o
        }
    }

    /// A table as checked: its saved records and its records once the WAL is replayed.
    public struct TableFacts: Sendable, Hashable {
        /// The table name.
        public var name: String
        /// Lines in `data/<table>.records` (what is saved).
        public var recordsInFile: Int
        /// Records after replaying the WAL (what a reader sees).
        public var records: Int
    }

    /// The database directory.
    public var path: String
    /// Everything found, in the order it was found.
    public var findings: [Finding] = []
    /// The tables that loaded, by name.
    public var tables: [TableFacts] = []
    /// Valid entries of `wal/transaction.log`.
    public var walEntries = 0
    /// Archived WAL files in `wal/`.
    public var archives: [String] = []

    /// The findings of severity ``Severity/problem``.
    public var problems: [Finding] { findings.filter { $0.severity == .problem } }
    /// The findings of severity ``Severity/warning``.
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    /// The findings of severity ``Severity/note``.
    public var notes: [Finding] { findings.filter { $0.severity == .note } }
    /// Whether no problem was found (warnings and notes allowed).
    public var isHealthy: Bool { !findings.contains { $0.severity == .problem } }

    /// The report as JSON: `{"path", "ok", "problems", "warnings", "notes", "tables", "wal"}`.
    public var jsonObject: JSONObject {
        var tablesObject = JSONObject()
        for t in tables {
            tablesObject[t.name] = ["records": .int(t.records), "records_in_file": .int(t.recordsInFile)]
        }
        return [
            "path": .string(path), "ok": .bool(isHealthy),
            "problems": .array(problems.map { .object($0.jsonObject) }),
            "warnings": .array(warnings.map { .object($0.jsonObject) }),
            "notes": .array(notes.map { .object($0.jsonObject) }),
            "tables": .object(tablesObject),
            "wal": ["entries": .int(walEntries), "archives": .array(archives.map { .string($0) })],
        ]
    }
}

extension Database {
    /// Checks every file of the database in `path` without changing any (no lock is taken, nothing is written):
    /// every schema parses; every records file loads line by line; the WAL and every archive are valid WAL files
    /// (a torn last line is a warning; a damaged line, in the middle or a complete last one, a problem naming
    /// `file:line (byte n)`). Records files and the WAL are judged by the same code as a writer's open, so what
    /// the open would refuse is a problem here and what it repairs by itself a warning; the
    /// WAL replays over the records and the UNIQUE columns hold afterwards; leftover temporary files and an
    /// unfinished checkpoint are reported. A records file that differs from its table after replay is a note
    /// ("unsaved changes"), not a problem.
    ///
    /// ```swift
    /// let report = Database.check(path: "data/university")
    /// for finding in report.findings { print(finding) }
    /// if !report.isHealthy { exit(1) }
    /// ```
    ///
    /// Safe to run while another process writes the database; its last WAL line may then still be incomplete,
    /// which is reported as a note.
    public static func check(path: String) -> CheckReport {
        check(path: path, io: RealFileIO.shared)
    }

    package static func check(path: String, io: FileIO) -> CheckReport {
        var checker = DatabaseChecker(paths: DatabasePaths(root: path), io: io)
        checker.run()
        return checker.report
    }
}

/// The work of ``Database/check(path:)``.
private struct DatabaseChecker {
    let paths: DatabasePaths
    let io: FileIO
    var report: CheckReport
    /// Another process holds the writer lock: the WAL may be growing while we read it.
    var writerActive = false
    /// Problems reported per file are capped, so a ruined file does not bury the rest.
    let maxProblemsPerFile = 10
    /// Records files with what may be a torn append (a NUL-holding damaged line, a torn last line), judged
    /// against the WAL as recovery does.
    var tornAppends = NameMap<RecordsFileLoad.TornAppend>()

    init(paths: DatabasePaths, io: FileIO) {
        self.paths = paths
        self.io = io
        self.report = CheckReport(path: paths.root)
    }

    mutating func add(
        _ severity: CheckReport.Severity, _ file: String?, line: Int? = nil, column: Int? = nil, byte: Int? = nil,
        _ message: String
    ) {
        report.findings.append(CheckReport.Finding(
            severity: severity, file: file.map(relative), line: line, column: column, byteOffset: byte,
            message: message))
    }

    /// Adds an engine error as a finding, keeping its place.
    mutating func add(_ severity: CheckReport.Severity, error: LineDBError) {
        switch error {
        case .corrupt(let path, let line, let column, let byteOffset, let reason, let hint):
            add(severity, path, line: line, column: column, byte: byteOffset, reason + (hint.map { "; \($0)" } ?? ""))
        case .invalidSchema(let path?, let reason):
            add(severity, path, "invalid schema: \(reason)")
        case .io(let operation, let path, let code):
            add(severity, path, "\(operation): \(LineDBError.describe(errno: code))")
        default:
            add(severity, nil, error.description)
        }
    }

    func relative(_ path: String) -> String {
        path.hasPrefix(paths.root + "/") ? String(path.dropFirst(paths.root.count + 1)) : path
    }

    mutating func run() {
        guard io.stat(paths.root)?.isDirectory == true else {
            add(.problem, nil, "no database directory at \(paths.root)")
            return
        }
        for dir in [paths.schemaDir, paths.dataDir, paths.walDir] where io.stat(dir)?.isDirectory != true {
            add(.warning, dir, "the directory is missing (the next writer creates it)")
        }
        if WriterLock.isHeld(io: io, path: paths.lock) {
            writerActive = true
            let (pid, host) = WriterLock.holder(io: io, path: paths.lock)
            let who = pid.map { "pid \($0)" + (host.map { " on \($0)" } ?? "") } ?? "another process"
            add(.note, nil, "the database is being written by \(who); its newest WAL line may still be incomplete")
        }
        checkLeftovers()
        let tables = loadSchemas()
        var fileLines = NameMap<Int>()
        for name in tables.sortedKeys {
            fileLines[name] = loadRecords(into: tables[name]!)
            for f in Database.snapshotFindings(io: io, paths: paths, table: tables[name]!) { add(f.severity, f.path, f.message) }
        }
        checkOrphanRecordsFiles(tables)
        let archiveLastLSN = checkArchives()
        for f in Database.archiveIndexFindings(io: io, paths: paths, primaryKey: { tables[$0]?.schema.primaryKey?.name ?? "id" }) {
            add(f.isWarning ? .warning : .note, f.path, f.message)
        }
        replayWAL(over: tables, fileLines: fileLines, archiveLastLSN: archiveLastLSN)
        let quarantined = io.listDirectory(paths.quarantineDir).filter { !$0.hasPrefix(".") }
        if !quarantined.isEmpty {
            add(.note, paths.quarantineDir, "\(quarantined.count) file(s) set aside by earlier recoveries")
        }
    }

    // MARK: - Files

    /// Temporary files of an interrupted save or checkpoint, and a checkpoint stopped between link and rename.
    mutating func checkLeftovers() {
        let severity: CheckReport.Severity = writerActive ? .note : .warning
        let leftovers = Database.CrashLeftovers.find(paths, io: io)
        for temp in leftovers.saveTemps {
            let what = temp.contains(".idx.tmp-") ? "an archive index being written" : "an interrupted save"
            add(severity, temp, "temporary file of \(what); the next writer removes it")
        }
        if let temp = leftovers.checkpointTemp {
            add(severity, temp, "temporary file of an interrupted checkpoint; the next writer removes it")
        }
        for archive in leftovers.unfinishedArchives {
            add(severity, archive, "the archive name of a checkpoint that did not finish; the next writer removes it")
        }
        // The redo file of an in-place save (InPlaceSave.swift): there while a writer patches a records file, or
        // after a crash in the middle of it.
        for name in io.listDirectory(paths.dataDir).sorted() where RecordsRedo.table(ofFileName: name) != nil {
            let redo = paths.dataDir + "/" + name
            if let bytes = try? io.readFile(redo), let decoded = RecordsRedo.decode(bytes) {
                add(severity, redo,
                    "redo of an in-place save (\(decoded.patches.count) writes) that is running or was interrupted; the next writer's open completes it")
            } else {
                add(severity, redo,
                    "incomplete redo of an in-place save that stopped before writing (the records file was not touched); the next writer removes it")
            }
        }
    }

    mutating func loadSchemas() -> NameMap<TableState> {
        var tables: NameMap<TableState> = [:]
        for file in io.listDirectory(paths.schemaDir).sorted() where !file.hasPrefix(".") {
            let path = paths.schemaDir + "/" + file
            guard file.hasSuffix(".schema.json") else {
                if io.stat(path)?.isDirectory != true { add(.note, path, "not a schema file; ignored") }
                continue
            }
            let name = String(file.dropLast(".schema.json".count))
            do throws(LineDBError) {
                guard let (t, warnings) = try Database.loadSchemaFile(path, table: name, io: io) else { continue }
                for w in warnings {
                    if w.hasPrefix(path + ": ") { add(.warning, path, String(w.dropFirst(path.count + 2))) } else { add(.warning, nil, w) }
                }
                tables[name] = t
            } catch {
                add(.problem, error: error)
            }
        }
        return tables
    }

    /// Loads `data/<table>.records` with recovery's rules (``RecordsFileLoad``) and returns its number of complete
    /// lines.
    mutating func loadRecords(into t: TableState) -> Int {
        let (path, gzipped) = paths.recordsFileToLoad(t.schema.name, io: io)  // Database+GzipTables.swift
        let fd: Int32
        do throws(LineDBError) {
            fd = try io.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
        } catch {
            if case .io(_, _, let code) = error, code == ENOENT {
                add(.note, path, "no records file yet (the next save creates it)")
            } else {
                add(.problem, error: error)
            }
            return 0
        }
        defer { try? io.close(fd, path: path) }
        var findings: [RecordsFileLoad.Finding] = []
        do throws(LineDBError) {
            let inflater = gzipped ? GzipInflater(path: path) : nil
            let outcome = try RecordsFileLoad.load(into: t, io: io, fd: fd, path: path, policy: .report, gzip: inflater) {
                findings.append($0)
            }
            if let torn = inflater?.tornMember {
                add(.warning, path, byte: torn.offset,
                    "incomplete last gzip member (\(torn.bytes) bytes: \(torn.reason)); ignored, and the next save rewrites the file")
            }
            if let torn = outcome.tornAppend { tornAppends[t.schema.name] = torn }
            var problems = 0
            for f in findings {
                switch f.kind {
                case .tornBlankTail:
                    add(.warning, path, line: f.line, byte: f.byteOffset,
                        "\(f.reason); ignored, and the next save rewrites the file")
                case .tornLastRecord:  // not found with the open's policy: judged against the WAL below
                    add(.warning, path, line: f.line, byte: f.byteOffset,
                        "\(f.reason); ignored, and the next save rewrites the file without it")
                case .bad:
                    problems += 1
                    if problems <= maxProblemsPerFile {
                        add(.problem, path, line: f.line, column: f.column, byte: f.byteOffset,
                            f.reason + "; `linedb recover DB` moves such lines to quarantine/")
                    }
                }
            }
            if problems > maxProblemsPerFile {
                add(.problem, path, "\(problems - maxProblemsPerFile) more bad lines not listed")
            }
            return outcome.completeLines
        } catch {
            add(.problem, error: error)
            return 0
        }
    }

    mutating func checkOrphanRecordsFiles(_ tables: NameMap<TableState>) {
        for file in io.listDirectory(paths.dataDir).sorted()
        where (file.hasSuffix(".records") || file.hasSuffix(".records.gz")) && !file.hasPrefix(".") {
            let name = String(file.dropLast(file.hasSuffix(".gz") ? ".records.gz".count : ".records".count))
            if tables[name] == nil {
                add(.warning, paths.dataDir + "/" + file, "no schema/\(name).schema.json for it; it is not loaded")
            }
        }
    }

    // MARK: - WAL

    /// Scans every archive; returns the last LSN of the newest one.
    mutating func checkArchives() -> Int? {
        let names = DatabasePaths.archiveNames(in: io.listDirectory(paths.walDir)).sorted()
        report.archives = names
        var newestLast: Int? = nil
        for name in names {
            let path = paths.walDir + "/" + name
            do throws(LineDBError) {
                guard let bytes = try io.readWALFile(path) else { continue }  // History/GzipArchives.swift
                let scan = bytes.withUnsafeBufferPointer { buffer in
                    WALScanner.scan(buffer, path: path, firstImpliedLSN: 1, hint: "the archive is damaged") { _ in }
                }
                switch scan.outcome {
                case .clean: break
                case .tornTail(let torn):
                    add(.warning, path, line: torn.line, byte: torn.byteOffset,
                        "archive ends in an incomplete entry (\(torn.byteCount) bytes: \(torn.reason))")
                case .corrupt(let error), .damagedTail(let error):
                    add(.problem, error: error)
                }
                if scan.validLines == 0 && !bytes.isEmpty { add(.problem, path, "not a WAL file: no valid entry") }
                newestLast = scan.sawSealed ? scan.lastLSN : nil
            } catch {
                add(.problem, error: error)
            }
        }
        return newestLast
    }

    mutating func replayWAL(over tables: NameMap<TableState>, fileLines: NameMap<Int>, archiveLastLSN: Int?) {
        var entries: [WALEntry] = []
        var bytes: [UInt8] = []
        do throws(LineDBError) {
            guard let b = try io.readFile(paths.wal) else {
                if io.stat(paths.walDir)?.isDirectory == true {
                    add(.note, paths.wal, "no WAL file yet (the next writer creates it)")
                }
                judgeTornAppends(tables, walBytes: [])
                finishTables(tables, fileLines: fileLines)
                return
            }
            bytes = b
        } catch {
            add(.problem, error: error)
            return
        }
        judgeTornAppends(tables, walBytes: bytes)
        let scan = bytes.withUnsafeBufferPointer { buffer in
            WALScanner.scan(buffer, path: paths.wal, firstImpliedLSN: (archiveLastLSN ?? 0) + 1) { entries.append($0) }
        }
        report.walEntries = scan.validLines
        switch scan.outcome {
        case .clean: break
        case .tornTail(let torn):
            var message = "incomplete last entry (\(torn.byteCount) bytes: \(torn.reason))"
            if torn.droppedLines > 0 { message += " with \(torn.droppedLines) unsynced entries after it" }
            if writerActive {
                add(.note, paths.wal, line: torn.line, byte: torn.byteOffset,
                    message + "; the writer may be writing it")
            } else {
                add(.warning, paths.wal, line: torn.line, byte: torn.byteOffset,
                    message + "; the next writer moves it to quarantine/ and cuts it off")
            }
        case .corrupt(let error), .damagedTail(let error):
            add(.problem, error: error)
        }
        checkCheckpointHeader(entries.first, archiveLastLSN: archiveLastLSN)

        // Replay over the loaded records, as recovery does, collecting every entry that cannot be applied.
        var replay = Replay(database: Database.inMemory(), tables: tables, walPath: paths.wal)
        var failures = 0
        for entry in entries {
            do throws(LineDBError) {
                try replay.apply(entry)
            } catch {
                failures += 1
                if failures <= maxProblemsPerFile { add(.problem, error: error) }
            }
        }
        if failures > maxProblemsPerFile {
            add(.problem, paths.wal, "\(failures - maxProblemsPerFile) more entries cannot be replayed")
        }
        for note in replay.finish() { add(.warning, nil, note) }
        for name in replay.dropped.sorted() where io.stat(paths.recordsFile(name)) != nil {
            add(.note, paths.recordsFile(name), "table '\(name)' was dropped; the next save removes its files")
        }
        finishTables(replay.tables, fileLines: fileLines)
    }

    /// What may be a torn append in a records file, judged as the writer's open does
    /// (``RecordsFileLoad/judgeTornAppends(_:tables:walBytes:walPath:)``): a warning when the WAL explains it (the
    /// next writer ignores it), a problem when not (the writer refuses).
    mutating func judgeTornAppends(_ tables: NameMap<TableState>, walBytes: [UInt8]) {
        guard !tornAppends.isEmpty else { return }
        let verdicts = RecordsFileLoad.judgeTornAppends(tornAppends, tables: tables, walBytes: walBytes, walPath: paths.wal)
        for name in verdicts.sortedKeys {
            let torn = tornAppends[name]!
            let verdict = verdicts[name]!
            let path = paths.recordsFile(name)
            if let refusal = verdict.regionRefusal {
                add(.problem, error: refusal)
            } else if let region = torn.region {
                add(.warning, path, line: region.line,
                    "a torn append (\(region.laterKeys.count) readable records after it) that the WAL restores; "
                        + "the next writer ignores it and the next save rewrites the file")
            }
            guard let tail = torn.tail else { continue }
            if let refusal = verdict.tailRefusal {
                add(.problem, error: refusal)
            } else {
                add(.warning, path, line: tail.line, byte: tail.byteOffset,
                    "\(tail.tailDescription), a torn append the WAL restores; ignored, and the next save rewrites "
                        + "the file without it")
            }
        }
    }

    /// The first line of a WAL after a checkpoint names the archive it follows and its last LSN.
    mutating func checkCheckpointHeader(_ first: WALEntry?, archiveLastLSN: Int?) {
        guard let first, first.operationKind == .checkpoint, case .object(let facts) = first.record,
            let previous = facts["previous"]?.stringValue, let through = facts["through_lsn"]?.intValue
        else { return }
        let archive = paths.walDir + "/" + previous
        guard io.stat(archive) != nil || io.stat(archive + ".gz") != nil else {  // or gzipped (History/GzipArchives.swift)
            add(.note, paths.wal, line: first.line, "the archive it follows, wal/\(previous), is not there (removed?)")
            return
        }
        let readable = io.stat(archive) != nil ? archive : archive + ".gz"
        if let last = (try? Database.readWAL(io: io, path: readable))?.last, !last.isLegacy, last.lsn != through {
            add(.warning, paths.wal, line: first.line,
                "the CHECKPOINT line says wal/\(previous) ends at lsn \(through), "
                    + "but its last entry is lsn \(last.lsn)")
        }
    }

    /// UNIQUE after replay, and the saved-versus-replayed counts.
    mutating func finishTables(_ tables: NameMap<TableState>, fileLines: NameMap<Int>) {
        for name in tables.sortedKeys {
            let t = tables[name]!
            if let (column, value) = t.buildUniqueIndexes() {
                add(.problem, paths.recordsFile(name),
                    "after replaying the WAL, two records share the value \(value.brief) in UNIQUE column '\(column)'")
            }
            let inFile = fileLines[name] ?? 0
            report.tables.append(CheckReport.TableFacts(name: name, recordsInFile: inFile, records: t.count))
            if fileLines[name] == nil {
                add(.note, paths.schemaFile(name),
                    "table '\(name)' exists only in the WAL so far (the next save writes its files)")
            } else if inFile != t.count {
                add(.note, paths.recordsFile(name),
                    "unsaved changes: \(inFile) lines in the file, \(t.count) records after replaying the WAL "
                        + "(the next save writes them)")
            }
        }
    }
}
