import Foundation
import Testing

@Suite("linedb init and create-table")
struct InitAndCreateTableTests {
    @Test("init creates the directories and an empty WAL, creates parents, and is a no-op on an existing database")
    func initCreatesLayout() throws {
        let dir = Scratch()
        let db = dir.path + "/nested/deeper/uni"
        let result = expectOK(try CLI.run(["init", db]))
        #expect(result.stdout == "created an empty database in \(db)\n")
        for sub in ["schema", "data", "wal"] { #expect(dir.exists("nested/deeper/uni/\(sub)")) }
        #expect(dir.exists("nested/deeper/uni/wal/transaction.log"))
        let again = expectOK(try CLI.run(["init", db]))
        #expect(again.stdout.contains("already a LineDB database"))
        let output = expectOK(try CLI.run(["stats", db, "--json"])).stdout
        let stats = try #require(try foundationJSON(output) as? [String: Any])
        #expect((stats["tables"] as? [String: Any])?.isEmpty == true)
    }

    @Test("create-table writes the schema file with types, flags and defaults read by the column type")
    func createTableSchema() throws {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        let result = expectOK(try CLI.run([
            "create-table", dir.db, "course", "--column", "code:str:pk", "--column", "title:string:notnull",
            "--column", "credits:int:default=5", "--column", "ratio:float:default=1",
            "--column", "open:bool:default=true",
            "--column", "starts:datetime:default=2026-01-22T09:30:00", "--column", "tags:json:default=[\"a\",1]",
            "--column", "room:str:unique",
        ]))
        #expect(result.stdout.hasPrefix("created table course: code:str:pk, title:str:notnull, credits:int:default=5"))
        #expect(result.stderr.isEmpty)
        let schema = try #require(try foundationJSON(dir.read("db/schema/course.schema.json")) as? [String: Any])
        #expect(schema["table_name"] as? String == "course")
        let columns = try #require(schema["schema"] as? [String: [String: Any]])
        #expect(columns["code"]?["primary_key"] as? Bool == true)
        #expect(columns["title"]?["nullable"] as? Bool == false)
        #expect(columns["room"]?["unique"] as? Bool == true)
        #expect(columns["credits"]?["default"] as? Int == 5)
        #expect(columns["ratio"]?["default"] as? Double == 1.0)
        #expect(columns["open"]?["default"] as? Bool == true)
        #expect(columns["starts"]?["default"] as? String == "2026-01-22T09:30:00")  // ':' inside the default
        #expect((columns["tags"]?["default"] as? [Any])?.count == 2)
        // The raw file keeps column order and writes 1 as a float for a float column.
        let text = dir.read("db/schema/course.schema.json")
        #expect(text.contains(#""default": 1.0"#))
        let order = ["code", "title", "credits", "ratio", "open", "starts", "tags", "room"].compactMap {
            text.range(of: "\"\($0)\": {")?.lowerBound
        }
        #expect(order.count == 8 && order == order.sorted())
    }

    @Test("without a :pk column an integer id key is added, with a note on stderr")
    func implicitKeyNote() throws {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        let result = expectOK(try CLI.run(["create-table", dir.db, "note", "--column", "text:str"]))
        #expect(result.stderr == "linedb: note: no column is marked :pk, "
            + "so an integer primary key 'id' was added as the first column\n")
        #expect(result.stdout == "created table note: id:int:pk, text:str\n")
        #expect(expectOK(try CLI.run(["insert", dir.db, "note", #"{"text": "hi"}"#])).stdout == "1\n")
    }

    @Test("creating a table that exists fails with exit 1 and changes nothing")
    func duplicateTable() throws {
        let dir = try Scratch().studentDatabase()
        let before = dir.read("db/schema/student.schema.json")
        let result = try CLI.run(["create-table", dir.db, "student", "--column", "x:int:pk"])
        #expect(result.status == 1)
        #expect(result.stderr == "linedb: table 'student' already exists\n")
        #expect(dir.read("db/schema/student.schema.json") == before)
    }
}
