import LineDB
import Synchronization

/// The demo database's clock (``DatabaseOptions/clock``): the `n`-th time the engine asks (0-based), it is
/// ``start`` plus `n` × ``step`` seconds, with a microsecond part that varies, so that the demo is the same bytes on
/// every run, whatever the machine's clock, time zone or locale.
///
/// The engine asks once per write (each `createTable`, insert, update, delete) and once per checkpoint, so the
/// WAL's timestamps are one per write, a minute apart, and the archive is named at the checkpoint's reading.
final class DemoClock: DatabaseClock {
    /// The first reading: 1 September 2025, 09:00:00 (a local time without a zone, like every WAL timestamp).
    static let start = (year: 2025, month: 9, day: 1, secondOfDay: 9 * 3_600)
    /// Seconds between two readings.
    static let step = 61

    private let readings = Mutex(0)

    func now() -> LocalTimestamp {
        DemoClock.timestamp(reading: readings.withLock { n in
            defer { n += 1 }
            return n
        })
    }

    /// The `n`-th reading (0-based).
    static func timestamp(reading n: Int) -> LocalTimestamp {
        let seconds = start.secondOfDay + n * step
        let day0 = DateCoding.days(year: start.year, month: start.month, day: start.day)  // (the engine's calendar)
        let (year, month, day) = DateCoding.civil(days: day0 + seconds / 86_400)
        let s = seconds % 86_400
        let micros = (n * 379_721 + 120_503) % 1_000_000
        // In range by construction: a valid date, s < 86,400, micros < 10^6.
        return LocalTimestamp(
            year: year, month: month, day: day, hour: s / 3_600, minute: s / 60 % 60, second: s % 60,
            microsecond: micros)!
    }
}
