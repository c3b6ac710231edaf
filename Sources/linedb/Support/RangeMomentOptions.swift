import ArgumentParser
import LineDB

/// `--from M [--to M]` for `linedb diff` and `linedb revert`: a range of the history, each end an LSN, a time or a
/// time relative to now, read by the engine's one parser (``HistoryMoment/parse(_:now:)``).
///
/// A value may begin with a dash (`--from -2h`): the options take the next argument whatever it looks like.
struct RangeMomentOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The start (exclusive): an LSN (1234), a time (2026-12-07T14:30, local unless Z or +01:00 is given) or -2h, -30m, -3d.",
            valueName: "moment"),
        transform: RangeMomentOptions.moment)
    var from: HistoryMoment

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The end (inclusive), as --from; now by default.", valueName: "moment"),
        transform: RangeMomentOptions.moment)
    var to: HistoryMoment?

    /// Parses one moment; a bad one is a usage error naming the forms accepted.
    static func moment(_ text: String) throws -> HistoryMoment {
        do {
            return try HistoryMoment.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// Describes one end of a range for people: `lsn 12 (2026-12-07T14:30:05.123456)`.
func describeMoment(lsn: Int, time: String?) -> String {
    "lsn \(lsn)" + (time.map { " (\($0))" } ?? "")
}
