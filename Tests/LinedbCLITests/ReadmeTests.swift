import Foundation
import Testing

/// The README's examples are run, so they cannot go stale.
@Suite("README examples")
struct ReadmeTests {
    /// The README, found from this file's place in the repository.
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    /// The first ```sh block after `heading`.
    static func shellBlock(after heading: String) -> String? {
        guard let h = readme.range(of: heading), let open = readme.range(of: "```sh\n", range: h.upperBound..<readme.endIndex),
            let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex)
        else { return nil }
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test("every command of the README's command-line section runs and succeeds, in order")
    func commandLineSection() throws {
        let block = try #require(Self.shellBlock(after: "## The command line"))
        #expect(block.contains("linedb import copy student out.csv"))
        let dir = Scratch()
        dir.write("students.json", #"[{"name": "Bob", "email": "bob@u.edu"}, {"name": "Zoë", "email": "zoe@u.edu", "gpa": 3.9}]"#)
        let binary = try CLI.binary.get()
        // `--follow` runs until stopped: give it a second, as a user would press Ctrl-C.
        let script = """
            set -euo pipefail
            cd '\(dir.path)'
            linedb() {
              if [[ " $* " == *" --follow "* ]]; then timeout -s INT 1 '\(binary)' "$@" || [ $? -eq 124 ]
              else '\(binary)' "$@"; fi
            }
            \(block)
            """
        let result = try CLI.runProgram("/bin/bash", ["-c", script], stdin: nil)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("id  name   email        gpa"), "\(result)")
        #expect(dir.lines("uni/data/student.records").count == 2)
        #expect(dir.lines("copy/data/student.records").count == 0)  // imported into the WAL, not yet saved
        let copied = try CLI.run(["select", dir.path + "/copy", "student", "--format", "jsonl"])
        #expect(copied.lines.count == 2 && copied.stdout.contains("Zoë"), "\(copied)")
    }

    @Test("linedb demo creates the demo database (in missing parent directories) and leaves an existing one untouched")
    func demo() throws {
        let dir = Scratch()
        let target = dir.path + "/data/university"
        let first = try CLI.run(["demo", target])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("Creating the demo database"))
        for table in ["course", "enrolment", "instructor", "student"] {
            #expect(first.stdout.contains("  \(table) "), "\(table) missing: \(first.stdout)")
        }
        #expect(dir.list("data/university/wal").filter { $0.hasPrefix("transaction.2") }.count == 1)  // one archive
        #expect(dir.lines("data/university/wal/transaction.log").count > 200)
        let records = dir.read("data/university/data/student.records")
        #expect(records.contains("李雷") || records.contains("韩梅梅"))
        let before = dir.read("data/university/data/student.records")
        let second = try CLI.run(["demo", target])
        #expect(second.status == 0 && second.stdout.contains("left untouched"), "\(second)")
        #expect(dir.read("data/university/data/student.records") == before)
        let check = try CLI.run(["check", target])
        #expect(check.status == 0, "\(check)")
    }
}
