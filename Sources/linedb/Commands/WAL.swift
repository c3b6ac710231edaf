#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import LineDB

/// `linedb wal DB [--follow] [--json]`
struct WAL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wal",
        abstract: "Print the write-ahead log, or follow it as another process writes.",
        discussion: """
            One entry per line: lsn, timestamp, operation, table, key, and the change (the record for INSERT, \
            `column: old → new` for UPDATE, the deleted record for DELETE). With --json, each entry as its JSON \
            object (the WAL line without its crc). An incomplete last line (still being written) is not shown.

            With --follow, keeps printing new entries as they are written (polling every 100 ms), like tail -F: \
            it continues through checkpoints (a note on stderr marks each new WAL file) and shows the entries of a \
            transaction once it commits. Stop it with Ctrl-C or SIGTERM (exit 0). Takes no lock.

            Example:
              linedb wal uni --follow --json | jq -c '.record'
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Flag(help: "Keep printing new entries until interrupted.")
    var follow = false

    @Flag(help: "Print each entry as one line of JSON.")
    var json = false

    func run() throws {
        try database.requireDatabase()
        var formatting = WALFormatting(databasePath: database.path)
        func emit(_ entry: WALEntry) {
            if json { Output.jsonLine(WALFormatting.json(entry)) } else { Output.line(formatting.line(entry)) }
        }
        guard follow else {
            for entry in try Database.readWAL(path: DatabasePaths(root: database.path).wal) { emit(entry) }
            return
        }
        Signals.installStopHandlers()
        let follower = WALFollower(databasePath: database.path)
        while !Signals.stopRequested {
            for event in try follower.pollEvents() {
                switch event {
                case .entry(let entry): emit(entry)
                case .rotated(.replaced):
                    ErrorReporting.printNote("wal/transaction.log was replaced (a checkpoint); following the new file")
                case .rotated(.truncated):
                    ErrorReporting.printNote(
                        "wal/transaction.log no longer holds what was read (recovery cut it); reading it again")
                }
            }
            Output.flush()
            if Signals.stopRequested { break }
            usleep(100_000)
        }
    }
}
