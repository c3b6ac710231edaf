import ArgumentParser
import LineDB

/// `linedb delete DB TABLE KEY`
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete one record and print it.",
        discussion: """
            KEY is read by the type of the table's primary key. The deleted record is printed as one JSON line \
            once the deletion is durable.

            Example:
              linedb delete uni student 2
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: "The record's primary key.")
    var key: String

    @OptionGroup var sync: SyncOptions
    @OptionGroup var wait: WaitOption

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode, tables: [table], wait: wait.seconds)
        let keyValue = try ValueParsing.key(key, schema: try db.schemaForCommand(table))
        let deleted = try db.delete(table, key: keyValue)
        try db.close()
        Output.jsonLine(JSONWriter.encode(.object(deleted)))
    }
}
