#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a database gets the time it writes into its files (``DatabaseOptions/clock``): the `timestamp` of every
/// WAL line, the name of each archive a checkpoint leaves (`wal/transaction.YYYYMMDD_HHMMSS.log`), an export's
/// `exported_at` and the names of files recovery moves to `quarantine/`.
///
/// The default, ``SystemClock``, reads the system's local time. A program that needs the same bytes on every run
/// (a generated sample database, a test comparing files) passes its own:
///
/// ```swift
/// struct FixedClock: DatabaseClock {
///     func now() -> LocalTimestamp {
///         LocalTimestamp(year: 2025, month: 9, day: 1, hour: 9, minute: 0, second: 0, microsecond: 0)!
///     }
/// }
/// var options = DatabaseOptions()
/// options.clock = FixedClock()
/// ```
///
/// The engine asks once per write (the lines of one insert, batch or transaction share a timestamp) and once per
/// checkpoint (its `CHECKPOINT` line and its archive's name). The WAL is ordered by its LSNs, not its timestamps, and
/// a checkpoint never reuses an archive's name: a reading equal to the last archive's gets the next `_N` suffix.
/// Archives' names sort by time, so a clock should not go backwards across checkpoints. A schema's `created_at` is
/// given by ``TableSchema/init(_:columns:createdAt:)``.
public protocol DatabaseClock: Sendable {
    /// The current local time.
    func now() -> LocalTimestamp
}

/// The system's clock in the local time zone (`gettimeofday`, `localtime_r`): the default
/// ``DatabaseOptions/clock``.
public struct SystemClock: DatabaseClock {
    /// The system clock.
    public init() {}

    /// Now, in local time, to the microsecond.
    public func now() -> LocalTimestamp {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = tv.tv_sec
        var parts = tm()
        localtime_r(&t, &parts)
        return LocalTimestamp(
            checked: Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), min(59, Int(parts.tm_sec)), Int(tv.tv_usec))
    }
}

/// A local date and time without a zone, to the microsecond: what LineDB writes as a timestamp, in the seed's
/// format (Python's `datetime.now().isoformat()`).
public struct LocalTimestamp: Sendable, Hashable, CustomStringConvertible {
    /// The year (1...9999).
    public let year: Int
    /// The month (1...12).
    public let month: Int
    /// The day of the month (1...31, as the month has).
    public let day: Int
    /// The hour (0...23).
    public let hour: Int
    /// The minute (0...59).
    public let minute: Int
    /// The second (0...59).
    public let second: Int
    /// The microsecond (0...999,999).
    public let microsecond: Int

    /// A timestamp, or `nil` when a part is out of its range (a 13th month, a 30 February, a 60th second).
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalTimestamp.days(inMonth: month, of: year)).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second), (0...999_999).contains(microsecond)
        else { return nil }
        self.init(checked: year, month, day, hour, minute, second, microsecond)
    }

    init(checked year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ microsecond: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff` (26 characters), as in the WAL's `timestamp` and a schema's `created_at`.
    public var description: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(26)
        LocalTimestamp.put(year, 4, &bytes); bytes.append(UInt8(ascii: "-"))
        LocalTimestamp.put(month, 2, &bytes); bytes.append(UInt8(ascii: "-"))
        LocalTimestamp.put(day, 2, &bytes); bytes.append(UInt8(ascii: "T"))
        LocalTimestamp.put(hour, 2, &bytes); bytes.append(UInt8(ascii: ":"))
        LocalTimestamp.put(minute, 2, &bytes); bytes.append(UInt8(ascii: ":"))
        LocalTimestamp.put(second, 2, &bytes); bytes.append(UInt8(ascii: "."))
        LocalTimestamp.put(microsecond, 6, &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYYMMDD_HHMMSS`, as in an archive's name `transaction.YYYYMMDD_HHMMSS.log`.
    public var compactDescription: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(15)
        LocalTimestamp.put(year, 4, &bytes)
        LocalTimestamp.put(month, 2, &bytes)
        LocalTimestamp.put(day, 2, &bytes)
        bytes.append(UInt8(ascii: "_"))
        LocalTimestamp.put(hour, 2, &bytes)
        LocalTimestamp.put(minute, 2, &bytes)
        LocalTimestamp.put(second, 2, &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func put(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var v = value
        var i = width - 1
        while i >= 0 {
            digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        bytes.append(contentsOf: digits)
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
