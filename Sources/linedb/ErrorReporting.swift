#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import LineDB

/// An argument that parsed but cannot be used: a value that does not fit its column, a column the table does not
/// have, a bad `--column` spec, a malformed JSON record. Exit code 2, like the parser's own errors.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A data problem the command found itself (a corrupt WAL before `recover`, a missing database). Exit code 1.
struct DataError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An error with the input it concerns (`stdin line 3: ...`); the exit code is the underlying error's.
struct ContextError: Error {
    var context: String?
    var underlying: Error
    init(_ context: String?, _ underlying: Error) {
        self.context = context
        self.underlying = underlying
    }
}

/// An error followed on stderr by lines that show where it is (the line of SQL and a caret under the place).
struct DetailedError: Error {
    var underlying: Error
    /// Printed as it is after the one-line message.
    var detail: String
}

/// The exit codes of `linedb`.
enum ExitStatus {
    /// Success.
    static let ok: Int32 = 0
    /// A data problem: a constraint violation, a record that does not exist, a corrupt or locked database, `check`
    /// found a problem, a bad record in a file given to `import`.
    static let dataProblem: Int32 = 1
    /// A usage error: a bad option, an unknown table, a value the user typed that does not fit its column's type or
    /// a column the user named that the table does not have (in a record given to `insert`, in `--set`, `--where`
    /// or KEY). (ArgumentParser's default, 64, is mapped to this.)
    static let usage: Int32 = 2
}

/// Turns every error into one line on stderr, `linedb: <message>`, and the exit code of ``ExitStatus``.
/// Never a stack trace: engine errors print their ``LineDBError/description``.
enum ErrorReporting {
    static func exit(with error: Error) -> Never {
        Output.flush()
        if let e = error as? DetailedError, let (message, code) = describe(e.underlying) {
            printError(message)
            Output.writeError(e.detail)
            terminate(code)
        }
        if let (message, code) = describe(error) { fail(message, code: code) }
        let code = LinedbCommand.exitCode(for: error)
        if code == .success {
            // --help and --version.
            let text = LinedbCommand.fullMessage(for: error)
            if !text.isEmpty { Output.write(text + "\n") }
            Output.flush()
            terminate(ExitStatus.ok)
        }
        let message = LinedbCommand.message(for: error)
        if code == .validationFailure {
            fail(message + seeHelp(error), code: ExitStatus.usage)
        }
        // An ExitCode thrown by a command that has printed its own report (check).
        if !message.isEmpty { printError(message) }
        terminate(code.rawValue)
    }

    /// The message and exit code of the errors `linedb` itself knows; `nil` for ArgumentParser's.
    private static func describe(_ error: Error) -> (String, Int32)? {
        switch error {
        case let e as LineDBError: return (e.description, exitCode(for: e))
        case let e as UsageError: return (e.description, ExitStatus.usage)
        case let e as DataError: return (e.description, ExitStatus.dataProblem)
        case let e as ContextError:
            let prefix = e.context.map { "\($0): " } ?? ""
            guard let (message, code) = describe(e.underlying) else {
                return (prefix + "\(e.underlying)", ExitStatus.dataProblem)
            }
            return (prefix + message, code)
        default: return nil
        }
    }

    /// An engine error about input the user typed (a record given to `insert`, a `--set` change): a value that does
    /// not fit its column's type or a column the table does not have is a usage error (exit 2), as the same mistake
    /// in `--set`, `--where` or KEY is when the command line is parsed. Any other error is returned as it is: a
    /// constraint (NOT NULL, UNIQUE, a duplicate key) is about the data (1). Records read from a file by `import`
    /// do not pass through here: a bad record in a file is a data problem.
    static func userInput(_ error: Error) -> Error {
        guard let e = error as? LineDBError else { return error }
        switch e {
        case .typeMismatch, .unknownColumn: return UsageError(e.description)
        default: return error
        }
    }

    /// Engine errors: naming a table that does not exist is a usage error; everything else is about the data.
    static func exitCode(for error: LineDBError) -> Int32 {
        switch error {
        case .tableNotFound: return ExitStatus.usage
        default: return ExitStatus.dataProblem
        }
    }

    /// Writes `linedb: <message>` to stderr (one line: embedded line breaks become spaces).
    static func printError(_ message: String) {
        Output.writeError("linedb: " + oneLine(message) + "\n")
    }

    /// Writes `linedb: warning: <message>` to stderr.
    static func printWarning(_ message: String) {
        Output.writeError("linedb: warning: " + oneLine(message) + "\n")
    }

    /// Writes `linedb: note: <message>` to stderr.
    static func printNote(_ message: String) {
        Output.writeError("linedb: note: " + oneLine(message) + "\n")
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        printError(message)
        terminate(code)
    }

    private static func terminate(_ code: Int32) -> Never {
        Output.flush()
        #if canImport(Glibc)
        Glibc.exit(code)
        #else
        Darwin.exit(code)
        #endif
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters() }.joined(separator: " ")
    }

    /// ` (see 'linedb insert --help')`, taken from the parser's full message for the failing subcommand.
    private static func seeHelp(_ error: Error) -> String {
        let full = LinedbCommand.fullMessage(for: error)
        guard let start = full.range(of: "See '"), let end = full[start.upperBound...].firstIndex(of: "'") else {
            return " (see 'linedb --help')"
        }
        return " (see '\(full[start.upperBound..<end])')"
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
