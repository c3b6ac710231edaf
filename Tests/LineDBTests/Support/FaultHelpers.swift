#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import LineDB

/// A temporary directory for the tests that open a database hundreds of times: on `/dev/shm` (tmpfs, where
/// `fsync` costs nothing) when it exists, else in the system's temporary directory. Removed at the end.
final class ScratchDir {
    let path: String

    init(_ label: String) {
        var isDir: ObjCBool = false
        let shm = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDir) && isDir.boolValue
            && access("/dev/shm", W_OK) == 0
        let base = shm ? "/dev/shm" : FileManager.default.temporaryDirectory.path
        path = "\(base)/linedb-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The database directory inside.
    var db: String { path + "/db" }
    func bytes(_ relative: String) -> [UInt8] { FaultHelpers.read(path + "/" + relative) }
    func list(_ relative: String) -> [String] { FaultHelpers.list(path + "/" + relative) }
}

/// Shared tools of the fault-injection, corruption, fuzz and seed-compatibility tests (test groups C and D).
enum FaultHelpers {
    /// A database's content as plain values: table name → its records, each as compact JSON, sorted; names and
    /// records with every non-ASCII scalar written `\u{XXXX}` (``exact(_:)``), so that two states are equal
    /// exactly when the same tables hold the same records (Swift's `String ==` would take `K` and the Kelvin sign,
    /// or NFC and NFD forms, as equal).
    typealias State = [String: [String]]

    /// The content of an open database.
    static func state(_ db: Database) throws -> State {
        var result: State = [:]
        for name in db.tableNames {
            result[exact(name)] = try db.select(name).map { exact(JSONWriter.encode(.object($0))) }.sorted()
        }
        return result
    }

    /// `text` with each non-ASCII scalar written `\u{XXXX}`: equal to another such text exactly when the
    /// scalars are.
    static func exact(_ text: String) -> String {
        text.unicodeScalars.map { $0.isASCII ? String($0) : "\\u{" + String($0.value, radix: 16) + "}" }.joined()
    }

    /// Opens the database at `path` (real file system), reads its content and closes it.
    static func openState(_ path: String, options: DatabaseOptions = DatabaseOptions()) throws -> State {
        let db = try Database(path: path, options: options)
        defer { try? db.close() }
        return try state(db)
    }

    /// `state` without the records of `table` whose primary key `id` is `key` (a marker written by the test).
    static func removing(_ state: State, table: String, id key: Int) -> State {
        var s = state
        s[table] = s[table]?.filter { !$0.hasPrefix("{\"id\":\(key),") }
        return s
    }

    // MARK: - Files

    /// Writes `bytes` to `path` in place (no sync: the test's own file, not the engine's), creating the parent
    /// directory if needed.
    static func write(_ path: String, _ bytes: [UInt8]) {
        var fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT {
            let dir = (path as NSString).deletingLastPathComponent
            try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        precondition(fd >= 0, "cannot write \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            precondition(n > 0, "cannot write \(path): \(String(cString: strerror(errno)))")
            done += n
        }
    }

    static func read(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { Array($0) } ?? []
    }

    /// Copies the directory tree `from` to `to` (which must not exist). Hard links become separate files.
    static func copyTree(_ from: String, to: String) {
        try! FileManager.default.copyItem(atPath: from, toPath: to)
    }

    /// Every file under `root`, relative path → bytes (`.lock` excluded: it only holds the writer's pid).
    static func snapshot(_ root: String) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let e = FileManager.default.enumerator(atPath: root)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir)
            if !isDir.boolValue && !rel.hasSuffix(".lock") { result[rel] = read(root + "/" + rel) }
        }
        return result
    }

    /// Names of the files in `dir`, sorted (empty if it does not exist).
    static func list(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// The lines of a byte buffer, without their `\n` (a final piece without `\n` is included).
    static func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
        if bytes.isEmpty { return [] }
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
        if bytes.last == 10 { lines.removeLast() }
        return lines
    }

    /// Joins lines, each followed by `\n`.
    static func joinLines(_ lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for l in lines { out += l; out.append(10) }
        return out
    }

    // MARK: - Checks

    /// What is wrong with the files of the database at `root` after a writer opened it: a records line that is not
    /// a JSON object, a schema file that is not a JSON object, a WAL that is not clean (complete, valid lines), a
    /// temporary file left behind. Empty when everything parses.
    static func fileProblems(_ root: String) -> [String] {
        var problems: [String] = []
        for dir in ["data", "schema"] {
            for name in list(root + "/" + dir) where name.hasPrefix(".") && name.contains(".tmp-") {
                problems.append("\(dir)/\(name): temporary file left behind")
            }
        }
        if FileManager.default.fileExists(atPath: root + "/wal/.transaction.log.tmp") {
            problems.append("wal/.transaction.log.tmp left behind")
        }
        for name in list(root + "/data") where name.hasSuffix(".records") {
            for (i, line) in splitLines(read(root + "/data/" + name)).enumerated() {
                let parsed = try? JSONParser.parse(line)
                if parsed?.objectValue == nil { problems.append("data/\(name):\(i + 1) is not a JSON object") }
            }
        }
        for name in list(root + "/schema") where name.hasSuffix(".schema.json") {
            if (try? JSONParser.parse(read(root + "/schema/" + name)))?.objectValue == nil {
                problems.append("schema/\(name) is not a JSON object")
            }
        }
        for name in list(root + "/wal") where name.hasSuffix(".log") {
            let bytes = read(root + "/wal/" + name)
            let result = bytes.withUnsafeBufferPointer {
                WALScanner.scan($0, path: name, firstImpliedLSN: 1) { _ in }
            }
            if case .clean = result.outcome {} else { problems.append("wal/\(name) is not clean: \(result.outcome)") }
            if !bytes.isEmpty && bytes.last != 10 { problems.append("wal/\(name) does not end with a newline") }
        }
        return problems
    }

    /// Whether the writer handle has been poisoned by a failed sync (every later write throws `needsReopen`).
    static func isPoisoned(_ db: Database) -> Bool {
        do {
            try db.wal?.checkHealthy()
            return false
        } catch {
            return true
        }
    }

    /// The user-visible text of an error: `LineDBError.description`.
    static func text(_ error: any Error) -> String {
        (error as? LineDBError)?.description ?? "\(error)"
    }

    /// Whether `error` is ``LineDBError/needsReopen(reason:)``.
    static func isNeedsReopen(_ error: any Error) -> Bool {
        if case .needsReopen? = error as? LineDBError { return true }
        return false
    }

    /// The words the engine uses for an errno (see `LineDBError.describe`).
    static func errnoWords(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "disk full"
        case EFBIG: return "file too large"
        default: return String(cString: strerror(code))
        }
    }

    // MARK: - Building WAL lines by hand

    /// Replaces the CRC of a sealed WAL line (without `\n`) so that it matches the line's bytes again:
    /// used to forge lines that are checksum-valid but wrong in another way (an LSN gap).
    static func reseal(_ line: [UInt8]) -> [UInt8] {
        let body = Array(line.dropLast(WALLine.sealLength))
        var out = body
        let crc = body.withUnsafeBytes { CRC32C.checksum($0) }
        out += Array(#","crc":""#.utf8)
        WALLine.appendHex(crc, to: &out)
        out += Array("\"}".utf8)
        return out
    }

    /// `line` with the first occurrence of `old` replaced by `new` (byte strings).
    static func replacing(_ line: [UInt8], _ old: String, with new: String) -> [UInt8] {
        let o = Array(old.utf8)
        guard let r = line.firstRange(of: o) else { return line }
        var out = line
        out.replaceSubrange(r, with: Array(new.utf8))
        return out
    }

    /// The JSON member `"key":<int>` in a line, as an integer.
    static func intMember(_ line: [UInt8], _ key: String) -> Int? {
        guard case .object(let o)? = try? JSONParser.parse(line) else { return nil }
        return o[key]?.intValue
    }

    // MARK: - Processes

    /// Runs a program and returns its exit status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        let input = Pipe()
        if stdin != nil { p.standardInput = input }
        do { try p.run() } catch { return (-1, "cannot run \(executable): \(error)") }
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The path of a program found in `PATH`, or `nil`.
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
