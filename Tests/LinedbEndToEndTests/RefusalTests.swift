import Foundation
import Testing

/// When the browser cannot run (no terminal, unknown terminal) it says why in one line and exits 2; when another
/// process writes the database it opens read-only.
@Suite(
    "linedb browse: refusals, read-only, demo", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct RefusalTests {
    @Test(
        "an unknown or empty TERM gives one clear line and exit 2, with no curses output and the terminal untouched",
        arguments: [
            ("nosuchterm", "unknown terminal type TERM=nosuchterm (no terminfo entry for it)"),
            ("", "TERM is not set, so the terminal is unknown"),
        ])
    func unknownTerminal(term: String, reason: String) throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch, environment: ["TERM": term])
        defer { session.stop() }
        #expect(try session.exitStatus() == 2)
        let screen = try session.screen(joiningWrappedLines: true).filter { !$0.isEmpty }
        #expect(screen == [
            "linedb: \(reason); the browser needs a terminal. "
                + "For scripts use `linedb stats \(db)` or `linedb select \(db) TABLE`.",
            "EXIT=2",
        ], "\(screen.joined(separator: "\n"))")
        #expect(session.stty.before == session.stty.after)
    }

    @Test("stdout piped to another program: the not-a-terminal message, exit 2")
    func pipedOutput() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch, shellSuffix: "2> \(scratch.path)/stderr | cat")
        defer { session.stop() }
        _ = try session.exitStatus()  // the pipeline's status is cat's
        #expect(scratch.read("stderr") == "linedb: standard output is not a terminal; the browser needs one. "
            + "For scripts use `linedb stats \(db)` or `linedb select \(db) TABLE`.\n")
        #expect(!(try session.screen()).contains { $0.contains("Tables (") })
    }

    @Test("without any terminal (as scripts and CI run it): exit 2 and a hint, nothing on stdout")
    func noTerminal() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let result = try Programs.linedb(["browse", db])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("linedb: standard input and output are not a terminal"))
        #expect(result.stderr.contains("linedb stats \(db)"))
    }

    @Test("beside a writer (lock held) the browser opens read-only, says so, refuses e a d s E and changes no file")
    func followsAnotherWriter() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // A writer stand-in: holds the flock on <db>/.lock, as a writing linedb process does.
        let holderOutput = Scratch()
        let holder = try Programs.spawn(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
                    + "print('HOLDING', flush=True)\ntime.sleep(120)\n",
                db + "/.lock",
            ], output: holderOutput.path)
        defer {
            kill(holder, SIGKILL)
            _ = Programs.wait(holder)
        }
        let deadline = Date().addingTimeInterval(10)
        while !holderOutput.read("stdout").hasPrefix("HOLDING") && Date() < deadline { usleep(20_000) }
        try #require(holderOutput.read("stdout").hasPrefix("HOLDING"), "no lock holder: \(holderOutput.read("stderr"))")

        let filesBefore = snapshot(db)
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: 160)
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RO") }
        #expect(first.met, "not read-only beside a writer:\n\(first.screen.joined(separator: "\n"))")
        // Every key that would change the database is refused with the read-only message in the status line.
        let refusal = "read-only: this browser cannot change the database (another process writes it)"
        try session.send("Enter")  // the first table, focus on the grid
        for key in ["e", "a", "d", "s", "E"] {
            try session.send("Escape")  // clears the last message
            let cleared = try session.waitForScreen { !$0.contains { $0.contains(refusal) } }
            try #require(cleared.met, "\(cleared.screen.joined(separator: "\n"))")
            try session.send(key)
            let refused = try session.waitForText(refusal)
            #expect(refused.met, "'\(key)' not refused:\n\(refused.screen.joined(separator: "\n"))")
            #expect(!refused.screen.contains { $0.contains("pending") || $0.contains("Delete record") },
                "\(refused.screen.joined(separator: "\n"))")
        }
        // (A write by another process appearing live is tested in ChangesTests with a real writer.)
        #expect(snapshot(db) == filesBefore, "a read-only browser changed a file of the database")
        try session.quit()
        // What the engine said on open is printed once the terminal is restored.
        let after = try session.waitForText("opened read-only")
        #expect(after.met, "\(after.screen.joined(separator: "\n"))")
        #expect(kill(holder, 0) == 0, "the writer must be untouched")
    }

    @Test("linedb demo DIR in a terminal creates the database and opens the browser on it")
    func demoOpensBrowser() throws {
        let scratch = Scratch()
        let db = scratch.path + "/demo"
        let session = try TmuxSession([try Programs.linedb.get(), "demo", db], in: scratch)
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        #expect(first.met && first.screen.contains { $0.contains("enrolment") },
            "\(first.screen.joined(separator: "\n"))")
        try session.quit()
        #expect(scratch.exists("demo/schema/student.schema.json"))
    }
}
