import Foundation
@testable import LineDB

/// A clock for tests (``DatabaseOptions/clock``): its `n`-th reading (0-based) is `start` plus `n` × `step` seconds
/// plus `offset(n)` seconds, so that a test sets the WAL's timestamps (a clock that goes back at a chosen write)
/// instead of rewriting them, and their CRCs, afterwards. Times are local and without a zone, as the WAL's.
final class TestClock: DatabaseClock, @unchecked Sendable {
    private let start: Date
    private let step: Int
    private let offset: @Sendable (Int) -> Int
    private let lock = NSLock()
    private var next = 0
    /// Naive date arithmetic: UTC here only so that no daylight-saving change moves a reading.
    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// A clock that starts at `start` (`YYYY-MM-DDTHH:MM:SS`, whole seconds).
    init(start: String = "2026-01-22T20:31:17", step: Int = 1, offset: @escaping @Sendable (Int) -> Int = { _ in 0 }) {
        let p = start.split(whereSeparator: { "-T:".contains($0) }).map { Int($0)! }
        self.start = Self.calendar.date(
            from: DateComponents(year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4], second: p[5]))!
        self.step = step
        self.offset = offset
    }

    /// How many times the engine asked.
    var readings: Int { lock.withLock { next } }

    func now() -> LocalTimestamp {
        let n = lock.withLock {
            defer { next += 1 }
            return next
        }
        let date = start.addingTimeInterval(TimeInterval(n * step + offset(n)))
        let c = Self.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return LocalTimestamp(
            year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!,
            microsecond: n)!
    }
}
