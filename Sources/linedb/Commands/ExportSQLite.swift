#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import LineDB
import LineDBSQL

/// `linedb export-sqlite DB FILE [--force]`
struct ExportSQLite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-sqlite",
        abstract: "Write the whole database as a SQLite file.",
        discussion: """
            One SQLite table per LineDB table, with its primary key, NOT NULL, UNIQUE and defaults. Types: int → \
            INTEGER, float → REAL, str → TEXT, bool → BOOLEAN (0/1, with a CHECK), datetime → DATETIME and date → \
            DATE (ISO 8601 text), json → TEXT holding the JSON (with CHECK (json_valid(...))). Written in one \
            transaction to a temporary file that is synced and renamed into place, so FILE is complete or absent. \
            An existing FILE is refused unless --force. Read-only: works while another process writes. From \
            SQLite, PostgreSQL is one `pgloader` away.

            Example:
              linedb export-sqlite uni uni.sqlite
              sqlite3 uni.sqlite '.schema student'
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: ArgumentHelp("The SQLite file to write.", valueName: "file"))
    var file: String

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    func run() throws {
        var status = stat()
        if stat(file, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFDIR { throw UsageError("'\(file)' is a directory; name a file") }
            if !force { throw UsageError("\(file) already exists; use --force to replace it") }
        }
        let db = try database.openForReading()
        defer { try? db.close() }
        let temporary = Self.temporaryPath(for: file)
        let summary: SQLiteExport.Summary
        do {
            summary = try SQLiteExport.write(db, to: temporary, label: file)
            guard rename(temporary, file) == 0 else {
                throw LineDBError.io(operation: "rename to", path: file, errno: errno)
            }
        } catch let error as SQLiteError {
            unlink(temporary)
            throw DataError(error.description)  // the file could not be written: exit 1
        } catch {
            unlink(temporary)
            throw error
        }
        Self.syncParent(of: file)
        summary.warnings.forEach(ErrorReporting.printWarning)
        let records = summary.tables.reduce(0) { $0 + $1.records }
        for (name, count) in summary.tables { Output.line("\(name): \(plural(count, "record"))") }
        Output.line(
            "exported \(plural(summary.tables.count, "table")) (\(plural(records, "record"))) of \(database.path) "
                + "to \(file)")
    }

    /// `FILE.linedb-tmp-PID` next to FILE (same file system, so the rename is atomic).
    static func temporaryPath(for file: String) -> String {
        "\(file).linedb-tmp-\(getpid())"
    }

    /// Syncs the directory holding `file`, so the rename survives a crash (best effort).
    static func syncParent(of file: String) {
        let parent = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
        let fd = open(parent.isEmpty ? "/" : parent, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = close(fd)
    }
}
