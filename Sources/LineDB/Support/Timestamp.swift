/// Local-time timestamps in the seed's format (Python's `datetime.now().isoformat()`): `2026-01-22T20:31:17.592245`.
/// A database takes its time from ``DatabaseOptions/clock``; this is the system's, for what is made outside any
/// database (a ``TableSchema``'s default `created_at`).
package enum Timestamp {
    /// Now, as `YYYY-MM-DDTHH:MM:SS.ffffff` in local time (``SystemClock``).
    package static func now() -> String { SystemClock().now().description }
}
