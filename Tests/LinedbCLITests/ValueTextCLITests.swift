import Foundation
import Testing

/// `--set`, `--where`, KEY and CSV import read text with the engine's one parser, so the same text gives the same
/// value everywhere; CSV keeps the empty string apart from null, and export then import gives the records back.
@Suite("linedb: one parser for typed values, CSV round trips")
struct ValueTextCLITests {
    private func table(_ dir: Scratch) throws {
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run(["create-table", dir.db, "t", "--column", "id:int:pk", "--column", "s:str:notnull",
                              "--column", "n:str", "--column", "b:bool", "--column", "j:json"]))
    }

    @Test("--set and --where take the same spellings as CSV: yes/no, null, \"\" and JSON string literals")
    func sameRulesEverywhere() throws {
        let dir = Scratch()
        try table(dir)
        try expectOK(CLI.run(["insert", dir.db, "t", #"{"id": 1, "s": "x"}"#]))
        let set = try expectOK(CLI.run(["update", dir.db, "t", "1", "--set", "b=yes", "--set", #"s="""#,
                                        "--set", "n=null", "--set", #"j="null""#]))
        #expect(set.stdout == #"{"id":1,"s":"","n":null,"b":true,"j":"null"}"# + "\n")
        #expect(try CLI.run(["select", dir.db, "t", "--where", #"s="""#, "--where", "b=Y", "--where", "n="]).lines.count == 1)
        let word = try expectOK(CLI.run(["update", dir.db, "t", "1", "--set", #"n="null""#]))
        #expect(word.stdout.contains(#""n":"null""#))
        // The same texts in a CSV file give the same values.
        dir.write("in.csv", "id,s,n,b,j\n2,\"\",null,yes,\"\"\"null\"\"\"\n")
        try expectOK(CLI.run(["import", dir.db, "t", dir.path + "/in.csv"]))
        #expect(try CLI.run(["select", dir.db, "t", "--where", "id=2"]).stdout
            == #"{"id":2,"s":"","n":null,"b":true,"j":"null"}"# + "\n")
    }

    @Test("CSV export then import keeps \"\" (NOT NULL and nullable), null, the word null and line breaks")
    func csvRoundTrip() throws {
        let dir = Scratch()
        try table(dir)
        let input = [
            #"{"id": 1, "s": "", "n": null, "b": null, "j": ""}"#,
            #"{"id": 2, "s": "null", "n": "", "b": false, "j": null}"#,
            #"{"id": 3, "s": "a\r\nb, \"c\"", "n": " x ", "b": true, "j": {"k": ["v,", null]}}"#,
            #"{"id": 4, "s": "\u001b]0;t\u0007", "n": "\"\"", "b": null, "j": "null"}"#,
        ]
        try expectOK(CLI.run(["insert", dir.db, "t"], stdin: input.joined(separator: "\n") + "\n"))
        let before = try expectOK(CLI.run(["select", dir.db, "t"])).stdoutBytes
        try expectOK(CLI.run(["export", dir.db, "t", dir.path + "/t.csv"]))
        let copy = dir.path + "/copy"
        try expectOK(CLI.run(["init", copy]))
        try expectOK(CLI.run(["create-table", copy, "t", "--column", "id:int:pk", "--column", "s:str:notnull",
                              "--column", "n:str", "--column", "b:bool", "--column", "j:json"]))
        try expectOK(CLI.run(["import", copy, "t", dir.path + "/t.csv"]))
        let after = try expectOK(CLI.run(["select", copy, "t"])).stdoutBytes
        #expect(after == before, "\(String(decoding: after, as: UTF8.self))")
    }
}
