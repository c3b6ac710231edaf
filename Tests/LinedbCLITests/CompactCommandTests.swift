import Foundation
import Testing

/// `linedb compact`, `linedb checkpoint --keep-archives`, and the history in `linedb stats`, on the real binary.
@Suite("linedb compact and history retention")
struct CompactCommandTests {
    /// A student database with `archives` checkpoints, one insert before each, and one more insert after. Plain
    /// archives (`--no-gzip`): these tests read their lines (retention of gzipped ones: GzipArchiveTests).
    static func database(archives: Int) throws -> Scratch {
        let dir = try Scratch().studentDatabase(count: 2)
        for i in 0..<archives {
            expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": "N\#(i)", "email": "n\#(i)@u.edu"}"#]))
            expectOK(try CLI.run(["checkpoint", dir.db, "--no-gzip"]))
        }
        expectOK(try CLI.run(["insert", dir.db, "student", #"{"name": "Last", "email": "last@u.edu"}"#]))
        return dir
    }

    /// The archives (plain or gzipped), in the order the checkpoints wrote them (names sort so within a second too).
    static func archives(_ dir: Scratch) -> [String] {
        dir.list("db/wal").filter {
            $0.hasPrefix("transaction.") && ($0.hasSuffix(".log") || $0.hasSuffix(".log.gz")) && $0 != "transaction.log"
        }
            .sorted { a, b in
                func key(_ s: String) -> (String, Int) {
                    let core = s.dropFirst(12).dropLast(s.hasSuffix(".gz") ? 7 : 4).split(separator: "_")
                    return (core.prefix(2).joined(separator: "_"), core.count == 3 ? Int(core[2])! : 0)
                }
                return key(a) < key(b)
            }
    }

    static func files(_ dir: Scratch) -> [String: Data] {
        var out: [String: Data] = [:]
        for sub in ["wal", "data", "schema"] {
            for name in dir.list("db/" + sub) { out[sub + "/" + name] = FileManager.default.contents(atPath: dir.db + "/" + sub + "/" + name) }
        }
        return out
    }

    static func history(_ dir: Scratch) throws -> [String: Any] {
        let stats = try #require(try foundationJSON(expectOK(try CLI.run(["stats", dir.db, "--json"])).stdout) as? [String: Any])
        return try #require((stats["disk"] as? [String: Any])?["history"] as? [String: Any])
    }

    @Test("--dry-run changes nothing; the real run removes the oldest archives and prints them and the reach")
    func dryRunThenCompact() throws {
        let dir = try Self.database(archives: 4)
        let all = Self.archives(dir)
        #expect(all.count == 4)
        let files = Self.files(dir)
        let dry = expectOK(try CLI.run(["compact", dir.db, "--keep-archives", "1", "--dry-run"]))
        #expect(Self.files(dir) == files, "a dry run changed a file")
        #expect(dry.lines.prefix(3) == ArraySlice(all.prefix(3).map { name in
            dry.lines.first { $0.hasPrefix("would remove wal/\(name) (") } ?? "missing \(name)"
        }))
        #expect(dry.stdout.contains("would remove 3 archives, "))

        let before = expectOK(try CLI.run(["select", dir.db, "student"])).stdout
        let run = expectOK(try CLI.run(["compact", dir.db, "--keep-archives", "1"]))
        #expect(Self.archives(dir) == [all[3]])
        for name in all.prefix(3) { #expect(run.stdout.contains("removed wal/\(name) (")) }
        #expect(run.stdout.contains("removed 3 archives, ") && run.stdout.contains("1 archive kept"))
        #expect(dry.lines.last?.replacingOccurrences(of: "would reach", with: "reaches") == run.lines.last)
        // The reach printed is the one stats reports; the live WAL and the records are untouched.
        let history = try Self.history(dir)
        #expect(history["archives"] as? Int == 1)
        #expect(history["archive_bytes"] as? Int == dir.size("db/wal/" + all[3]))
        let earliest = try #require(history["earliest_lsn"] as? Int)
        let time = try #require(history["earliest_time"] as? String)
        #expect(run.lines.last == "the history reaches back to lsn \(earliest) (\(time))")
        #expect(dir.read("db/wal/" + all[3]).hasPrefix(#"{"timestamp":"\#(time)","operation":"CHECKPOINT""#))
        #expect(FileManager.default.contents(atPath: dir.db + "/wal/transaction.log") == files["wal/transaction.log"])
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).stdout == before)
        let text = expectOK(try CLI.run(["stats", dir.db])).stdout
        #expect(text.contains("History: 1 archive, ") && text.contains("; reaches back to lsn \(earliest) (\(time))"))
        #expect(text.contains("older archives were removed"))
    }

    @Test("--json prints what was removed and the earliest moment; --keep-lsn keeps what that LSN needs")
    func jsonAndKeepLSN() throws {
        let dir = try Self.database(archives: 3)
        let all = Self.archives(dir)
        let lastOfFirst = dir.lines("db/wal/" + all[0]).count  // LSNs start at 1, one line each
        let out = expectOK(try CLI.run(["compact", dir.db, "--keep-lsn", "\(lastOfFirst)", "--json"]))
        let o = try #require(try foundationJSON(out.stdout) as? [String: Any])
        #expect((o["removed"] as? [[String: Any]])?.map { $0["file"] as? String } == [all[0]])
        #expect(o["kept"] as? [String] == Array(all.dropFirst()))
        #expect(o["earliest_lsn"] as? Int == lastOfFirst)
        #expect(o["dry_run"] as? Bool == false)
        #expect(Self.archives(dir) == Array(all.dropFirst()))
    }

    @Test("checkpoint --keep-archives N checkpoints, then removes what the rule does not keep")
    func checkpointWithRule() throws {
        let dir = try Self.database(archives: 3)
        let result = expectOK(try CLI.run(["checkpoint", dir.db, "--keep-archives", "2"]))
        let now = Self.archives(dir)
        #expect(now.count == 2)
        #expect(result.stdout.contains("archived the WAL as wal/\(now[1])"))
        #expect(result.stdout.contains("removed 2 archives, "))
    }

    @Test("no rule, two rules, a negative count or a bad time are usage errors that change nothing")
    func usageErrors() throws {
        let dir = try Self.database(archives: 2)
        let files = Self.files(dir)
        for args in [[], ["--keep-archives", "1", "--keep-lsn", "3"], ["--keep-archives", "-1"], ["--keep-since", "yesterday"]] {
            let r = try CLI.run(["compact", dir.db] + args)
            #expect(r.status == 2, "\(args): \(r)")
            #expect(r.stderr.contains("--keep"), "\(args): \(r.stderr)")
        }
        let r = try CLI.run(["compact", dir.db, "--keep-lsn", "999999"])
        #expect(r.status != 0 && r.stderr.contains("after the last entry"), "\(r)")
        #expect(Self.files(dir) == files)
    }

    @Test("compact killed with SIGKILL after its second archive: the database opens with every record")
    func killedCompaction() throws {
        let dir = try Self.database(archives: 4)
        let all = Self.archives(dir)
        let before = expectOK(try CLI.run(["select", dir.db, "student"])).stdout
        let binary = try CLI.binary.get()
        let r = try CLI.runProgram("/usr/bin/env", [
            "LINEDB_FAILPOINTS=retention.afterUnlink=kill@2", binary, "compact", dir.db, "--keep-archives", "0",
        ], stdin: nil)
        #expect(r.signaled && r.status == SIGKILL, "\(r)")
        #expect(Self.archives(dir) == Array(all.suffix(2)), "the two oldest went, in order")
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).stdout == before)
        let check = try CLI.run(["check", dir.db])
        #expect(check.status == 0, "\(check)")
        expectOK(try CLI.run(["compact", dir.db, "--keep-archives", "0"]))
        #expect(Self.archives(dir) == [])
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).stdout == before)
        #expect(try Self.history(dir)["archives"] as? Int == 0)
    }
}
