import Foundation
import Testing

/// Issue 12, items 1, 4, 11 and 12 through the `linedb` command line: refused up front with a message naming
/// table, column and limit, or written so that every file reads back.
@Suite("linedb: value limits and automatic keys")
struct ValueLimitsCLITests {
    func docsDatabase() throws -> Scratch {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        expectOK(try CLI.run(["create-table", dir.db, "docs", "--column", "id:int:pk", "--column", "doc:json"]))
        return dir
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
    }

    /// Every line of the WAL parses with Python's json module refusing NaN/Infinity (strict RFC 8259).
    func expectStrictJSONLines(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let python = try CLI.runTool("python3", [
            "-c",
            "import json,sys\ndef no(c): raise ValueError(c)\n"
                + "print(len([json.loads(l, parse_constant=no) for l in open(sys.argv[1])]))",
            path,
        ])
        #expect(python.status == 0, "\(python)", sourceLocation: sourceLocation)
    }

    @Test("insert without a key after the key 9223372036854775807 is refused, also after checkpoint and reopen; nothing wraps")
    func automaticKeysExhausted() throws {
        let dir = try docsDatabase()
        let result = try CLI.run(["insert", dir.db, "docs", #"{"id": 9223372036854775807, "doc": 1}"#, #"{"doc": 2}"#])
        #expect(result.status != 0, "\(result)")
        #expect(result.lines == ["9223372036854775807"], "\(result)")
        #expect(result.stderr.contains("automatic keys are exhausted in table 'docs'"), "\(result)")
        #expect(!result.stdout.contains("-9223372036854775808"))
        expectOK(try CLI.run(["checkpoint", dir.db]))
        let again = try CLI.run(["insert", dir.db, "docs"], stdin: "{\"doc\": 3}\n")
        #expect(again.status != 0 && again.stderr.contains("automatic keys are exhausted"), "\(again)")
        expectOK(try CLI.run(["insert", dir.db, "docs", #"{"id": 5, "doc": 4}"#]))
        #expect(expectOK(try CLI.run(["select", dir.db, "docs"])).lines.sorted() == [
            #"{"id":5,"doc":4}"#, #"{"id":9223372036854775807,"doc":1}"#,
        ])
    }

    @Test("NaN, Infinity and 1e400 are refused by insert (argument and stdin) and import, naming the byte; every file stays RFC 8259 JSON")
    func nonFiniteRefused() throws {
        let dir = try docsDatabase()
        expectOK(try CLI.run(["insert", dir.db, "docs", #"{"id": 1, "doc": [1.5]}"#]))
        for bad in ["NaN", "Infinity", "-Infinity", "1e400", "[1, NaN]"] {
            let argument = try CLI.run(["insert", dir.db, "docs", #"{"doc": \#(bad)}"#])
            #expect(argument.status != 0 && argument.stderr.contains("byte"), "\(bad): \(argument)")
            let stdin = try CLI.run(["insert", dir.db, "docs"], stdin: "{\"doc\": \(bad)}\n")
            #expect(stdin.status != 0, "\(bad): \(stdin)")
            dir.write("in.jsonl", "{\"id\": 7, \"doc\": \(bad)}\n")
            let imported = try CLI.run(["import", dir.db, "docs", dir.path + "/in.jsonl"])
            #expect(imported.status != 0 && imported.stderr.contains("nothing was imported"), "\(bad): \(imported)")
        }
        #expect(expectOK(try CLI.run(["select", dir.db, "docs"])).lines == [#"{"id":1,"doc":[1.5]}"#])
        try expectStrictJSONLines(dir.db + "/wal/transaction.log")
    }

    @Test("a json value nested 500 levels is inserted, exported and imported back; 501 is refused naming docs.doc and the limit")
    func nestingLimit() throws {
        let dir = try docsDatabase()
        expectOK(try CLI.run(["insert", dir.db, "docs", "{\"id\": 1, \"doc\": \(Self.nested(500))}"]))
        let refused = try CLI.run(["insert", dir.db, "docs", "{\"id\": 2, \"doc\": \(Self.nested(501))}"])
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("docs.doc") && refused.stderr.contains("the limit is 500"), "\(refused)")
        expectOK(try CLI.run(["check", dir.db]))
        expectOK(try CLI.run(["export", dir.db, "docs", dir.path + "/out.json"]))
        let copy = dir.path + "/copy"
        expectOK(try CLI.run(["init", copy]))
        expectOK(try CLI.run(["create-table", copy, "docs", "--column", "id:int:pk", "--column", "doc:json"]))
        expectOK(try CLI.run(["import", copy, "docs", dir.path + "/out.json"]))
        #expect(expectOK(try CLI.run(["select", copy, "docs"])).stdout
            == expectOK(try CLI.run(["select", dir.db, "docs"])).stdout)
    }

    @Test("a record of more than 16 MiB in a records file can be deleted with linedb delete, and stays deleted")
    func deleteHugeRecord() throws {
        let dir = try docsDatabase()
        let big = String(repeating: "y", count: 17 << 20)
        dir.write("db/data/docs.records", "{\"id\":1,\"doc\":\"\(big)\"}\n{\"id\":2,\"doc\":null}\n")
        let update = try CLI.run(["update", dir.db, "docs", "1", "--set", "id=3"])
        #expect(update.status != 0 && update.stderr.contains("at most 16777216 bytes"), "\(update)")
        expectOK(try CLI.run(["delete", dir.db, "docs", "1"]))
        expectOK(try CLI.run(["check", dir.db]))
        #expect(expectOK(try CLI.run(["select", dir.db, "docs"])).lines == [#"{"id":2,"doc":null}"#])
        expectOK(try CLI.run(["checkpoint", dir.db]))
        #expect(expectOK(try CLI.run(["select", dir.db, "docs"])).lines == [#"{"id":2,"doc":null}"#])
        #expect(dir.size("db/data/docs.records") < 100)
    }
}
