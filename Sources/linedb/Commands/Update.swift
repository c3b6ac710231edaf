import ArgumentParser
import LineDB

/// `linedb update DB TABLE KEY --set col=value...`
struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change columns of one record and print it as it is now.",
        discussion: """
            KEY and each value are read by their column's type: int, float, bool (true/false, yes/no, t/f, y/n, \
            1/0), str (as written; a JSON string literal such as '"null"' or '""' is decoded), date/datetime \
            (ISO 8601), json (JSON text); null and an empty value are null. The record is printed as one JSON line \
            once the change is durable.

            Example:
              linedb update uni student 1 --set gpa=3.9 --set email=alice@new.edu
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: "The record's primary key.")
    var key: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("A change, column=value. Repeat for more.", valueName: "col=value"))
    var assignments: [String] = []

    @OptionGroup var sync: SyncOptions
    @OptionGroup var wait: WaitOption

    func validate() throws {
        if assignments.isEmpty { throw ValidationError("give at least one --set column=value") }
    }

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode, tables: [table], wait: wait.seconds)
        let schema = try db.schemaForCommand(table)
        let keyValue = try ValueParsing.key(key, schema: schema)
        var changes = Record()
        for text in assignments {
            let (column, value) = try ValueParsing.assignment(text, schema: schema, option: "--set")
            changes[column.name] = value
        }
        let updated: Record
        do {
            updated = try db.update(table, key: keyValue, set: changes)
        } catch {
            throw ErrorReporting.userInput(error)  // --set values are checked above; this is the engine's word
        }
        try db.close()
        Output.jsonLine(JSONWriter.encode(.object(updated)))
    }
}
