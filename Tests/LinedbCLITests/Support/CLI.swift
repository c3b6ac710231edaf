import Foundation
import Testing

/// What a finished process printed and how it ended.
struct CommandResult: CustomStringConvertible {
    var stdout: String
    var stderr: String
    /// The exit code, or the signal number when ``signaled``.
    var status: Int32
    var signaled = false
    /// stdout and stderr exactly as written (``stdout`` and ``stderr`` are empty when they are not UTF-8).
    var stdoutBytes: [UInt8] = []
    var stderrBytes: [UInt8] = []

    /// stdout split into lines (without the empty string after the final newline).
    var lines: [String] {
        stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs the built `linedb` executable (and python3, jq) as real processes.
///
/// The binary is found like swift-argument-parser's example tests find theirs: in the build products directory,
/// next to the test bundle (`LINEDB_BINARY` overrides).
enum CLI {
    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    static let binary: Result<String, NotFound> = locate()

    private static func locate() -> Result<String, NotFound> {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["LINEDB_BINARY"] { return .success(path) }
        var directories: [URL] = []
        // The test executable itself (on Linux, <products>/LineDBPackageTests.xctest is the executable).
        directories.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        // The bundle (on macOS, <products>/LineDBPackageTests.xctest/Contents/MacOS/...).
        for bundle in [Bundle.main.bundleURL] + Bundle.allBundles.map(\.bundleURL) {
            var url = bundle
            while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
            directories.append(url.path == "/" ? bundle : url.deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("linedb").path
            if fm.isExecutableFile(atPath: candidate) { return .success(candidate) }
        }
        return .failure(NotFound(description:
            "no linedb executable next to the test bundle (looked in \(directories.map(\.path))); build it first"))
    }

    /// Runs `linedb args...` to completion.
    @discardableResult
    static func run(_ args: [String], stdin: String? = nil) throws -> CommandResult {
        try runProgram(try binary.get(), args, stdin: stdin)
    }

    /// Runs any program (found on `PATH` through `/usr/bin/env`) to completion.
    static func runTool(_ name: String, _ args: [String]) throws -> CommandResult {
        try runProgram("/usr/bin/env", [name] + args, stdin: nil)
    }

    /// Runs a program with stdin from a string and stdout/stderr captured in files (no pipe can fill up).
    static func runProgram(_ executable: String, _ args: [String], stdin: String?) throws -> CommandResult {
        let io = try ProcessFiles()
        defer { io.remove() }
        let process = try io.start(executable, args, stdin: stdin)
        process.waitUntilExit()
        return io.result(of: process)
    }

    /// Starts `linedb args...` in the background; read its output with ``ProcessFiles/currentStdout()``.
    static func start(_ args: [String]) throws -> (Process, ProcessFiles) {
        let io = try ProcessFiles()
        return (try io.start(try binary.get(), args, stdin: nil), io)
    }

    /// Starts `linedb args...` in the background with a pipe as its standard input, to feed it line by line.
    static func startWithInput(_ args: [String]) throws -> (Process, ProcessFiles, FileHandle) {
        let io = try ProcessFiles()
        let pipe = Pipe()
        let process = try io.start(try binary.get(), args, stdin: nil, stdinPipe: pipe)
        return (process, io, pipe.fileHandleForWriting)
    }

    /// Waits (at most 10 s) for a process to end; kills it and records an issue if it does not.
    static func waitForExit(_ process: Process, sourceLocation: SourceLocation = #_sourceLocation) {
        if !waitFor(seconds: 10, { !process.isRunning }) {
            Issue.record("pid \(process.processIdentifier) did not exit", sourceLocation: sourceLocation)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}

/// Temporary files for one process's stdin, stdout and stderr.
final class ProcessFiles: @unchecked Sendable {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "linedb-cli-io-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func start(_ executable: String, _ args: [String], stdin: String?, stdinPipe: Pipe? = nil) throws -> Process {
        let fm = FileManager.default
        for name in ["stdin", "stdout", "stderr"] {
            let contents = name == "stdin" ? Data((stdin ?? "").utf8) : nil
            _ = fm.createFile(atPath: "\(directory)/\(name)", contents: contents)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.standardInput = stdinPipe ?? FileHandle(forReadingAtPath: "\(directory)/stdin")
        process.standardOutput = FileHandle(forWritingAtPath: "\(directory)/stdout")
        process.standardError = FileHandle(forWritingAtPath: "\(directory)/stderr")
        try process.run()
        return process
    }

    func currentStdout() -> String { read("stdout") }
    func currentStderr() -> String { read("stderr") }

    func result(of process: Process) -> CommandResult {
        CommandResult(
            stdout: read("stdout"), stderr: read("stderr"), status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdoutBytes: readBytes("stdout"), stderrBytes: readBytes("stderr"))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    private func readBytes(_ name: String) -> [UInt8] {
        (try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))).map { [UInt8]($0) } ?? []
    }

    private func read(_ name: String) -> String {
        (try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)) ?? ""
    }
}

/// A fresh temporary directory per test, removed at the end; `db` is the database directory inside.
final class Scratch {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "linedb-cli-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var db: String { path + "/db" }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: path + "/" + relative, encoding: .utf8)) ?? ""
    }

    func write(_ relative: String, _ text: String) {
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + relative))
    }

    func append(_ relative: String, _ text: String) {
        let handle = FileHandle(forWritingAtPath: path + "/" + relative)!
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try! handle.close()
    }

    /// Replaces every occurrence of a text in a file.
    func replace(_ relative: String, _ old: String, with new: String) {
        write(relative, read(relative).replacingOccurrences(of: old, with: new))
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + relative) }

    func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + relative)) ?? []).sorted()
    }

    func size(_ relative: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + relative)
        return (attributes?[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Lines of a file (without the empty string after the last newline).
    func lines(_ relative: String) -> [String] {
        read(relative).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// A database with the seed's student table (id pk, name notnull, email unique, gpa default 0.0) and
    /// `count` students inserted through the CLI (Alice, Bob, Carol, ...).
    @discardableResult
    func studentDatabase(count: Int = 0) throws -> Scratch {
        try expectOK(CLI.run(["init", db]))
        try expectOK(CLI.run([
            "create-table", db, "student", "--column", "id:int:pk", "--column", "name:str:notnull",
            "--column", "email:str:unique", "--column", "gpa:float:default=0.0",
        ]))
        if count > 0 {
            let names = ["Alice", "Bob", "Carol", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"]
            let input = (0..<count).map { i in
                let name = names[i % names.count] + (i >= names.count ? "\(i)" : "")
                let gpa = 2.0 + Double(i % 10) / 10
                return #"{"name": "\#(name)", "email": "\#(name.lowercased())@u.edu", "gpa": \#(gpa)}"#
            }.joined(separator: "\n")
            try expectOK(CLI.run(["insert", db, "student"], stdin: input + "\n"))
        }
        return self
    }
}

/// Expects exit code 0 (showing the whole result otherwise).
@discardableResult
func expectOK(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) -> CommandResult {
    #expect(result.status == 0 && !result.signaled, "\(result)", sourceLocation: sourceLocation)
    return result
}

/// Parses a JSON text with Foundation (an independent reader, not the engine's parser).
func foundationJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
