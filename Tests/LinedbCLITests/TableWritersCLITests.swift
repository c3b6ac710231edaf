import Foundation
import Testing

/// Issue 16 §3 through the real binary: `linedb insert`, `update` and `delete` lock only their table, so two of
/// them write two tables of one database at once; a second writer of the same table is refused naming the pid,
/// or waits with `--wait SECONDS`; a whole-database command (save) is refused while a table writer is open.
@Suite("linedb: a writer per table (insert/update/delete lock their table; --wait)")
struct TableWritersCLITests {
    @Test("while `linedb insert` holds one table, another table is written, the same table is refused or waits")
    func twoTables() throws {
        let dir = try Scratch().studentDatabase()
        expectOK(try CLI.run(["create-table", dir.db, "course", "--column", "code:str:pk", "--column", "title:str"]))
        let (holder, output, input) = try CLI.startWithInput(["insert", dir.db, "student"])
        defer {
            if holder.isRunning { holder.terminate() }
            output.remove()
        }
        input.write(Data(#"{"name": "Alice"}"#.utf8 + [10]))
        #expect(waitFor(seconds: 10) { output.currentStdout() == "1\n" }, "\(output.currentStdout())")

        // Another table: written at once, by another process, while the first still holds `student`.
        let course = expectOK(try CLI.run(["insert", dir.db, "course", #"{"code": "CS101", "title": "Intro"}"#]))
        #expect(course.stdout == "CS101\n")
        expectOK(try CLI.run(["update", dir.db, "course", "CS101", "--set", "title=Intro to CS"]))

        // The same table: refused at once, naming the process that writes it; nothing written.
        let refused = try CLI.run(["insert", dir.db, "student", #"{"name": "Bob"}"#])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("table 'student'") && refused.stderr.contains("pid \(holder.processIdentifier)"),
                "\(refused.stderr)")
        // A whole-database command is refused too while a table writer is open.
        let save = try CLI.run(["save", dir.db])
        #expect(save.status != 0 && save.stderr.contains("pid \(holder.processIdentifier)"), "\(save.stderr)")

        // With --wait, the second writer of `student` goes on once the first has finished.
        let (waiter, waiterOutput) = try CLI.start(["insert", "--wait", "10", dir.db, "student", #"{"name": "Carol"}"#])
        defer { waiterOutput.remove() }
        usleep(300_000)
        #expect(waiter.isRunning)  // waiting for the lock
        input.write(Data(#"{"name": "Bob"}"#.utf8 + [10]))
        try input.close()
        CLI.waitForExit(holder)
        #expect(holder.terminationStatus == 0)
        CLI.waitForExit(waiter)
        #expect(waiter.terminationStatus == 0, "\(waiterOutput.currentStderr())")
        #expect(waiterOutput.currentStdout() == "3\n")

        let students = expectOK(try CLI.run(["select", dir.db, "student", "--format", "csv"])).lines
        #expect(students.count == 4)  // header + Alice, Bob, Carol
        let courses = expectOK(try CLI.run(["select", dir.db, "course"])).lines
        #expect(courses == [#"{"code":"CS101","title":"Intro to CS"}"#])
        expectOK(try CLI.run(["save", dir.db]))
        expectOK(try CLI.run(["check", dir.db]))
    }
}
