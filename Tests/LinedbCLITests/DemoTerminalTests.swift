import Foundation
import Testing

/// `linedb demo` where the browser cannot open: standard output is a pipe (scripts, CI), or a real terminal (a
/// pseudo-terminal here) whose `TERM` is unknown, unset or cannot move the cursor. It then prints the database's
/// statistics and one line on how to browse it, and exits 0; `linedb browse` itself still refuses such a terminal.
@Suite("linedb demo without a usable terminal")
struct DemoTerminalTests {
    @Test("with a pipe as standard output, linedb demo prints the statistics and one line on how to browse, exit 0")
    func pipe() throws {
        let dir = Scratch()
        let result = try Self.runWithPipe(["demo", dir.db])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.lines.first == "Creating the demo database in \(dir.db) ...", "\(result)")
        Self.expectStatistics(result.lines, database: dir.db)
        #expect(result.lines.last == "To browse it, run in a terminal: linedb browse \(dir.db)", "\(result)")
        #expect(dir.exists("db/schema/student.schema.json"))

        // A directory that is not one shell word is quoted, so the line can be pasted.
        let spaced = dir.path + "/my uni"
        let quoted = try Self.runWithPipe(["demo", spaced])
        #expect(quoted.status == 0, "\(quoted)")
        #expect(quoted.lines.last == "To browse it, run in a terminal: linedb browse '\(spaced)'", "\(quoted)")
    }

    /// A `TERM` for the pseudo-terminal test (nil: unset) and the start of the line `linedb demo` must end with.
    struct TermCase: Sendable, CustomTestStringConvertible {
        var term: String?
        var says: String
        var testDescription: String { term.map { "TERM=\($0.isEmpty ? "(empty)" : $0)" } ?? "TERM unset" }
    }

    @Test(
        "on a terminal whose TERM is unknown, unset or cannot move the cursor, linedb demo says so after its stats",
        arguments: [
            TermCase(
                term: "nonexistent-linedb-term",
                says: "Not browsing: unknown terminal type TERM=nonexistent-linedb-term (no terminfo entry for it); "
                    + "to browse it: "),
            TermCase(term: nil, says: "Not browsing: TERM is not set, so the terminal type is unknown; to browse it: "),
            TermCase(term: "", says: "Not browsing: TERM is not set, so the terminal type is unknown; to browse it: "),
            TermCase(
                term: "dumb",
                says: "Not browsing: TERM=dumb cannot move the cursor; to browse it, run in a terminal emulator "),
        ])
    func unusableTerminal(_ test: TermCase) throws {
        let dir = Scratch()
        let result = try PseudoTerminal.run(["demo", dir.db], term: test.term)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("\u{1B}"), "curses wrote to the terminal: \(result)")
        Self.expectStatistics(result.lines, database: dir.db)
        let last = result.lines.last ?? ""
        // The suggested TERM (xterm-256color where terminfo has it) depends on the machine; the rest does not.
        #expect(last.hasPrefix(test.says) && last.hasSuffix("linedb browse \(dir.db)"), "\(result)")
        #expect(dir.exists("db/schema/student.schema.json"))
    }

    @Test("linedb browse on a terminal with an unknown TERM is still an error: exit 2 and a one-line message")
    func browseRefuses() throws {
        let dir = Scratch()
        try #require(try Self.runWithPipe(["demo", dir.db]).status == 0)
        let result = try PseudoTerminal.run(["browse", dir.db], term: "nonexistent-linedb-term")
        #expect(result.status == 2, "\(result)")
        #expect(!result.stdout.contains("\u{1B}"), "curses wrote to the terminal: \(result)")
        #expect(result.lines.count == 1, "\(result)")
        #expect(result.stdout.contains(
            "linedb: unknown terminal type TERM=nonexistent-linedb-term (no terminfo entry for it); "
                + "the browser needs a terminal."), "\(result)")
    }

    // MARK: - Helpers

    /// The `linedb stats` summary of the demo: the database, its four tables, the WAL with one archive.
    static func expectStatistics(
        _ lines: [String], database: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(lines.contains("Database \(database)"), "\(lines)", sourceLocation: sourceLocation)
        for table in ["course", "enrolment", "instructor", "student"] {
            #expect(lines.contains { $0.hasPrefix("  \(table) ") }, "no \(table) in \(lines)",
                sourceLocation: sourceLocation)
        }
        #expect(lines.contains { $0.hasPrefix("WAL: ") && $0.hasSuffix("; 1 archive") }, "\(lines)",
            sourceLocation: sourceLocation)
    }

    /// Runs `linedb args...` with a pipe as standard output (standard input: /dev/null; standard error: a file).
    static func runWithPipe(_ args: [String]) throws -> CommandResult {
        let io = try ProcessFiles()
        defer { io.remove() }
        _ = FileManager.default.createFile(atPath: io.directory + "/stderr", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary.get())
        process.arguments = args
        let pipe = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = FileHandle(forWritingAtPath: io.directory + "/stderr")
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: io.directory + "/stderr", encoding: .utf8)) ?? ""
        return CommandResult(
            stdout: String(decoding: output, as: UTF8.self), stderr: stderr, status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal)
    }
}

/// Runs a program with a new pseudo-terminal as its standard input, output and error, as a terminal emulator
/// would (`isatty` is true for all three), and collects what it wrote (carriage returns removed).
///
/// The pty functions (`posix_openpt`, `grantpt`, `unlockpt`, `ptsname_r`) are not in Swift's Glibc module (they
/// need `_XOPEN_SOURCE`), so they are looked up in the C library with `dlsym`.
enum PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `linedb args...` on a fresh pty with `TERM` set to `term` (nil: removed from the environment).
    static func run(_ args: [String], term: String?) throws -> CommandResult {
        let (master, slavePath) = try makePTY()
        defer { close(master) }
        // O_NOCTTY: the pty must not become the test process's controlling terminal.
        let slaveFD = open(slavePath, O_RDWR | O_NOCTTY)
        guard slaveFD >= 0 else { throw Failure(description: "cannot open the pty \(slavePath): errno \(errno)") }
        let slave = FileHandle(fileDescriptor: slaveFD, closeOnDealloc: true)
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = term
        environment["SWIFT_BACKTRACE"] = "interactive=no"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary.get())
        process.arguments = args
        process.environment = environment
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        do {
            try process.run()
        } catch {
            try? slave.close()
            throw error
        }
        try? slave.close()  // the child has its own copies: reading the master ends when the child is gone
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Not a timing assertion: only a guard so that a program that never exits cannot hang the test run.
        let deadline = Date().addingTimeInterval(120)
        var closed = false
        while !closed && Date() < deadline {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 200)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let n = read(master, &buffer, buffer.count)
            if n > 0 {
                output.append(contentsOf: buffer[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                closed = true  // EIO: every copy of the slave side is closed (the program is ending)
            }
        }
        if !closed {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(description: "linedb \(args) did not finish; it wrote:\n"
                + String(decoding: output, as: UTF8.self))
        }
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return CommandResult(
            stdout: text, stderr: "", status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal)
    }

    private typealias OpenPT = @convention(c) (Int32) -> Int32
    private typealias OnMaster = @convention(c) (Int32) -> Int32
    private typealias PTSName = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    /// A new pty: the master's descriptor and the slave's path.
    private static func makePTY() throws -> (Int32, String) {
        guard let libc = dlopen(nil, RTLD_NOW),
            let openSymbol = dlsym(libc, "posix_openpt"), let grantSymbol = dlsym(libc, "grantpt"),
            let unlockSymbol = dlsym(libc, "unlockpt"), let nameSymbol = dlsym(libc, "ptsname_r")
        else { throw Failure(description: "no posix_openpt/grantpt/unlockpt/ptsname_r in the C library") }
        let master = unsafeBitCast(openSymbol, to: OpenPT.self)(O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw Failure(description: "posix_openpt: errno \(errno)") }
        var name = [CChar](repeating: 0, count: 256)
        guard unsafeBitCast(grantSymbol, to: OnMaster.self)(master) == 0,
            unsafeBitCast(unlockSymbol, to: OnMaster.self)(master) == 0,
            unsafeBitCast(nameSymbol, to: PTSName.self)(master, &name, name.count) == 0
        else {
            close(master)
            throw Failure(description: "grantpt/unlockpt/ptsname_r: errno \(errno)")
        }
        return (master, String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
