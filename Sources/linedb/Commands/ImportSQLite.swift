import ArgumentParser
import LineDB
import LineDBSQL

/// `linedb import-sqlite FILE DB [--tables a,b]`
struct ImportSQLite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-sqlite",
        abstract: "Bring the tables of a SQLite file into a database, all or nothing.",
        discussion: """
            Each SQLite table becomes a new LineDB table (a name already in DB is refused). Types follow the \
            declared type: BOOLEAN → bool, DATETIME/TIMESTAMP → datetime, DATE → date, JSON (or TEXT with a \
            json_valid CHECK) → json, then SQLite's affinity rules: INT → int, CHAR/CLOB/TEXT → str, \
            REAL/FLOA/DOUB → float, BLOB or none → json, anything else → float. A one-column INTEGER or TEXT \
            primary key becomes the LineDB key (otherwise LineDB adds an integer key 'id'); NOT NULL, \
            one-column UNIQUE constraints and constant defaults are kept. What cannot be kept is said on stderr. \
            Every value is checked before DB changes; then the records are written as one transaction.

            Example:
              linedb import-sqlite shop.sqlite uni --tables product,customer
            """
    )

    @Argument(help: ArgumentHelp("The SQLite file to read.", valueName: "file"))
    var file: String

    @OptionGroup var database: DatabaseArgument

    @Option(
        help: ArgumentHelp("Import only these tables (comma-separated; default: all).", valueName: "a,b"),
        transform: { $0.split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty } })
    var tables: [String]?

    @OptionGroup var sync: SyncOptions

    func validate() throws {
        if let tables, tables.isEmpty { throw ValidationError("--tables needs at least one table name") }
    }

    func run() throws {
        try database.requireDatabase()
        let db = try database.openForWriting(sync: sync.mode)
        defer { try? db.close() }
        let plan: SQLiteImport.Plan
        do {
            plan = try SQLiteImport.read(file: file, tables: tables, into: db)
        } catch let error as SQLiteError {
            throw DataError(error.description)  // a damaged file: exit 1, like any data problem
        }
        plan.notes.forEach(ErrorReporting.printNote)
        let written = try SQLiteImport.apply(plan, to: db)
        try db.close()
        let records = written.reduce(0) { $0 + $1.records }
        for (name, count) in written { Output.line("\(name): \(plural(count, "record"))") }
        Output.line(
            "imported \(plural(written.count, "table")) (\(plural(records, "record"))) from \(file) "
                + "into \(database.path)")
    }
}
