import Foundation
import Testing

/// Issue 12, items 5, 6 and 13 through the `linedb` binary: a symbolic link among the database's files, an export
/// to a missing directory, a write-protected records file, a read-only file system.
@Suite("linedb: symbolic links, export directories, read-only files and file systems")
struct CLIFileSafetyTests {
    private static let dee = #"{"name": "Dee", "email": "dee@u.edu"}"#

    @Test(
        "a write command refuses a database whose file is a symbolic link, naming it; a read works; the outside file is unchanged",
        arguments: [".lock", "data/student.records", "wal/transaction.log", "schema/student.schema.json"])
    func symbolicLinkRefused(relative: String) throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["save", dir.db]))
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path + "/outside", withIntermediateDirectories: true)
        let outside = dir.path + "/outside/" + (relative as NSString).lastPathComponent
        if relative == ".lock" {
            try? fm.removeItem(atPath: dir.db + "/.lock")
            dir.write("outside/.lock", "precious\n")
        } else {
            try fm.moveItem(atPath: dir.db + "/" + relative, toPath: outside)
        }
        try fm.createSymbolicLink(atPath: dir.db + "/" + relative, withDestinationPath: outside)
        let before = try Data(contentsOf: URL(fileURLWithPath: outside))

        let insert = try CLI.run(["insert", dir.db, "student", Self.dee])
        #expect(insert.status == 1, "\(insert)")
        #expect(insert.stderr.hasPrefix("linedb: \(dir.db)/\(relative): is a symbolic link (to \(outside))"), "\(insert)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == before)

        if relative != ".lock" {
            // A reader takes no lock and writes nothing: it reads through the link, and says so.
            let select = expectOK(try CLI.run(["select", dir.db, "student", "--format", "jsonl"]))
            #expect(select.stdout.split(separator: "\n").count == 2, "\(select)")
            #expect(select.stderr.contains("\(dir.db)/\(relative) is a symbolic link"), "\(select)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside)) == before)
    }

    @Test("export to a missing directory: an error naming it, exit 1, and no directory is created")
    func exportMissingDirectory() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let file = dir.path + "/nonexistent/dir/out.csv"
        let result = try CLI.run(["export", dir.db, "student", file])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "linedb: cannot export to \(file): the directory \(dir.path)/nonexistent/dir does "
            + "not exist (create it first); nothing was written\n", "\(result)")
        #expect(!dir.exists("nonexistent"))
    }

    @Test("a write-protected records file (chmod 444): writes to its table are refused naming the file, the file unchanged")
    func writeProtectedRecordsFile() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        expectOK(try CLI.run(["save", dir.db]))
        let file = dir.db + "/data/student.records"
        chmod(file, 0o444)
        defer { chmod(file, 0o644) }
        let before = dir.read("db/data/student.records")
        for args in [
            ["insert", dir.db, "student", Self.dee],
            ["update", dir.db, "student", "1", "--set", "name=Anna"],
            ["delete", dir.db, "student", "1"],
        ] {
            let result = try CLI.run(args)
            #expect(result.status == 1, "\(args[0]): \(result)")
            #expect(result.stderr.contains("read-only: \(file) is write-protected (mode 444"), "\(args[0]): \(result)")
        }
        #expect(dir.read("db/data/student.records") == before)
        #expect(expectOK(try CLI.run(["select", dir.db, "student", "--format", "jsonl"])).stdout.split(separator: "\n").count == 2)
    }

    @Test("a database on a read-only file system: a write says so in one line; reading works")
    func readOnlyFileSystem() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        guard let ro = ReadOnlyFileSystem(making: dir.db) else {
            print("skipped: \(ReadOnlyFileSystem.skipReason)")
            return
        }
        defer { withExtendedLifetime((dir, ro)) {} }  // unmounted (or made writable) before the directory goes
        let insert = try CLI.run(["insert", ro.path, "student", Self.dee])
        #expect(insert.status == 1, "\(insert)")
        let why = ro.errno == EROFS ? "is on a read-only file system" : "cannot be written (Permission denied)"
        #expect(insert.stderr.hasPrefix("linedb: read-only: \(ro.path)") && insert.stderr.contains(why), "\(insert)")
        let select = expectOK(try CLI.run(["select", ro.path, "student", "--format", "jsonl"]))
        #expect(select.stdout.split(separator: "\n").count == 2)
    }
}
