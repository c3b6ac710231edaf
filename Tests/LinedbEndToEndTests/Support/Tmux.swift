import Foundation
import Testing

/// A private tmux server with one window that runs one command in a real terminal, for driving `linedb browse`
/// like a user: send keys, read the screen, resize, signal the process.
///
/// The command runs inside a small shell script that records what the tests check afterwards: `stty -a` before
/// and after (the terminal must be restored on every exit path), the program's pid (`pid`, so a test can signal
/// it) and its exit status (`exit`, also echoed into the pane as `EXIT=<n>`). The window then stays open so the
/// final screen can be read. ``stop()`` (also at deinit) kills the whole tmux server.
final class TmuxSession {
    /// Whether a `tmux` executable is on the PATH (tests are skipped without it).
    static let isAvailable: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/tmux") }
    }()

    let socket: String
    let directory: Scratch
    let width: Int
    let height: Int
    private var stopped = false

    /// Starts `arguments` (an executable and its arguments) in a new detached tmux session of `width`×`height`.
    ///
    /// - Parameters:
    ///   - environment: variables set for the command only (e.g. `TERM=nosuchterm`).
    ///   - shellSuffix: shell text appended to the command (e.g. `| cat`).
    init(
        _ arguments: [String], in directory: Scratch, width: Int = 100, height: Int = 30,
        environment: [String: String] = [:], shellSuffix: String = ""
    ) throws {
        self.directory = directory
        self.width = width
        self.height = height
        // A private server per test (`-S`, like `-L` but the socket lives in the test's directory and goes with it).
        socket = directory.path + "/tmux.sock"
        let d = shellQuote(directory.path)
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(shellQuote($0.value))" }
        let command = (["env"] + assignments + arguments.map(shellQuote)).joined(separator: " ")
        let script = """
            #!/bin/sh
            # TERM as most terminals have it in terminfo; backtraces never wait for a key; NO_COLOR only when a test
            # sets it (`swift test` sets NO_COLOR=1 for the tests when its output is not a terminal).
            export TERM=screen SWIFT_BACKTRACE=interactive=no
            # The browser writes the number of each frame it completes here (waitForScreen reads it).
            export LINEDB_FRAME_FILE=\(d)/frame
            unset NO_COLOR
            cd \(d)
            stty -a > \(d)/stty.before
            sh -c 'echo $$ > \(d)/pid; exec "$@"' sh \(command) \(shellSuffix)
            status=$?
            stty -a > \(d)/stty.after
            echo "EXIT=$status"
            echo "$status" > \(d)/exit.tmp && mv \(d)/exit.tmp \(d)/exit
            exec sleep 600
            """
        directory.write("run.sh", script)
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "sh \(d)/run.sh"])
    }

    deinit { stop() }

    /// Kills the tmux server (and with it the pane's processes).
    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? tmux(["kill-server"])
    }

    // MARK: - Driving

    /// Sends tmux key names (`q`, `C-c`, `Enter`, `Up`...).
    func send(_ keys: String...) throws {
        try send(keys)
    }

    /// Sends tmux key names (or `-l` and literal text).
    func send(_ keys: [String]) throws {
        try tmux(["send-keys"] + keys)
    }

    /// The visible screen, one string per row; with `joiningWrappedLines`, a line the terminal wrapped is one
    /// string (trailing spaces removed).
    func screen(joiningWrappedLines: Bool = false) throws -> [String] {
        let text = try tmux(["capture-pane", "-p"] + (joiningWrappedLines ? ["-J"] : []))
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if joiningWrappedLines {
            lines = lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
        }
        return lines
    }

    /// The visible screen with its attributes as SGR escape sequences (`capture-pane -e`).
    func screenWithAttributes() throws -> String {
        try tmux(["capture-pane", "-p", "-e"])
    }

    /// Everything the pane showed, scrolled-off lines included (wrapped lines joined, trailing spaces removed).
    func history() throws -> [String] {
        try tmux(["capture-pane", "-p", "-J", "-S", "-"]).split(separator: "\n").map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }
    }

    /// Resizes the window (the program gets SIGWINCH from the terminal).
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The number of the last frame the browser completed (`LINEDB_FRAME_FILE`), or `nil` before the first one
    /// (or for a program that writes none).
    func frame() -> Int? {
        Int(directory.read("frame").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits until the screen satisfies `condition` (polling every 50 ms); returns the last screen seen.
    ///
    /// A screen counts only when it is a whole frame: when the browser writes frame numbers (``frame()``), the
    /// screen is read again if a frame was completed while it was captured (it may have been half drawn), up to
    /// three times before it is taken as it is.
    @discardableResult
    func waitForScreen(
        seconds: Double = 10, joiningWrappedLines: Bool = false, _ condition: ([String]) -> Bool
    ) throws -> (met: Bool, screen: [String]) {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String] = []
        repeat {
            var tries = 0
            repeat {
                let before = frame()
                last = try screen(joiningWrappedLines: joiningWrappedLines)
                if before == frame() { break }
                tries += 1
            } while tries < 3
            if condition(last) { return (true, last) }
            usleep(50_000)
        } while Date() < deadline
        return (false, last)
    }

    /// Waits until the browser has completed a frame after `frame` (a number ``frame()`` gave), then returns the
    /// screen: what a key sent after reading `frame` changed is on it.
    @discardableResult
    func waitForFrame(after frame: Int?, seconds: Double = 10) throws -> (met: Bool, screen: [String]) {
        try waitForScreen(seconds: seconds) { _ in (self.frame() ?? 0) > (frame ?? 0) }
    }

    /// Waits until the screen shows `text` somewhere (also across a wrapped line).
    @discardableResult
    func waitForText(_ text: String, seconds: Double = 10) throws -> (met: Bool, screen: [String]) {
        try waitForScreen(seconds: seconds, joiningWrappedLines: true) { $0.contains { $0.contains(text) } }
    }

    /// The program's pid (waits for it to be written).
    func pid() throws -> pid_t {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let pid = pid_t(directory.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            usleep(20_000)
        }
        throw Failure(description: "the program in tmux never started (no pid file)")
    }

    /// Waits for the program to end and returns its exit status as the shell saw it (128+n after signal n).
    func exitStatus(seconds: Double = 15) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = Int32(directory.read("exit").trimmingCharacters(in: .whitespacesAndNewlines)) {
                return status
            }
            usleep(50_000)
        }
        throw Failure(description: "the program did not exit within \(seconds) s; screen:\n"
            + ((try? screen().joined(separator: "\n")) ?? "?"))
    }

    /// `stty -a` in the pane before the program started and after it ended.
    var stty: (before: String, after: String) {
        (directory.read("stty.before"), directory.read("stty.after"))
    }

    /// Expects the program to exit with `status` (as the shell saw it: 128+n after signal n) and to leave
    /// `stty -a` as it was before it started.
    func expectCleanExit(status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let got = try exitStatus()
        #expect(got == status, "exit status \(got), not \(status)", sourceLocation: sourceLocation)
        #expect(!stty.before.isEmpty, "no stty -a before", sourceLocation: sourceLocation)
        #expect(stty.before == stty.after, "stty -a differs after the browser ended", sourceLocation: sourceLocation)
    }

    /// Types `q` (nothing pending: the browser quits at once) and expects a clean exit (``expectCleanExit``).
    func quit(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try send("q")
        try expectCleanExit(sourceLocation: sourceLocation)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let result = try Programs.run("/usr/bin/env", ["tmux", "-S", socket] + arguments)
        guard result.status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }
}

/// Quotes a word for `sh`.
func shellQuote(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
