import ArgumentParser
import LineDB
import LineDBPostgres

/// `linedb replicate DB URL [--follow] [--tables a,b] [--id NAME]`
struct Replicate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicate",
        abstract: "Copy the database to PostgreSQL, then apply its WAL there, exactly once.",
        discussion: """
            The first run creates the tables in PostgreSQL (int → bigint, float → double precision, str → text, \
            bool → boolean, datetime → timestamp, date → date, json → jsonb; PRIMARY KEY, UNIQUE and NOT NULL \
            kept; defaults and fields outside the schema are not) and copies the records with COPY, in one \
            transaction. Then every committed WAL transaction after the copy is applied as a PostgreSQL \
            transaction (several waiting ones may share one), together with the position (the LSN) in the table \
            linedb_replication, so a run killed at any moment resumes where PostgreSQL stands: nothing twice, \
            nothing missing. Tables created and dropped in LineDB are created and dropped in PostgreSQL.

            With --follow, keeps applying new entries as they are written (polling every 10 ms), through \
            checkpoints, and reconnects when the server restarts; stop it with Ctrl-C or SIGTERM. Takes no lock: \
            runs beside the writer. A change PostgreSQL refuses stops replication (exit 1) with the LSN and the \
            record; nothing is skipped.

            URL is a libpq connection string; any server that speaks PostgreSQL's protocol and plain SQL will do.

            Example:
              linedb replicate uni postgresql://localhost/uni --follow
              psql postgresql://localhost/uni -c 'SELECT * FROM linedb_replication'
            """
    )

    @OptionGroup var database: DatabaseArgument

    @Argument(help: ArgumentHelp("The PostgreSQL connection string (postgresql://user@host:port/dbname).",
                                 valueName: "url"))
    var url: String

    @Flag(help: "Keep applying new WAL entries until interrupted.")
    var follow = false

    @Option(help: ArgumentHelp("Replicate only these tables (comma-separated).", valueName: "a,b"))
    var tables: String?

    @Option(help: ArgumentHelp(
        "The database's name in linedb_replication (default: the directory's name).", valueName: "name"))
    var id: String?

    func run() throws {
        try database.requireDatabase()
        var components = database.path.split(separator: "/").map(String.init)
        while components.last == "." { components.removeLast() }
        var options = ReplicationOptions(url: url, databaseID: id ?? components.last ?? database.path)
        options.follow = follow
        if let tables {
            let names = tables.split(separator: ",").map { $0.trimmingCharacters() }
            guard !names.isEmpty, !names.contains("") else { throw UsageError("--tables: name the tables, as a,b") }
            options.tables = names
        }
        let replicator = Replicator(databasePath: database.path, options: options)
        replicator.onNote = ErrorReporting.printNote
        if follow {
            Signals.installStopHandlers()
            replicator.shouldStop = { Signals.stopRequested }
        }
        do {
            try replicator.run()
        } catch let error as ReplicationError {
            reportIfAnyWork(replicator.summary)
            if case .usage(let message) = error { throw UsageError(message) }
            throw DataError(error.description)
        } catch let error as PGError {
            reportIfAnyWork(replicator.summary)
            throw DataError(error.description)
        }
        report(replicator.summary)
    }

    /// After an error: what was done before it, if anything (the error names the position itself).
    private func reportIfAnyWork(_ summary: ReplicationSummary) {
        if summary.copiedAtLSN != nil || summary.appliedTransactions > 0 { report(summary) }
    }

    private func report(_ summary: ReplicationSummary) {
        if let lsn = summary.copiedAtLSN {
            let records = summary.copied.reduce(0) { $0 + $1.records }
            for (name, count) in summary.copied { Output.line("\(name): \(plural(count, "record")) copied") }
            Output.line("copied \(plural(summary.copied.count, "table")) (\(plural(records, "record"))) as of lsn \(lsn)")
        }
        Output.line(
            "applied \(plural(summary.appliedTransactions, "transaction")) (\(plural(summary.appliedChanges, "change"))); "
                + "PostgreSQL holds \(database.path) through lsn \(summary.lsn)")
        Output.flush()
    }
}
