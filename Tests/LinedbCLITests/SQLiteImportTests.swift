import Foundation
import Testing

/// `linedb import-sqlite` on SQLite files LineDB did not write, and on input it must refuse without changing
/// anything.
@Suite("linedb import-sqlite: foreign files and bad input")
struct SQLiteImportTests {
    /// A SQLite file made by the sqlite3 shell, as another program would leave it.
    static let shopSQL = """
        CREATE TABLE product (sku TEXT PRIMARY KEY, name VARCHAR(40) NOT NULL, price NUMERIC(10,2) DEFAULT 9.5,
            qty INT DEFAULT 0, added TIMESTAMP DEFAULT CURRENT_TIMESTAMP, meta JSON, flag BOOL, pic BLOB, anything);
        CREATE UNIQUE INDEX product_name ON product(name);
        CREATE TABLE link (a INTEGER, b INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID;
        CREATE TABLE log (msg TEXT, n REAL, UNIQUE (msg, n));
        CREATE VIEW cheap AS SELECT * FROM product WHERE price < 2;
        INSERT INTO product VALUES ('A1', 'Pen ✒️', 1.25, 3, '2026-01-02 10:00:00', '{"c": [1, 2]}', 1, x'00ff', 'x');
        INSERT INTO product (sku, name, meta, anything) VALUES ('B2', 'Ink', '5', 7);
        INSERT INTO link VALUES (1, 2), (2, 3);
        INSERT INTO log VALUES ('hi', 1.5), (NULL, NULL);
        """

    private func makeSQLite(_ dir: Scratch, _ name: String, _ sql: String) throws -> String {
        let file = dir.path + "/" + name
        let made = try CLI.runTool("sqlite3", [file, sql])
        #expect(made.status == 0, "\(made)")
        return file
    }

    @Test("declared types map by SQLite's affinity rules; one-column keys, NOT NULL, UNIQUE and defaults are kept")
    func foreignFile() throws {
        let dir = Scratch()
        let file = try makeSQLite(dir, "shop.sqlite", Self.shopSQL)
        try expectOK(CLI.run(["init", dir.db]))
        let result = try expectOK(CLI.run(["import-sqlite", file, dir.db]))
        #expect(result.stdout.hasSuffix("imported 3 tables (6 records) from \(file) into \(dir.db)\n"), "\(result)")
        // What could not be kept is said, one note per line.
        for note in [
            "link: the primary key (a, b) spans several columns", "log: the UNIQUE constraint (msg, n) is not kept",
            "product.added: the default CURRENT_TIMESTAMP is not a constant",
            "product.pic: 1 BLOB value imported as base64",
        ] {
            #expect(result.stderr.contains("linedb: note: " + note), "\(result.stderr)")
        }
        #expect(try CLI.run(["select", dir.db, "product"]).lines == [
            #"{"sku":"A1","name":"Pen ✒️","price":1.25,"qty":3,"added":"2026-01-02 10:00:00","meta":{"c":[1,2]},"#
                + #""flag":true,"pic":"AP8=","anything":"x"}"#,
            #"{"sku":"B2","name":"Ink","price":9.5,"qty":0,"added":"#
                + #""\#(try addedOfB2(file))","meta":5,"flag":null,"#
                + #""pic":null,"anything":7}"#,
        ])
        let schema = try schemaColumns(dir, "product")
        #expect(schema["sku"] == "str key")
        #expect(schema["name"] == "str notnull unique")
        #expect(schema["price"] == "float default=9.5")
        #expect(schema["qty"] == "int default=0")
        #expect(schema["added"] == "datetime")
        #expect(schema["meta"] == "json")
        #expect(schema["flag"] == "bool")
        #expect(schema["anything"] == "json")
        #expect(try CLI.run(["select", dir.db, "link"]).lines == [#"{"id":1,"a":1,"b":2}"#, #"{"id":2,"a":2,"b":3}"#])
        #expect(try CLI.run(["select", dir.db, "log"]).lines
            == [#"{"id":1,"msg":"hi","n":1.5}"#, #"{"id":2,"msg":null,"n":null}"#])
        // LineDB enforces what it kept.
        let duplicate = try CLI.run(["insert", dir.db, "product"], stdin: #"{"sku": "C3", "name": "Ink"}"# + "\n")
        #expect(duplicate.status == 1 && duplicate.stderr.contains("already used"), "\(duplicate)")
    }

    @Test("a column named id becomes the key when SQLite declares no primary key")
    func idBecomesTheKey() throws {
        let dir = Scratch()
        let file = try makeSQLite(
            dir, "p.sqlite",
            "CREATE TABLE people (id INTEGER, name TEXT); INSERT INTO people VALUES (5, 'a'), (9, 'b');")
        try expectOK(CLI.run(["init", dir.db]))
        let result = try expectOK(CLI.run(["import-sqlite", file, dir.db]))
        #expect(result.stderr
            == "linedb: note: people.id: becomes the LineDB key (SQLite declares no one-column primary key)\n")
        #expect(try CLI.run(["select", dir.db, "people"]).lines == [#"{"id":5,"name":"a"}"#, #"{"id":9,"name":"b"}"#])
        #expect(try expectOK(CLI.run(["delete", dir.db, "people", "9"])).stdout.contains(#""name":"b""#))
    }

    @Test("--tables imports only the tables named")
    func someTables() throws {
        let dir = Scratch()
        let file = try makeSQLite(dir, "shop.sqlite", Self.shopSQL)
        try expectOK(CLI.run(["init", dir.db]))
        try expectOK(CLI.run(["import-sqlite", file, dir.db, "--tables", "log, link"]))
        #expect(dir.list("db/schema") == ["link.schema.json", "log.schema.json"])
    }

    @Test("bad input gives one line, exit 1 (data) or 2 (usage), and leaves the database as it was")
    func badInputChangesNothing() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let shop = try makeSQLite(dir, "shop.sqlite", Self.shopSQL)
        let clash = try makeSQLite(dir, "clash.sqlite", "CREATE TABLE student (id INTEGER PRIMARY KEY, x TEXT)")
        let badValue = try makeSQLite(dir, "bad-value.sqlite", """
            CREATE TABLE ok (id INTEGER PRIMARY KEY); INSERT INTO ok VALUES (1);
            CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 5), (2, 'five');
            """)
        // SQLite lets a TEXT primary key be NULL (a legacy quirk); LineDB does not, and finds out before writing.
        let nullKey = try makeSQLite(dir, "null-key.sqlite", """
            CREATE TABLE a (id INTEGER PRIMARY KEY); INSERT INTO a VALUES (1);
            CREATE TABLE k (code TEXT PRIMARY KEY, v INT); INSERT INTO k VALUES ('x', 1), (NULL, 2);
            """)
        let badJSON = try makeSQLite(dir, "bad-json.sqlite", "CREATE TABLE j (doc JSON); INSERT INTO j VALUES ('{no');")
        let oddNames = try makeSQLite(dir, "odd.sqlite", """
            CREATE TABLE [my table] (a); CREATE TABLE realid (id REAL, x);
            CREATE TABLE dup (id INT, v); INSERT INTO dup VALUES (1, 1), (1, 2);
            """)
        dir.write("text.sqlite", "SQLite format 3? no, just text\n")
        // A real SQLite file whose pages after the first (the schema) are overwritten: SQLite reports it malformed.
        var damaged = try Data(contentsOf: URL(fileURLWithPath: shop))
        #expect(damaged.count > 4096)
        damaged.replaceSubrange(4096..<damaged.count, with: Data(repeating: 0xff, count: damaged.count - 4096))
        try damaged.write(to: URL(fileURLWithPath: dir.path + "/damaged.sqlite"))
        let cases: [([String], Int32, String)] = [
            (["import-sqlite", dir.path + "/text.sqlite", dir.db], 1, "is not a SQLite database"),
            (["import-sqlite", dir.path + "/none.sqlite", dir.db], 2, "no file '\(dir.path)/none.sqlite'"),
            (["import-sqlite", dir.path + "/damaged.sqlite", dir.db], 1, "malformed"),
            (["import-sqlite", shop, dir.db, "--tables", "prodcut"], 2,
             "has no table 'prodcut' (did you mean 'product'?)"),
            (["import-sqlite", shop, dir.db, "--tables", "zzz"], 2,
             "has no table 'zzz'; its tables: link, log, product"),
            (["import-sqlite", shop, dir.db, "--tables", ","], 2, "--tables needs at least one table name"),
            (["import-sqlite", clash, dir.db], 1, "table 'student' already exists in \(dir.db); nothing imported"),
            (["import-sqlite", badValue, dir.db], 1,
             "table 't', row 2, column 'n' (int): TEXT 'five' is not an integer"),
            (["import-sqlite", nullKey, dir.db], 1, "table 'k': k.code may not be null"),
            (["import-sqlite", badJSON, dir.db], 1, "TEXT '{no' is not valid JSON"),
            (["import-sqlite", shop, dir.path + "/nodb"], 2, "no database at"),
            (["import-sqlite", oddNames, dir.db, "--tables", "my table"], 1,
             "'my table' cannot be a LineDB table name"),
            (["import-sqlite", oddNames, dir.db, "--tables", "realid"], 1, "its column 'id' (the name LineDB gives"),
            (["import-sqlite", oddNames, dir.db, "--tables", "dup"], 1, "dup.id: the value 1 is already used"),
        ]
        let before = snapshot(dir)
        for (args, code, message) in cases {
            let result = try CLI.run(args)
            #expect(result.status == code, "\(args): \(result)")
            #expect(result.stderr.hasPrefix("linedb: ") && result.stderr.contains(message), "\(args): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(args): not one line: \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(args): \(result.stdout)")
            #expect(snapshot(dir) == before, "\(args) changed the database")
        }
        #expect(!dir.exists("nodb"))
        #expect(try CLI.run(["select", dir.db, "student"]).lines.count == 3)
    }

    /// The files of the database (names and contents), except the writer's lock file.
    private func snapshot(_ dir: Scratch) -> [String: String] {
        var files: [String: String] = [:]
        for sub in ["schema", "data", "wal"] {
            for name in dir.list("db/" + sub) where !name.hasSuffix(".lock") {
                files[sub + "/" + name] = dir.read("db/\(sub)/\(name)")
            }
        }
        return files
    }

    /// The CURRENT_TIMESTAMP SQLite stored for B2.
    private func addedOfB2(_ file: String) throws -> String {
        try CLI.runTool("sqlite3", [file, "SELECT added FROM product WHERE sku = 'B2'"]).stdout
            .trimmingCharacters(in: .newlines)
    }

    /// `name → "type [key] [notnull] [unique] [default=...]"` of a table's schema file.
    private func schemaColumns(_ dir: Scratch, _ table: String) throws -> [String: String] {
        let data = Data(dir.read("db/schema/\(table).schema.json").utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let columns = try #require(object["schema"] as? [String: [String: Any]])
        return columns.mapValues { c in
            var parts = [c["type"] as? String ?? "?"]
            if c["primary_key"] as? Bool == true { parts.append("key") }
            else if c["nullable"] as? Bool == false { parts.append("notnull") }
            if c["unique"] as? Bool == true { parts.append("unique") }
            if let d = c["default"] { parts.append("default=\(d)") }
            return parts.joined(separator: " ")
        }
    }
}
