#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CCursesShim
import LineDB
import LineDBBrowser

/// `linedb browse DB [--read-only]`, also `linedb DB`: the terminal browser.
struct Browse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Browse and edit a database in the terminal (the default command: `linedb DB`).",
        discussion: """
            Opens the terminal browser: tables, records, schema and a live tail of the WAL. When another process \
            holds the writer lock (or with --read-only) it opens read-only and follows that writer's changes; on a \
            read-only file system, or without permission to write the database's files, it opens read-only and says why. \
            Needs a terminal on standard input and output; scripts use `linedb stats`, `select` or `export`.

            Example:
              linedb browse data/university
              linedb data/university --read-only
            """
    )

    @Argument(help: ArgumentHelp("The database directory (without it, `linedb` shows its help).", valueName: "db"))
    var path: String?

    @Flag(name: .customLong("read-only"), help: "Open read-only: no lock taken, edits refused, writers followed.")
    var readOnly = false

    func run() throws {
        // Plain `linedb` (this is the default command) shows the overview, as before the browser existed.
        guard let path else { throw CleanExit.helpRequest(LinedbCommand.self) }
        let database = try DatabaseArgument.parse([path])
        if !path.contains("/") && !database.isDirectory(path) {
            // `linedb bogus`: more likely a mistyped command than a missing database.
            throw UsageError(
                "Unexpected argument '\(path)': no command of that name and no database directory '\(path)' "
                    + "(see 'linedb --help')")
        }
        try database.requireDatabase()
        try Self.requireTerminal(path: database.path)
        var options = DatabaseOptions(syncMode: .full, readOnly: readOnly)
        options.readOnlyIfLocked = true
        // A writer of the tables no other process writes; those it does are read-only here (marked `~`).
        if !readOnly { options.writeScope = .availableTables }
        // The database opens on another thread while the terminal shows a first screen read cheaply from the files
        // (see BrowseLoading.swift); a fast open (or a fast failure) goes straight on as if opened here.
        let opening = BackgroundOpen(path: database.path, options: options)
        if let early = opening.wait(milliseconds: 30), case .failure(let error) = early { throw error }
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal.start()
        } catch let error as CursesTerminal.Unavailable {
            if case .success(let db) = opening.waitForever() { try? db.close() }
            throw UsageError("\(error.description); the browser needs a terminal. " + Self.scriptHint(database.path))
        }
        let db: Database
        var moves: [Key] = []
        // The config file's keys (and colours) apply from the loading screen on.
        let configuration = Configuration.load()
        terminal.apply(configuration.theme)
        switch Loading.show(opening, path: database.path, on: terminal, keyMap: configuration.keyMap, moves: &moves) {
        case .opened(let opened):
            db = opened
        case .failed(let error):
            terminal.stop()
            throw error
        case .quit:
            // q or Ctrl-C while loading: the terminal is restored at once, then the open finishes and is closed.
            terminal.stop()
            if case .success(let opened) = opening.waitForever() { try opened.close() }
            return
        }
        // Said after the session (during it, stderr goes to a log that is printed when the terminal is restored).
        let warnings = db.warnings
        var recoveryFailure: String?
        var configProblem: String?
        let outcome = Result { () throws -> BrowserApp.Exit in
            #if DEBUG
            if getenv("LINEDB_BROWSE_KEYS") != nil { return KeyEcho.run(on: terminal) }
            #endif
            // SIGTERM/SIGHUP reach the event loop, which saves the unsaved changes before the process ends.
            ccs_defer_ending_signals(true)
            defer { ccs_defer_ending_signals(false) }
            let app = BrowserApp(database: db, configuration: configuration)
            configProblem = app.configuration.problem
            defer { recoveryFailure = app.recoveryFailure }
            // Moves made on the loading screen go on in the browser: Enter opens the first table with the grid
            // focused (as the preview showed it), then the same moves.
            let replayed: Terminal =
                moves.isEmpty ? Self.testHook(terminal) : ReplayTerminal(Self.testHook(terminal), keys: [.enter] + moves)
            return try app.run(on: replayed)
        }
        terminal.stop()
        warnings.forEach(ErrorReporting.printWarning)
        // Shown in the status line at start; said again here, where it stays readable.
        if let configProblem { ErrorReporting.printWarning(configProblem) }
        if case .success(.terminated(let signal, let file)) = outcome {
            let name = signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "signal \(signal)"
            if let file {
                Output.writeError("linedb: \(name): the unsaved changes were written to \(file)\n")
            } else if let recoveryFailure {
                Output.writeError("linedb: \(name): \(recoveryFailure)\n")
            }
            try? db.close()
            ccs_die_of(signal)
        }
        try db.close()
        // A SIGTERM/SIGHUP that came as the loop was ending (after q) still ends the process with its status.
        if ccs_ending_signal() != 0, case .success = outcome { ccs_die_of(ccs_ending_signal()) }
        _ = try outcome.get()
    }

    /// Throws a usage error unless standard input and output are both terminals.
    static func requireTerminal(path: String? = nil) throws {
        let input = isatty(STDIN_FILENO) == 1, output = isatty(STDOUT_FILENO) == 1
        guard !(input && output) else { return }
        let which =
            !output && !input ? "standard input and output are" : !output ? "standard output is" : "standard input is"
        throw UsageError("\(which) not a terminal; the browser needs one. " + scriptHint(path ?? "DB"))
    }

    /// Whether both standard input and output are terminals.
    static var hasTerminal: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    private static func scriptHint(_ path: String) -> String {
        "For scripts use `linedb stats \(path)` or `linedb select \(path) TABLE`."
    }

    /// The terminal, or (debug builds, `LINEDB_BROWSE_FAIL=crash`) one that writes to stderr and then crashes
    /// after the first frame: the end-to-end test of the crash path (the message must appear once the terminal is
    /// restored).
    private static func testHook(_ terminal: CursesTerminal) -> Terminal {
        #if DEBUG
        if let value = getenv("LINEDB_BROWSE_FAIL"), String(cString: value) == "crash" {
            return CrashingTerminal(terminal)
        }
        #endif
        return terminal
    }
}

#if DEBUG
/// See ``Browse/testHook(_:)``.
private final class CrashingTerminal: Terminal {
    let base: CursesTerminal
    init(_ base: CursesTerminal) { self.base = base }
    var size: (rows: Int, columns: Int) { base.size }
    func draw(_ grid: ScreenGrid) { base.draw(grid) }
    func nextKey(timeoutMilliseconds: Int) -> Key? {
        Output.writeError("linedb: test: this line went to stderr while curses owned the screen\n")
        fatalError("LINEDB_BROWSE_FAIL=crash")
    }
}
#endif

#if DEBUG
/// Debug builds, `LINEDB_BROWSE_KEYS=1`: instead of the browser, shows each key as the terminal decoded it
/// (`key 3: pageUp`) until `q`; the end-to-end test of the key mapping in a real terminal.
private enum KeyEcho {
    static func run(on terminal: Terminal) -> BrowserApp.Exit {
        var count = 0
        var last = "none"
        while true {
            let (rows, columns) = terminal.size
            var grid = ScreenGrid(rows: rows, columns: columns)
            grid.put("key \(count): \(last)", row: 0, column: 0)
            terminal.draw(grid)
            guard let key = terminal.nextKey(timeoutMilliseconds: 250) else { continue }
            if key == .character("q") { return .quit }
            count += 1
            last = String(describing: key)
        }
    }
}
#endif
