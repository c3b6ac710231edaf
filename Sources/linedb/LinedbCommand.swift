import ArgumentParser
import Foundation
import LineDB

/// The version `linedb --version` prints.
let linedbVersion = "0.1.0 (on-disk format 1, linedb-wal/1)"

/// `linedb`: the command line of LineDB, for scripts.
struct LinedbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linedb",
        abstract: "Browse (`linedb DB`), inspect and change a LineDB database (a directory of JSON Lines files).",
        discussion: """
            DB is the database directory: schema/<table>.schema.json, data/<table>.records (JSON Lines) and \
            wal/transaction.log. Without arguments, `linedb` lists the databases in the current directory and up \
            to two levels below it.

            Exit codes: 0 success; 1 a data problem (a constraint violation, a corrupt or locked database, \
            `check` found a problem, a file that is not what it should be, a bad record in a file to import); 2 a \
            usage error (a bad option; an unknown command or table; a value that does not fit its column's type or \
            an unknown column, in a record given to insert, --set, --where or a KEY; a missing database).

            Shell completions: `linedb --generate-completion-script bash|zsh|fish`.

            Example:
              linedb init uni
              linedb create-table uni student --column id:int:pk --column name:str:notnull
              echo '{"name": "Alice"}' | linedb insert uni student
              linedb select uni student --format table
            """,
        version: linedbVersion,
        subcommands: [
            Browse.self, Demo.self, Init.self, CreateTable.self, Insert.self, Update.self, Delete.self, Select.self,
            Stats.self, Save.self, Checkpoint.self, Export.self, Import.self, ExportSQLite.self, ImportSQLite.self, Sql.self,
            WAL.self, Check.self, Recover.self, Config.self,
            Compact.self,
            Compress.self, Decompress.self,
            HistoryCommand.self,
            DiffCommand.self,
            RevertCommand.self,
            Replicate.self,
        ],
        // `linedb DB` opens the browser.
        defaultSubcommand: Browse.self
    )

    /// Parses the command line like ArgumentParser's `parseAsRoot`, with two additions: plain `linedb` (no
    /// arguments) in a directory holding databases becomes ``ListDatabases`` instead of the help text, and a
    /// mistyped command (`linedb selct uni student`) is named as such, with a suggestion, instead of being taken
    /// for a database directory given to the default command.
    ///
    /// main.swift calls `LinedbCommand.parseAsRoot()`; this static method is the one that call finds (a concrete
    /// type's member is preferred over the protocol extension's), and it hands everything else to ArgumentParser.
    static func parseAsRoot(_ arguments: [String]? = nil) throws -> ParsableCommand {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        if arguments.isEmpty {
            if !ListDatabases.find(in: ".").isEmpty { return ListDatabases() }
        } else if let first = arguments.first, let message = unknownCommand(first) {
            throw UsageError(message)
        }
        let root: any ParsableCommand.Type = LinedbCommand.self
        return try root.parseAsRoot(arguments)
    }

    /// The names of the subcommands, as typed.
    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }

    /// A message when `word` (the first argument) is no command, no option and no existing path, but close to a
    /// command's name; `nil` otherwise (then it may be a database for the default command, `browse`).
    static func unknownCommand(_ word: String) -> String? {
        guard !word.hasPrefix("-"), !word.contains("/"), !commandNames.contains(word),
            !FileManager.default.fileExists(atPath: word),
            let suggestion = DidYouMean.suggestion(for: word, among: commandNames)
        else { return nil }
        return "unknown command '\(word)' (did you mean '\(suggestion)'?); see 'linedb --help'"
    }
}

/// `linedb` without arguments where there are databases: their paths, table counts and sizes, and how to open one.
struct ListDatabases: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", shouldDisplay: false)

    /// One database found: its path (relative to the current directory), tables and bytes on disk.
    struct Found: Equatable {
        var path: String
        var tables: Int
        var bytes: Int
    }

    func run() throws {
        let databases = Self.find(in: ".")
        guard !databases.isEmpty else { throw CleanExit.helpRequest(LinedbCommand.self) }
        let rows = databases.map { [VisibleText.escaped($0.path), plural($0.tables, "table"), Stats.size($0.bytes)] }
        Output.line(databases.count == 1 ? "A LineDB database here:" : "LineDB databases here:")
        for line in TextTable(header: ["database", "tables", "size"], rows: rows).lines() { Output.line("  " + line) }
        let first = VisibleText.escaped(databases[0].path)
        Output.line("")
        Output.line("Open one in the browser with `linedb \(first)`; inspect it with `linedb stats \(first)`.")
        Output.line("All commands: `linedb --help`.")
    }

    /// The databases at `directory` itself, its subdirectories and theirs (not hidden ones, not `.build*`), sorted.
    static func find(in directory: String) -> [Found] {
        let fm = FileManager.default
        var found: [Found] = []
        func visit(_ path: String, depth: Int) {
            if let database = inspect(path) {
                found.append(database)
                return
            }
            guard depth < 2, let children = try? fm.contentsOfDirectory(atPath: path) else { return }
            for child in children.sorted() where !child.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                let full = path == "." ? child : path + "/" + child
                if fm.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                    visit(full, depth: depth + 1)
                }
            }
        }
        visit(directory, depth: 0)
        return found
    }

    /// A database's table count and size, or `nil` when `path` is no database (it needs `schema/` and `wal/` or
    /// `data/`, so a stray directory called `schema` is not taken for one).
    static func inspect(_ path: String) -> Found? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path + "/schema", isDirectory: &isDirectory), isDirectory.boolValue,
            fm.fileExists(atPath: path + "/wal") || fm.fileExists(atPath: path + "/data")
        else { return nil }
        let schemas = (try? fm.contentsOfDirectory(atPath: path + "/schema")) ?? []
        let tables = schemas.filter { $0.hasSuffix(".schema.json") && !$0.hasPrefix(".") }.count
        var bytes = 0
        if let walker = fm.enumerator(atPath: path) {
            for case let relative as String in walker {
                let attributes = try? fm.attributesOfItem(atPath: path + "/" + relative)
                if attributes?[.type] as? FileAttributeType == .typeRegular {
                    bytes += (attributes?[.size] as? NSNumber)?.intValue ?? 0
                }
            }
        }
        return Found(path: path, tables: tables, bytes: bytes)
    }
}
