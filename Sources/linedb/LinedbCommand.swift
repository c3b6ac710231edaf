import ArgumentParser

/// The version `linedb --version` prints.
let linedbVersion = "0.1.0 (on-disk format 1, linedb-wal/1)"

/// `linedb`: the command line of LineDB, for scripts.
struct LinedbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linedb",
        abstract: "Browse (`linedb DB`), inspect and change a LineDB database (a directory of JSON Lines files).",
        discussion: """
            DB is the database directory: schema/<table>.schema.json, data/<table>.records (JSON Lines) and \
            wal/transaction.log.

            Exit codes: 0 success; 1 a data problem (a constraint violation, a corrupt or locked database, \
            `check` found a problem); 2 a usage error (a bad option or value, an unknown table).

            Example:
              linedb init uni
              linedb create-table uni student --column id:int:pk --column name:str:notnull
              echo '{"name": "Alice"}' | linedb insert uni student
              linedb select uni student --format table
            """,
        version: linedbVersion,
        subcommands: [
            Browse.self, Demo.self, Init.self, CreateTable.self, Insert.self, Update.self, Delete.self, Select.self, Stats.self,
            Save.self, Checkpoint.self, Export.self, Import.self, WAL.self, Check.self, Recover.self,
        ],
        // `linedb DB` opens the browser.
        defaultSubcommand: Browse.self
    )
}
