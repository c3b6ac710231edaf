#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process whose stdout the test reads line by line and which it can SIGKILL at any moment
/// (the crash tests' writer, `linedb-crash-writer`).
///
/// Stdout is a pipe (made close-on-exec, so children started by tests running in parallel do not hold each
/// other's pipes open); stderr goes to a file; stdin is `/dev/null`. Only complete lines are returned: a line cut
/// off by the kill was never fully acknowledged.
final class ChildProcess {
    /// How a child ended.
    enum Status: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signaled(let signal): return "killed by signal \(signal)"
            }
        }
    }

    private static let spawnLock = NSLock()

    let pid: pid_t
    let stderrPath: String
    private var fd: Int32
    private var pending: [UInt8] = []
    private var status: Status?
    /// Every complete line read so far.
    private(set) var lines: [String] = []

    /// The built crash writer: `$LINEDB_CRASH_WRITER`, or `linedb-crash-writer` next to the test bundle.
    static let writerPath: String = {
        if let path = ProcessInfo.processInfo.environment["LINEDB_CRASH_WRITER"] { return path }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates.append(Bundle.main.bundlePath)
        candidates.append(CommandLine.arguments[0])
        for start in candidates {
            var dir = (start as NSString).deletingLastPathComponent
            for _ in 0..<4 {
                let path = dir + "/linedb-crash-writer"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        return "linedb-crash-writer (not found next to \(candidates); build it with `swift build`)"
    }()

    /// Starts the crash writer with `arguments`; `failpoints` goes to `LINEDB_FAILPOINTS`.
    static func writer(_ arguments: [String], failpoints: String? = nil, stderr: String) throws -> ChildProcess {
        var environment: [String: String] = [:]
        if let failpoints { environment["LINEDB_FAILPOINTS"] = failpoints }
        return try ChildProcess(writerPath, arguments, environment: environment, stderrPath: stderr)
    }

    /// Starts `executable` with `arguments` and the test's environment plus `environment`
    /// (without any inherited `LINEDB_FAILPOINTS`).
    init(_ executable: String, _ arguments: [String], environment: [String: String], stderrPath: String) throws {
        self.stderrPath = stderrPath
        // pipe2(O_CLOEXEC) is not exported by Glibc's module: pipe + FD_CLOEXEC, with every spawn of this class
        // serialised so that no other child can inherit the write end in between.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw ChildProcessError("pipe failed: errno \(errno)") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LINEDB_FAILPOINTS")
        for (k, v) in environment { env[k] = v }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        fd = pipeFDs[0]
    }

    deinit {
        if status == nil {
            sendKill(pid)
            _ = wait()
        }
        if fd >= 0 { close(fd) }
    }

    /// The next complete line of stdout; `nil` at end of file (the child closed stdout or died).
    ///
    /// A hang guard, not a timing assertion: when the child prints nothing for `stallSeconds`, it is killed and
    /// `nil` is returned (the caller then sees an unexpected end).
    func nextLine(stallSeconds: Int32 = 60) -> String? {
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                lines.append(line)
                return line
            }
            guard fd >= 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, stallSeconds * 1000)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if ready == 0 {
                sendKill(pid)
                stalled = true
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                close(fd)
                fd = -1
                return nil  // a partial last line is dropped: it was never a complete acknowledgement
            }
            pending.append(contentsOf: chunk[0..<n])
        }
    }

    /// Whether the hang guard had to kill the child.
    private(set) var stalled = false

    /// Reads until a line satisfies `predicate` (returned) or the output ends (`nil`).
    @discardableResult
    func readUntil(_ predicate: (String) -> Bool) -> String? {
        while let line = nextLine() {
            if predicate(line) { return line }
        }
        return nil
    }

    /// Reads the rest of stdout (after the child ended or was killed).
    @discardableResult
    func drain() -> [String] {
        var rest: [String] = []
        while let line = nextLine() { rest.append(line) }
        return rest
    }

    /// Sends SIGKILL.
    func kill() { sendKill(pid) }

    /// Waits for the child to end (reaping it) and returns how it ended.
    @discardableResult
    func wait() -> Status {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        let signal = raw & 0x7F
        let result: Status = signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
        status = result
        return result
    }

    /// How the child ended, if it has (reaping it), without waiting.
    func exitStatus() -> Status? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signal = raw & 0x7F
        let result: Status = signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
        status = result
        return result
    }

    /// Kills the child, reads what it printed before dying and reaps it.
    @discardableResult
    func killAndCollect() -> Status {
        kill()
        drain()
        return wait()
    }

    /// Reads everything until the child ends on its own, then reaps it.
    @discardableResult
    func finish() -> Status {
        drain()
        return wait()
    }

    /// What the child wrote to stderr (for failure messages).
    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// The output and stderr, for a failure message.
    var transcript: String {
        "last stdout lines:\n" + lines.suffix(8).map { String($0.prefix(300)) }.joined(separator: "\n")
            + "\nstderr:\n" + String(stderrText.suffix(2000))
    }
}

private func sendKill(_ pid: pid_t) { _ = kill(pid, SIGKILL) }

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
