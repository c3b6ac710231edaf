import ArgumentParser
import LineDB

/// `linedb create-table DB TABLE --column name:type[:flags]...`
struct CreateTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-table",
        abstract: "Create a table.",
        discussion: """
            Each --column is name:type, then flags separated by ':' — pk (the primary key, int or str), unique, \
            notnull, default=VALUE. default= comes last; VALUE is read by the column's type and may contain ':'. \
            Types: int, float, str, bool, datetime, date, json. Without a pk column an integer primary key 'id' \
            is added as the first column (a note on stderr says so).

            The schema file and the WAL entry are on disk when the command returns.

            Example:
              linedb create-table uni student --column id:int:pk \\
                  --column name:str:notnull --column email:str:unique \\
                  --column gpa:float:default=0.0
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The new table's name (letters, digits, '_', '-').")
    var table: String

    @Option(
        name: .customLong("column"),
        help: ArgumentHelp("A column: name:type[:pk|:unique|:notnull|:default=VALUE]. Repeat for each column.",
                           valueName: "spec"))
    var columns: [String] = []

    @Flag(help: "Store the records gzipped (data/<table>.records.gz; see `linedb compress`).")
    var gzip = false

    @OptionGroup var sync: SyncOptions

    func validate() throws {
        if columns.isEmpty { throw ValidationError("give at least one --column name:type") }
    }

    func run() throws {
        let parsed = try columns.map { (spec) throws(UsageError) in try ColumnSpec.parse(spec, table: table) }
        let schema: TableSchema
        do {
            schema = try TableSchema(table, columns: parsed)
        } catch {
            throw UsageError(error.description)
        }
        if let problem = schema.nameProblem { throw UsageError(problem) }  // the engine refuses it too
        let implicitKey = schema.primaryKeyIndex == nil
        if implicitKey, schema.index(of: "id") != nil {
            throw UsageError(
                "column 'id' is not marked :pk; write id:int:pk, or mark another column as the primary key")
        }
        let db = try database.openForWriting(sync: sync.mode)
        let created = try db.createTable(schema)
        if gzip { try db.compressTables([created.name]) }
        try db.close()
        if implicitKey {
            ErrorReporting.printNote(
                "no column is marked :pk, so an integer primary key 'id' was added as the first column")
        }
        Output.line("created table \(table): " + created.columns.map(ColumnSpec.describe).joined(separator: ", "))
    }
}
