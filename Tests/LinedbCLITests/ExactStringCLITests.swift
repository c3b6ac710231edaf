import Foundation
import Testing

/// Issue 12 item 3 through the command line: names and keys are compared by their exact Unicode scalars, as the
/// seed's Python and SQLite compare them. `K` (U+004B) and the Kelvin sign `K` (U+212A) are two tables; `café`
/// as NFC (U+00E9) and as NFD (`e` + U+0301) are two keys.
@Suite("linedb: exact string comparison of names and keys")
struct ExactStringCLITests {
    static let kelvin = "\u{212A}"
    static let nfc = "caf\u{E9}"
    static let nfd = "cafe\u{301}"

    @Test("create-table K (Kelvin sign) next to K succeeds; each table keeps its own inserts; a repeated exact name is refused")
    func createTableNextToKelvin() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run(["create-table", dir.db, "K", "--column", "id:int:pk", "--column", "v:str"]))
        try expectOK(CLI.run(["create-table", dir.db, Self.kelvin, "--column", "id:int:pk", "--column", "v:str"]))
        let again = try CLI.run(["create-table", dir.db, Self.kelvin, "--column", "id:int:pk"])
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again)")
        try expectOK(CLI.run(["insert", dir.db, "K", #"{"v": "latin"}"#]))
        try expectOK(CLI.run(["insert", dir.db, Self.kelvin, #"{"v": "kelvin"}"#]))
        try expectOK(CLI.run(["checkpoint", dir.db]))
        #expect(try expectOK(CLI.run(["select", dir.db, "K"])).lines == [#"{"id":1,"v":"latin"}"#])
        #expect(try expectOK(CLI.run(["select", dir.db, Self.kelvin])).lines == [#"{"id":1,"v":"kelvin"}"#])
        #expect(dir.lines("db/data/K.records") == [#"{"id":1,"v":"latin"}"#])
        #expect(dir.lines("db/data/\(Self.kelvin).records") == [#"{"id":1,"v":"kelvin"}"#])
    }

    @Test("NFC and NFD keys written by another program: update and delete by the exact key touch only that record")
    func updateAndDeleteByExactKey() throws {
        let dir = Scratch()
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run(["create-table", dir.db, "word", "--column", "w:str:pk", "--column", "n:int"]))
        // As Python's json.dumps writes them (ensure_ascii).
        dir.write("db/data/word.records", #"{"w": "caf\u00e9", "n": 1}"# + "\n" + #"{"w": "cafe\u0301", "n": 2}"# + "\n")
        #expect(try expectOK(CLI.run(["select", dir.db, "word"])).lines.count == 2)
        try expectOK(CLI.run(["update", dir.db, "word", Self.nfd, "--set", "n=20"]))
        try expectOK(CLI.run(["delete", dir.db, "word", Self.nfc]))
        #expect(try expectOK(CLI.run(["select", dir.db, "word"])).lines == [#"{"w":"\#(Self.nfd)","n":20}"#])
        let missing = try CLI.run(["delete", dir.db, "word", Self.nfc])
        #expect(missing.status != 0, "\(missing)")
        try expectOK(CLI.run(["insert", dir.db, "word", #"{"w": "caf\u00e9", "n": 3}"#]))
        try expectOK(CLI.run(["checkpoint", dir.db]))
        #expect(Set(dir.lines("db/data/word.records")) == [
            #"{"w":"\#(Self.nfd)","n":20}"#, #"{"w":"\#(Self.nfc)","n":3}"#,
        ])
    }

    @Test("import-sqlite of tables K and K (Kelvin sign) keeps both, each with its rows")
    func importSQLiteKelvin() throws {
        let dir = Scratch()
        let file = dir.path + "/k.sqlite"
        let made = try CLI.runTool("sqlite3", [file, """
            CREATE TABLE "K" (id INTEGER PRIMARY KEY, v TEXT);
            CREATE TABLE "\(Self.kelvin)" (id INTEGER PRIMARY KEY, v TEXT);
            INSERT INTO "K" VALUES (1, 'latin');
            INSERT INTO "\(Self.kelvin)" VALUES (1, 'kelvin'), (2, 'kelvin 2');
            """])
        #expect(made.status == 0, "\(made)")
        try expectOK(CLI.run(["init", dir.db]))
        let result = try expectOK(CLI.run(["import-sqlite", file, dir.db]))
        #expect(result.stdout.contains("imported 2 tables (3 records)"), "\(result)")
        #expect(try expectOK(CLI.run(["select", dir.db, "K"])).lines == [#"{"id":1,"v":"latin"}"#])
        #expect(try expectOK(CLI.run(["select", dir.db, Self.kelvin])).lines == [
            #"{"id":1,"v":"kelvin"}"#, #"{"id":2,"v":"kelvin 2"}"#,
        ])
        // One of them by name, next to the other already there: not taken for a clash.
        let other = Scratch()
        try expectOK(CLI.run(["init", other.db]))
        try expectOK(CLI.run(["create-table", other.db, "K", "--column", "id:int:pk"]))
        let one = try expectOK(CLI.run(["import-sqlite", file, other.db, "--tables", Self.kelvin]))
        #expect(one.stdout.contains("imported 1 table (2 records)"), "\(one)")
    }
}
