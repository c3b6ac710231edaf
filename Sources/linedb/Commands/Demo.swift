import ArgumentParser
import LineDB

/// `linedb demo [DIR]`
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the demo university database (when absent) and open it in the browser.",
        discussion: """
            Copies the demo university database into DIR (default ./data/university) when DIR is absent or empty: \
            students, instructors, courses and enrolments, with names in many scripts, nulls, every column type, a \
            WAL of a few hundred entries and one archived WAL. It is the package resource next to the linedb \
            executable (LineDB_linedb.resources); a linedb without it generates the same bytes. An existing \
            database in DIR is left untouched. Then opens it in the terminal browser when standard input and \
            output are a terminal whose TERM can move the cursor; otherwise (in scripts and CI, or with an \
            unknown TERM) prints its statistics and how to browse it, and exits 0.

            Example:
              linedb demo
              linedb select data/university course --limit 5 --format table
            """
    )

    @Argument(help: "The database directory.")
    var directory = "./data/university"

    func run() throws {
        let fm = LineDBFiles()
        if fm.isDatabase(directory) {
            Output.line("Using the existing database in \(directory) (left untouched).")
        } else {
            Output.line("Creating the demo database in \(directory) ...")
            let source: DemoInstaller.Source
            do {
                source = try DemoInstaller.install(into: directory)
            } catch let failure as DemoInstaller.Failure {
                if failure.isUsage { throw UsageError(failure.description) }
                throw DataError(failure.description)
            } catch {
                throw DataError("creating the demo database in \(directory): \(error)")
            }
            switch source {
            case .resource(let path):
                Output.line("Copied the bundled demo database (\(path)).")
            case .generated:
                Output.line("Generated the demo database (no resource bundle LineDB_linedb.resources next to linedb).")
            }
        }
        let terminal = DemoTerminal.current()
        if terminal == .usable {
            Output.flush()
            try Browse.parse([directory]).run()
            return
        }
        // No browser here: the statistics, then one line on how to browse (the first thing a new user wants).
        try Stats.parse([directory]).run()
        Output.line("")
        Output.line(terminal.browseHint(directory: directory))
    }
}

/// Whether `linedb demo` can open the browser here, and if not, why: the checks `linedb browse` makes (a terminal
/// on standard input and output, a `TERM` that terminfo knows), made beforehand so that the demo prints its
/// statistics instead of failing; plus one `browse` does not make: a `TERM` that cannot move the cursor (`dumb`,
/// as in Emacs's `M-x shell`) would get a garbled screen.
enum DemoTerminal: Equatable {
    case usable
    /// Standard input or output (`which` names them) is not a terminal: a pipe, a file, CI.
    case notATerminal(which: String)
    /// `TERM` is unset or empty.
    case noTermVariable
    /// `TERM` names no terminfo entry (or no terminfo database is installed).
    case unknownType(String)
    /// `TERM` is known but has no cursor addressing (`cup`).
    case cannotMoveCursor(String)

    /// The terminal of this process.
    static func current() -> DemoTerminal {
        let input = isatty(STDIN_FILENO) == 1, output = isatty(STDOUT_FILENO) == 1
        guard input && output else {
            return .notATerminal(which: !input && !output ? "standard input and output are"
                : !output ? "standard output is" : "standard input is")
        }
        guard let term = getenv("TERM").map({ String(cString: $0) }), !term.isEmpty else { return .noTermVariable }
        switch Terminfo.lookUp(term) {
        case .unknown: return .unknownType(term)
        case .known(let canMoveCursor): return canMoveCursor ? .usable : .cannotMoveCursor(term)
        case .unavailable: return .usable  // cannot ask terminfo here: leave the judgement to `linedb browse`
        }
    }

    /// One line: how to browse the database at `directory` from here (for every case but ``usable``).
    func browseHint(directory: String) -> String {
        let browse = "linedb browse \(Self.shellQuoted(directory))"
        switch self {
        case .usable, .notATerminal:
            return "To browse it, run in a terminal: \(browse)"
        case .noTermVariable:
            return "Not browsing: TERM is not set, so the terminal type is unknown; to browse it: "
                + Self.withKnownTerm(browse)
        case .unknownType(let term):
            return "Not browsing: unknown terminal type TERM=\(Self.shellQuoted(term)) (no terminfo entry for it); "
                + "to browse it: " + Self.withKnownTerm(browse)
        case .cannotMoveCursor(let term):
            return "Not browsing: TERM=\(Self.shellQuoted(term)) cannot move the cursor; to browse it, run in a "
                + "terminal emulator (xterm, tmux, ...): \(browse)"
        }
    }

    /// `TERM=xterm-256color linedb browse DIR` with the first common terminal type terminfo knows here, or advice
    /// to install terminfo when it knows none of them.
    private static func withKnownTerm(_ command: String) -> String {
        let known = ["xterm-256color", "xterm", "screen", "vt100"].first { name in
            if case .known(true) = Terminfo.lookUp(name) { return true }
            return false
        }
        guard let known else { return "install the terminfo database (Debian: ncurses-base), then \(command)" }
        return "TERM=\(known) \(command)"
    }

    /// `text` as one shell word: unchanged when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%_+=:,./-")
        if !text.isEmpty && text.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Asks terminfo (through ncurses's own `setupterm`, quietly, as the curses shim does before it starts curses)
/// whether it knows a terminal type. `setupterm` lives in `term.h`, which the CNcursesw module does not include, so
/// the three functions are looked up in the already-loaded libtinfo with `dlsym`.
private enum Terminfo {
    enum Answer: Equatable {
        case known(canMoveCursor: Bool)
        case unknown
        /// The functions were not found (a curses library other than ncurses).
        case unavailable
    }

    private typealias SetupTerm = @convention(c) (UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<Int32>?) -> Int32
    private typealias TigetStr = @convention(c) (UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>?
    private typealias DelCurTerm = @convention(c) (OpaquePointer?) -> Int32

    static func lookUp(_ term: String) -> Answer {
        guard let process = dlopen(nil, RTLD_NOW),
            let setupSymbol = dlsym(process, "setupterm"),
            let tigetstrSymbol = dlsym(process, "tigetstr")
        else { return .unavailable }
        let setupterm = unsafeBitCast(setupSymbol, to: SetupTerm.self)
        let tigetstr = unsafeBitCast(tigetstrSymbol, to: TigetStr.self)
        var status: Int32 = 0
        // With a status pointer setupterm prints nothing and never exits; OK is 0.
        guard setupterm(term, STDOUT_FILENO, &status) == 0 else { return .unknown }
        // tigetstr: NULL when absent, (char *)-1 when not a string capability.
        let cup = tigetstr("cup")
        let canMoveCursor = cup != nil && Int(bitPattern: cup) != -1
        // Free the entry setupterm made current (ccs_start makes its own), as the shim does.
        if let deleteSymbol = dlsym(process, "del_curterm"), let current = dlsym(process, "cur_term") {
            let delCurTerm = unsafeBitCast(deleteSymbol, to: DelCurTerm.self)
            _ = delCurTerm(current.assumingMemoryBound(to: OpaquePointer?.self).pointee)
        }
        return .known(canMoveCursor: canMoveCursor)
    }
}

/// Small file-system questions the commands ask.
struct LineDBFiles {
    /// Whether `path` looks like a database directory (it has `schema/` or `wal/`).
    func isDatabase(_ path: String) -> Bool {
        var st = stat()
        return stat(path + "/schema", &st) == 0 || stat(path + "/wal", &st) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
