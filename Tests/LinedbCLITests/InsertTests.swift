import Foundation
import Testing

@Suite("linedb insert")
struct InsertTests {
    @Test("records given as arguments are inserted and their keys printed, one per line")
    func insertArguments() throws {
        let dir = try Scratch().studentDatabase()
        let result = expectOK(try CLI.run([
            "insert", dir.db, "student", #"{"name": "Alice", "email": "alice@u.edu", "gpa": 3.8}"#,
            #"{"name": "Bob", "email": "bob@u.edu", "id": 10}"#, #"{"name": "Carol"}"#,
        ]))
        #expect(result.lines == ["1", "10", "11"])
        let rows = expectOK(try CLI.run(["select", dir.db, "student"])).lines
        #expect(rows == [
            #"{"id":1,"name":"Alice","email":"alice@u.edu","gpa":3.8}"#,
            #"{"id":10,"name":"Bob","email":"bob@u.edu","gpa":0.0}"#,
            #"{"id":11,"name":"Carol","email":null,"gpa":0.0}"#,
        ])
        // Every WAL line the CLI wrote is JSON that Python reads.
        let python = try CLI.runTool("python3", [
            "-c", "import json,sys; print(len([json.loads(l) for l in open(sys.argv[1])]))",
            dir.db + "/wal/transaction.log",
        ])
        #expect(python.status == 0 && python.stdout == "4\n", "\(python)")
    }

    @Test("without arguments each stdin line is a record; blank lines are skipped; string keys print as text")
    func insertFromStdin() throws {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        expectOK(try CLI.run(["create-table", dir.db, "course", "--column", "code:str:pk", "--column", "title:str"]))
        let input = "{\"code\": \"CS101\", \"title\": \"Intro\"}\n\n  \n{\"code\": \"MA 201\"}\r\n{\"code\":\"Ü-1\"}"
        let result = expectOK(try CLI.run(["insert", dir.db, "course"], stdin: input))
        #expect(result.stdout == "CS101\nMA 201\nÜ-1\n")
        #expect(expectOK(try CLI.run(["select", dir.db, "course", "--where", "code=MA 201"])).lines
            == [#"{"code":"MA 201","title":null}"#])
    }

    @Test("each key is printed and flushed once its record is in the WAL, while the command waits for more input")
    func keysAcknowledgedOneByOne() throws {
        let dir = try Scratch().studentDatabase()
        let (process, output, input) = try CLI.startWithInput(["insert", dir.db, "student"])
        defer {
            if process.isRunning { process.terminate() }
            output.remove()
        }
        input.write(Data(#"{"name": "Alice"}"#.utf8 + [10]))
        #expect(waitFor(seconds: 10) { output.currentStdout() == "1\n" }, "\(output.currentStdout())")
        #expect(dir.read("db/wal/transaction.log").contains(#""name":"Alice""#))
        #expect(process.isRunning)  // still reading standard input
        input.write(Data(#"{"name": "Bob"}"#.utf8 + [10]))
        #expect(waitFor(seconds: 10) { output.currentStdout() == "1\n2\n" }, "\(output.currentStdout())")
        #expect(dir.read("db/wal/transaction.log").contains(#""name":"Bob""#))
        try input.close()
        CLI.waitForExit(process)
        #expect(process.terminationStatus == 0)
    }

    @Test("a duplicate stops the insert with exit 1 naming the stdin line; the keys printed before were inserted")
    func duplicateStops() throws {
        let dir = try Scratch().studentDatabase(count: 1)  // alice@u.edu
        let input = """
            {"name": "Bob", "email": "bob@u.edu"}
            {"name": "Alicia", "email": "alice@u.edu"}
            {"name": "Carol", "email": "carol@u.edu"}
            """
        let result = try CLI.run(["insert", dir.db, "student"], stdin: input)
        #expect(result.status == 1)
        #expect(result.stdout == "2\n")
        #expect(result.stderr
            == "linedb: stdin line 2: student.email: the value \"alice@u.edu\" is already used by another record\n")
        let names = expectOK(try CLI.run(["select", dir.db, "student", "--format", "csv"])).lines.map {
            $0.split(separator: ",")[1]
        }
        #expect(names == ["name", "Alice", "Bob"])
        let key = try CLI.run(["insert", dir.db, "student", #"{"id": 1, "name": "Again"}"#])
        #expect(key.status == 1)
        #expect(key.stderr.contains("student.id: the value 1 is already used"))
    }

    @Test("a wrongly typed value or unknown column exits 2 (as in --set); NOT NULL 1; malformed JSON 2 naming the line")
    func badRecords() throws {
        let dir = try Scratch().studentDatabase()
        let type = try CLI.run(["insert", dir.db, "student", #"{"name": "A", "gpa": "high"}"#])
        #expect(type.status == 2, "\(type)")
        #expect(type.stderr == "linedb: student.gpa: expected a float, got str \"high\"\n")
        let key = try CLI.run(["insert", dir.db, "student", #"{"id": "one", "name": "A"}"#])
        #expect(key.status == 2 && key.stderr.contains("student.id"), "\(key)")
        let missing = try CLI.run(["insert", dir.db, "student", #"{"email": "x@u"}"#])
        #expect(missing.status == 1)
        #expect(missing.stderr == "linedb: student.name may not be null\n")
        let column = try CLI.run(["insert", dir.db, "student", #"{"name": "A", "emial": "x@u"}"#])
        #expect(column.status == 2, "\(column)")
        #expect(column.stderr == "linedb: table 'student' has no column 'emial' (did you mean 'email'?)\n")
        let json = try CLI.run(["insert", dir.db, "student"], stdin: "{\"name\": \"A\"}\n{\"name\": \n")
        #expect(json.status == 2)
        #expect(json.stdout == "1\n")
        #expect(json.stderr.hasPrefix("linedb: stdin line 2: invalid JSON: "))
        let array = try CLI.run(["insert", dir.db, "student", "[1]", "{}"])
        #expect(array.status == 2)
        #expect(array.stderr == "linedb: record 1: expected a JSON object, got [1]\n")
        let lines = #"{"name": "B"}"# + "\n" + #"{"name": "C", "gpa": true}"# + "\n"
        let stdin = try CLI.run(["insert", dir.db, "student"], stdin: lines)
        #expect(stdin.status == 2 && stdin.stdout == "2\n", "\(stdin)")
        #expect(stdin.stderr == "linedb: stdin line 2: student.gpa: expected a float, got bool true\n")
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).lines.count == 2)
    }
}
