import Foundation
import Testing

/// A throwaway PostgreSQL 15 server for the replication tests: `initdb` in a temporary folder owned by the
/// `postgres` user (initdb and pg_ctl refuse root), listening only on a Unix socket in that folder (no TCP), on a
/// free port number, started at the first use in a test run and stopped (and its folder removed) at exit.
///
/// Missing binaries are a failure with a clear message, not a skip: `.ci/run` installs `postgresql-15`.
final class PostgresServer: @unchecked Sendable {
    /// The server of this test run (started at first use).
    static let shared: Result<PostgresServer, SetupError> = {
        let result = Result { () throws(SetupError) in try PostgresServer() }
        if case .success(let server) = result {
            running = server
            atexit { PostgresServer.running?.stop() }
        }
        return result
    }()
    nonisolated(unsafe) private static var running: PostgresServer?

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// Where PostgreSQL's programs are (`LINEDB_PG_BIN` overrides).
    static let binDirectory = ProcessInfo.processInfo.environment["LINEDB_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    let folder: String
    let port: Int
    private var stopped = false

    /// Creates the cluster and starts the server.
    init() throws(SetupError) {
        let bin = Self.binDirectory
        for tool in ["initdb", "pg_ctl", "postgres"] where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(tool)") {
            throw SetupError(description:
                "PostgreSQL 15 is not installed: no \(bin)/\(tool) (apt-get install postgresql-15, as .ci/run does; "
                + "or set LINEDB_PG_BIN to the folder holding initdb, pg_ctl and postgres)")
        }
        var template = Array((NSTemporaryDirectory() + "linedb-pg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SetupError(description: "mkdtemp failed: errno \(errno)") }
        folder = String(cString: made)
        port = Self.freePort()
        if getuid() == 0 {
            guard let pw = getpwnam("postgres") else {
                throw SetupError(description: "no 'postgres' user to run initdb as (the postgresql package creates it)")
            }
            chown(folder, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        chmod(folder, 0o700)
        try Self.runAsPostgres(["\(bin)/initdb", "-D", "\(folder)/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                "--locale=C", "--no-sync"], what: "initdb")
        try Self.runAsPostgres([
            "\(bin)/pg_ctl", "-D", "\(folder)/data", "-l", "\(folder)/server.log", "-w", "-t", "60",
            "-o", "-p \(port) -k \(folder) -c listen_addresses='' -c fsync=off -c max_connections=50", "start",
        ], what: "pg_ctl start")
    }

    /// The connection string of database `name` on this server.
    func url(_ name: String = "postgres") -> String {
        "postgresql:///\(name)?host=\(folder)&port=\(port)&user=postgres"
    }

    /// A new, empty database (named for the test) and its URL.
    func makeDatabase(_ hint: String) throws -> String {
        let name = "t_" + hint.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20) + "_"
            + UUID().uuidString.prefix(8).lowercased()
        _ = try psql(url(), "CREATE DATABASE \(name)")
        return url(name)
    }

    /// Runs SQL with psql (unaligned, tuples only) and returns its output lines; throws with psql's message on
    /// an error.
    @discardableResult
    func psql(_ url: String, _ sql: String) throws -> [String] {
        let result = try CLI.runTool("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        guard result.status == 0 else { throw SetupError(description: "psql: \(sql): \(result.stderr)") }
        return result.lines
    }

    /// Stops the server at once (as a crash would), then starts it again on the same port.
    func restart() throws {
        try Self.runAsPostgres(["\(Self.binDirectory)/pg_ctl", "-D", "\(folder)/data", "-m", "immediate", "-w", "stop"],
                               what: "pg_ctl stop")
        try Self.runAsPostgres([
            "\(Self.binDirectory)/pg_ctl", "-D", "\(folder)/data", "-l", "\(folder)/server.log", "-w", "-t", "60",
            "-o", "-p \(port) -k \(folder) -c listen_addresses='' -c fsync=off -c max_connections=50", "start",
        ], what: "pg_ctl start")
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? Self.runAsPostgres(["\(Self.binDirectory)/pg_ctl", "-D", "\(folder)/data", "-m", "immediate", "stop"],
                                    what: "pg_ctl stop")
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs a command as the `postgres` user (when we are root) and waits for it, its output in `server.log`-like
    /// text returned on failure. Not through Foundation's `Process`: `pg_ctl start` leaves the server running with
    /// the descriptors it inherited, and `Process` waits for those to close as well as for the exit.
    private static func runAsPostgres(_ command: [String], what: String) throws(SetupError) {
        let args = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command
        let output = NSTemporaryDirectory() + "linedb-pg-out-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { unlink(output) }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = args.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, args[0], &actions, nil, &cArgs, environ)
        guard spawned == 0 else { throw SetupError(description: "\(what): cannot start \(args[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw SetupError(description: "\(what) failed (status \(status)): \(args.joined(separator: " "))\n\(text)")
        }
    }

    /// A port number no one listens on (TCP on 127.0.0.1; the server itself uses it only to name its socket).
    private static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
