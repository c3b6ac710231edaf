import Foundation
import Testing

@Suite("linedb export --format tsv and markdown")
struct ExportFormatsCLITests {
    @Test("export writes TSV and Markdown (by --format or by the .tsv/.md extension); import refuses them clearly")
    func tsvAndMarkdown() throws {
        let dir = try Scratch().studentDatabase(count: 2)
        let tsv = dir.path + "/students.tsv"
        let result = expectOK(try CLI.run(["export", dir.db, "student", tsv]))
        #expect(result.stdout.hasPrefix("exported 2 records of student to \(tsv) (tsv)"), "\(result)")
        #expect(dir.lines("students.tsv") == ["id\tname\temail\tgpa", "1\tAlice\talice@u.edu\t2.0", "2\tBob\tbob@u.edu\t2.1"])
        let md = dir.path + "/students.txt"
        expectOK(try CLI.run(["export", dir.db, "student", md, "--format", "markdown"]))
        #expect(dir.lines("students.txt") == [
            "| id | name | email | gpa |", "| --- | --- | --- | --- |",
            "| 1 | Alice | alice@u.edu | 2.0 |", "| 2 | Bob | bob@u.edu | 2.1 |",
        ])
        expectOK(try CLI.run(["export", dir.db, "student", dir.path + "/s.md"]))
        #expect(dir.lines("s.md").count == 4)
        let refused = try CLI.run(["import", dir.db, "student", tsv])
        #expect(refused.status != 0 && refused.stderr.contains("tsv is an export format only"), "\(refused)")
        #expect(expectOK(try CLI.run(["select", dir.db, "student"])).stdout.split(separator: "\n").count == 2)
    }
}
