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
        let (year, month, day) = civil(days: days(start.year, start.month, start.day) + seconds / 86_400)
        let s = seconds % 86_400
        let micros = (n * 379_721 + 120_503) % 1_000_000
        // In range by construction: a valid date, s < 86,400, micros < 10^6.
        return LocalTimestamp(
            year: year, month: month, day: day, hour: s / 3_600, minute: s / 60 % 60, second: s % 60,
            microsecond: micros)!
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number since 1970-01-01 (`civil_from_days`).
    private static func civil(days z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
