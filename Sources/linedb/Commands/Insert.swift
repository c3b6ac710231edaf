import ArgumentParser
import LineDB

/// `linedb insert DB TABLE [RECORD...]`
struct Insert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Insert records and print their primary keys.",
        discussion: """
            Each RECORD argument is one JSON object; without arguments, each line of standard input is one (blank \
            lines are skipped). Text that is not valid UTF-8 is refused (with its byte offset), never repaired. Columns left out get their default or null; an integer primary key left out is \
            assigned. Each record is its own write: its key is printed on its own line (and flushed) only once \
            the write is durable (--sync full: synced to the WAL on disk). The command stops at the first record \
            that fails: with exit code 2 if it is not a JSON object, names a column the table does not have or \
            gives a value that does not fit its column's type; with 1 if it breaks a constraint (NOT NULL, UNIQUE, \
            a duplicate key). Every key printed before it was inserted. Empty input inserts nothing and exits 0.

            Example:
              linedb insert uni student '{"name": "Alice", "gpa": 3.8}'
              jq -c '.[]' students.json | linedb insert uni student
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: "The table.")
    var table: String

    @Argument(help: ArgumentHelp("Records as JSON objects (default: one per line of standard input).",
                                 valueName: "record"))
    var records: [String] = []

    @OptionGroup var sync: SyncOptions
    @OptionGroup var wait: WaitOption

    func run() throws {
        let db = try database.openForWriting(sync: sync.mode, tables: [table], wait: wait.seconds)
        _ = try db.schemaForCommand(table)  // an unknown table fails before reading any input
        if records.isEmpty {
            var lineNumber = 0
            var input = StandardInputLines()
            while let (bytes, offset) = input.next() {
                lineNumber += 1
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let place = "stdin line \(lineNumber)"
                // Refused, not repaired into U+FFFD: `import` refuses such a file too.
                if let bad = UTF8Validation.firstInvalidByte(bytes) {
                    throw ContextError(place, UsageError(
                        "not valid UTF-8 at byte offset \(bad) of the line (byte offset \(offset + bad) of the input; "
                            + "0x\(String(bytes[bad], radix: 16, uppercase: true))); nothing more was inserted"))
                }
                try insert(String(decoding: bytes, as: UTF8.self), into: db, place: place)
            }
        } else {
            for (i, text) in records.enumerated() {
                try insert(text, into: db, place: records.count > 1 ? "record \(i + 1)" : nil)
            }
        }
        try db.close()
    }

    private func insert(_ text: String, into db: Database, place: String?) throws {
        let object: JSONObject
        do {
            guard case .object(let o) = try JSONParser.parse(text) else {
                throw UsageError("expected a JSON object, got \(text.count > 40 ? text.prefix(37) + "..." : text)")
            }
            object = o
        } catch let error as JSONParseError {
            throw ContextError(place, UsageError("invalid JSON: \(error.description)"))
        } catch {
            throw ContextError(place, error)
        }
        let key: JSONValue
        do {
            key = try db.insert(table, object)
        } catch {
            throw ContextError(place, ErrorReporting.userInput(error))
        }
        // Durable now (under --sync full): acknowledge it at once.
        Output.line(Self.keyText(key))
        Output.flush()
    }

    /// A key as printed: a string as it is (control and bidirectional formatting characters shown visibly, as
    /// ``VisibleText`` shows them), anything else as JSON.
    static func keyText(_ key: JSONValue) -> String {
        if case .string(let s) = key { return VisibleText.escaped(s) }
        return JSONWriter.encode(key)
    }
}
