import Foundation
import Testing

@Suite("linedb export and import")
struct ExportAndImportTests {
    @Test("export jsonl writes one record per line that jq and python3 read")
    func exportJSONLines() throws {
        let dir = try Scratch().studentDatabase(count: 3)
        let file = dir.path + "/students.jsonl"
        let result = expectOK(try CLI.run(["export", dir.db, "student", file]))
        #expect(result.stdout.hasPrefix("exported 3 records of student to \(file)"))
        #expect(dir.lines("students.jsonl").count == 3)
        let jq = try CLI.runTool("jq", ["-c", ".id", file])
        #expect(jq.status == 0 && jq.stdout == "1\n2\n3\n", "\(jq)")
        let python = try CLI.runTool("python3", [
            "-c", "import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['email']))", file,
        ])
        #expect(python.stdout == "3\n", "\(python)")
    }

    @Test("export json (the seed's format) and csv; --format overrides the extension")
    func exportJSONAndCSV() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let json = dir.path + "/students.json"
        expectOK(try CLI.run(["export", dir.db, "student", json]))
        let python = try CLI.runTool("python3", [
            "-c", "import json,sys; d=json.load(open(sys.argv[1])); print(d['table'], d['count'], len(d['records']))",
            json,
        ])
        #expect(python.stdout == "student 2 2\n", "\(python)")
        let csv = dir.path + "/students.txt"
        expectOK(try CLI.run(["export", dir.db, "student", csv, "--format", "csv"]))
        #expect(dir.lines("students.txt").first == "id,name,email,gpa")
        #expect(dir.lines("students.txt").count == 3)
    }

    @Test("import adds a file's records to a table; a bad file imports nothing and exits 1")
    func importRecords() throws {
        let source = try Scratch().studentDatabase(count: 3)
        let file = source.path + "/students.jsonl"
        expectOK(try CLI.run(["export", source.db, "student", file]))
        let target = try Scratch().studentDatabase()
        let result = expectOK(try CLI.run(["import", target.db, "student", file]))
        #expect(result.stdout.hasPrefix("imported 3 records into student"))
        #expect(expectOK(try CLI.run(["select", target.db, "student"])).stdout
            == expectOK(try CLI.run(["select", source.db, "student"])).stdout)
        // The same records again: duplicate keys, so none of them is imported.
        let new = #"{"id": 9, "name": "New", "email": "new@u.edu"}"#
        target.write("more.jsonl", new + "\n" + source.read("students.jsonl"))
        let again = try CLI.run(["import", target.db, "student", target.path + "/more.jsonl"])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.hasPrefix("linedb: "))
        #expect(expectOK(try CLI.run(["select", target.db, "student"])).lines.count == 3)
        // A wrongly typed value or an unknown column in a file is a data problem too (in a record typed on the
        // command line, `insert`, it is a usage error, 2).
        for (name, line) in [("typed", #"{"id": 20, "name": "T", "gpa": "high"}"#),
                             ("column", #"{"id": 21, "name": "C", "emial": "c@u.edu"}"#)] {
            target.write("\(name).jsonl", line + "\n")
            let bad = try CLI.run(["import", target.db, "student", target.path + "/\(name).jsonl"])
            #expect(bad.status == 1 && bad.stderr.hasPrefix("linedb: "), "\(bad)")
        }
        #expect(expectOK(try CLI.run(["select", target.db, "student"])).lines.count == 3)
    }
}
