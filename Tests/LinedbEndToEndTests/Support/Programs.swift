import Foundation

/// What a finished process printed and how it ended.
struct ProgramResult: CustomStringConvertible {
    var stdout: String
    var stderr: String
    var status: Int32

    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// The built executables and a way to run programs to completion.
///
/// `linedb` is found like swift-argument-parser's example tests find theirs (and like LinedbCLITests): in the
/// build products directory, next to the test bundle; `LINEDB_BINARY` overrides.
enum Programs {
    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    static let linedb: Result<String, NotFound> = locate("linedb")

    private static func locate(_ name: String) -> Result<String, NotFound> {
        if name == "linedb", let path = ProcessInfo.processInfo.environment["LINEDB_BINARY"] { return .success(path) }
        var directories: [URL] = []
        directories.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for bundle in [Bundle.main.bundleURL] + Bundle.allBundles.map(\.bundleURL) {
            var url = bundle
            while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
            directories.append(url.path == "/" ? bundle : url.deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return .success(candidate) }
        }
        return .failure(NotFound(description:
            "no \(name) executable next to the test bundle (looked in \(directories.map(\.path))); build it first"))
    }

    /// Runs a program to completion, stdin empty, stdout and stderr captured in files.
    ///
    /// With `posix_spawn` and `waitpid`, not Foundation's `Process`: `tmux new-session` forks its server and
    /// exits, and `Process.waitUntilExit` was seen to hang on it (the client left as a zombie) when two tests
    /// started tmux at once.
    static func run(_ executable: String, _ arguments: [String]) throws -> ProgramResult {
        let scratch = Scratch()
        let pid = try spawn(executable, arguments, output: scratch.path)
        let status = wait(pid)
        return ProgramResult(stdout: scratch.read("stdout"), stderr: scratch.read("stderr"), status: status)
    }

    /// Starts a program in the background, stdin empty, stdout and stderr in `<output>/stdout` and `stderr`.
    static func spawn(_ executable: String, _ arguments: [String], output: String) throws -> pid_t {
        for name in ["stdout", "stderr"] {
            _ = FileManager.default.createFile(atPath: output + "/" + name, contents: nil)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output + "/stdout", O_WRONLY | O_TRUNC, 0)
        posix_spawn_file_actions_addopen(&actions, 2, output + "/stderr", O_WRONLY | O_TRUNC, 0)
        // The children get default signal handling and an empty mask (a test thread may block signals).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw NotFound(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// Waits for a child; returns its exit code, or 128+n when signal n ended it (as a shell says).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs `linedb arguments...` without a terminal.
    static func linedb(_ arguments: [String]) throws -> ProgramResult {
        try run(try linedb.get(), arguments)
    }
}

/// A fresh temporary directory per test, removed at the end.
final class Scratch: @unchecked Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "linedb-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: path + "/" + relative, encoding: .utf8)) ?? ""
    }

    func write(_ relative: String, _ text: String) {
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + relative))
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + relative) }

    /// Creates the demo university database in `<scratch>/uni` with `linedb demo` run without a terminal (so it
    /// prints statistics instead of opening the browser) and returns its path.
    func demoDatabase() throws -> String {
        let db = path + "/uni"
        let result = try Programs.linedb(["demo", db])
        guard result.status == 0 else { throw Programs.NotFound(description: "linedb demo failed: \(result)") }
        return db
    }
}
