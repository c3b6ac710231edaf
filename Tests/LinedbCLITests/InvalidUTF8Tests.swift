import Foundation
import Testing

/// Invalid UTF-8 given to `insert` (or any command) is refused with its byte offset, never repaired into U+FFFD,
/// as `import` refuses it in a file.
@Suite("linedb: invalid UTF-8 on the command line and standard input")
struct InvalidUTF8Tests {
    /// Runs `linedb` with arguments given as raw bytes (Process only passes Swift strings, which are UTF-8) and
    /// standard input from raw bytes, through python3's `os.execv`.
    private func runRaw(_ args: [[UInt8]], stdin: [UInt8] = [], in dir: Scratch) throws -> CommandResult {
        let input = dir.path + "/stdin.bin"
        try Data(stdin).write(to: URL(fileURLWithPath: input))
        let script = """
            import os, sys
            fd = os.open(sys.argv[1], os.O_RDONLY); os.dup2(fd, 0)
            os.execv(sys.argv[2], [sys.argv[2].encode()] + [bytes.fromhex(a) for a in sys.argv[3:]])
            """
        let hex = args.map { $0.map { String(format: "%02x", $0) }.joined() }
        return try CLI.runProgram("/usr/bin/env", ["python3", "-c", script, input, try CLI.binary.get()] + hex, stdin: nil)
    }

    private func course(_ dir: Scratch) throws {
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run(["create-table", dir.db, "course", "--column", "code:str:pk", "--column", "title:str"]))
    }

    @Test("a record argument with invalid UTF-8 is refused with its byte offset; nothing is inserted")
    func argumentRefused() throws {
        let dir = Scratch()
        try course(dir)
        let walBefore = dir.read("db/wal/transaction.log")
        let record = Array(#"{"code": "A"#.utf8) + [0xFF] + Array(#"", "title": "x"}"#.utf8)
        let result = try runRaw([Array("insert".utf8), Array(dir.db.utf8), Array("course".utf8), record], in: dir)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("argument 4") && result.stderr.contains("not valid UTF-8")
            && result.stderr.contains("byte offset 11") && result.stderr.contains("0xFF"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(dir.read("db/wal/transaction.log") == walBefore, "nothing was written")
        #expect(try CLI.run(["select", dir.db, "course"]).stdout.isEmpty)
        // The same bytes through import are refused too (the rule everywhere).
        try Data(record + [0x0A]).write(to: URL(fileURLWithPath: dir.path + "/c.jsonl"))
        let imported = try CLI.run(["import", dir.db, "course", dir.path + "/c.jsonl"])
        #expect(imported.status == 1 && imported.stderr.contains("UTF-8"), "\(imported)")
    }

    @Test("--set, --where, KEY and table arguments with invalid UTF-8 are refused too, before anything is opened")
    func otherArgumentsRefused() throws {
        let dir = Scratch()
        try course(dir)
        try expectOK(CLI.run(["insert", dir.db, "course", #"{"code": "A"}"#]))
        let walBefore = dir.read("db/wal/transaction.log")
        let bad: [UInt8] = Array("x".utf8) + [0xC3, 0x28]  // a lead byte followed by no continuation byte
        for args in [
            [Array("update".utf8), Array(dir.db.utf8), Array("course".utf8), Array("A".utf8),
             Array("--set".utf8), Array("title=".utf8) + bad],
            [Array("select".utf8), Array(dir.db.utf8), Array("course".utf8), Array("--where".utf8),
             Array("code=".utf8) + bad],
            [Array("delete".utf8), Array(dir.db.utf8), Array("course".utf8), bad],
        ] {
            let result = try runRaw(args, in: dir)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("not valid UTF-8"), "\(result.stderr)")
        }
        #expect(dir.read("db/wal/transaction.log") == walBefore, "nothing was written")
        #expect(try CLI.run(["select", dir.db, "course"]).lines == [#"{"code":"A","title":null}"#])
    }

    @Test("a stdin line with invalid UTF-8 stops insert there, naming line and byte; earlier lines stay inserted")
    func stdinRefused() throws {
        let dir = Scratch()
        try course(dir)
        let input = Array(#"{"code": "A"}"#.utf8) + [0x0A] + Array(#"{"code": "B", "title": "caf"#.utf8)
            + [0xE9] + Array(#""}"#.utf8) + [0x0A] + Array(#"{"code": "C"}"#.utf8) + [0x0A]
        let result = try runRaw([Array("insert".utf8), Array(dir.db.utf8), Array("course".utf8)], stdin: input, in: dir)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout == "A\n", "the first record was acknowledged")
        #expect(result.stderr.contains("stdin line 2") && result.stderr.contains("not valid UTF-8")
            && result.stderr.contains("byte offset 27 of the line") && result.stderr.contains("byte offset 41 of the input"),
            "\(result.stderr)")
        #expect(try CLI.run(["select", dir.db, "course"]).lines == [#"{"code":"A","title":null}"#],
                "no U+FFFD was stored, and nothing after the bad line")
    }

    @Test("valid UTF-8 on stdin still streams: multi-byte text, CRLF line ends, a last line without a newline")
    func stdinValid() throws {
        let dir = Scratch()
        try course(dir)
        let input = Array("{\"code\": \"É-1\"}\r\n\n{\"code\": \"漢\"}\n{\"code\": \"😀\"}".utf8)
        let result = try runRaw([Array("insert".utf8), Array(dir.db.utf8), Array("course".utf8)], stdin: input, in: dir)
        expectOK(result)
        #expect(result.stdout == "É-1\n漢\n😀\n")
    }
}
