import ArgumentParser
import LineDB

/// `--as-of LSN|TIME` of select, export, stats and sql: the database as it was just after that LSN or at that time
/// (``Database/state(asOf:tables:)``).
struct AsOfOption: ParsableArguments {
    @Option(
        name: .customLong("as-of"), parsing: .unconditional,
        help: ArgumentHelp(
            "Read the database as it was just after this LSN or at this time (2026-12-07T14:30, local unless a zone "
                + "such as Z or +01:00 is given; or relative: -90s, -30m, -2h, -3d, -1w). Read-only.",
            valueName: "lsn|time"))
    var text: String?

    /// The moment asked for, when one is.
    func moment() throws -> HistoryMoment? {
        guard let text else { return nil }
        return try HistoryMoment.parse(text)
    }

    /// The past state of `tables` (all when `nil`) at the moment asked for, when one is; notes on tables left out go
    /// to stderr.
    func state(of db: Database, tables: [String]? = nil) throws -> PastState? {
        guard let moment = try moment() else { return nil }
        let past = try db.state(asOf: moment, tables: tables)
        past.notes.forEach(ErrorReporting.printWarning)
        return past
    }

    /// The one table `name` as it was (a table that did not exist then is an error that says so).
    func table(_ name: String, of db: Database) throws -> (PastState, PastTable)? {
        guard let past = try state(of: db, tables: [name]) else { return nil }
        guard let table = past.table(name) else {
            throw UsageError("table '\(name)' did not exist as of lsn \(past.lsn)")
        }
        return (past, table)
    }
}

extension PastState {
    /// `lsn 1234 (2026-12-07T14:30:05.123456)`: the moment a past state is taken at, for messages.
    var momentDescription: String {
        "lsn \(lsn)" + (timestamp.map { " (\($0))" } ?? "")
    }
}
