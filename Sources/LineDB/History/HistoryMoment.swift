#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment in a database's history: just after a log sequence number, or at a time.
///
/// What `--as-of`, `--from` and `--to` accept (``parse(_:now:)``):
/// - an LSN: `1234`;
/// - a time in ISO 8601, local time unless a zone is given: `2026-12-07`, `2026-12-07T14:30`,
///   `2026-12-07 14:30:05.25`, `2026-12-07T13:30:00Z`, `2026-12-07T14:30:00+01:00`;
/// - a time relative to now: `-90s`, `-30m`, `-2h`, `-3d`, `-1w`.
///
/// A time means the database as it was when the clock first passed it: just after the last entry written before
/// the first entry stamped later than that time (clocks that go backwards cannot move a moment back into the past).
public enum HistoryMoment: Sendable, Hashable, CustomStringConvertible {
    /// Just after this LSN was written (and, for a transaction, committed).
    case lsn(Int)
    /// At this local time, as the WAL writes it: `YYYY-MM-DDTHH:MM:SS.ffffff`.
    case time(String)

    public var description: String {
        switch self {
        case .lsn(let n): return "lsn \(n)"
        case .time(let t): return t
        }
    }

    /// Reads a moment as a user types it.
    ///
    /// - Parameters:
    ///   - text: an LSN, an ISO 8601 time or a relative time (see the type's description).
    ///   - now: seconds since 1970 for relative forms (the current time by default).
    /// - Throws: ``LineDBError/invalidInput(reason:)`` naming the text and the forms accepted.
    public static func parse(_ text: String, now: Int? = nil) throws(LineDBError) -> HistoryMoment {
        let t = HistoryMoment.trimmed(text)
        let bad = LineDBError.invalidInput(
            reason: "'\(text)' is not a moment: give an LSN (1234), a time (2026-12-07T14:30, local unless a zone such as Z or +01:00 is given) or a time relative to now (-90s, -30m, -2h, -3d, -1w)")
        if t.isEmpty { throw bad }
        if t.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard let n = Int(t), n >= 0 else { throw bad }
            return .lsn(n)
        }
        if t.hasPrefix("-") {
            let body = t.dropFirst()
            guard let unit = body.last, let amount = Int(body.dropLast()), amount >= 0 else { throw bad }
            let seconds: Int
            switch unit {
            case "s": seconds = 1
            case "m": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86400
            case "w": seconds = 7 * 86400
            default: throw bad
            }
            let (product, overflow) = amount.multipliedReportingOverflow(by: seconds)
            guard !overflow else { throw bad }
            let base = now ?? systemTime()
            return .time(localStamp(epoch: base - product, micros: 0))
        }
        guard let stamp = parseISO(t) else { throw bad }
        return .time(stamp)
    }

    private static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff` in local time for seconds since 1970.
    package static func localStamp(epoch: Int, micros: Int) -> String {
        var t = time_t(epoch)
        var parts = tm()
        localtime_r(&t, &parts)
        return format(parts, micros: micros)
    }

    private static func format(_ p: tm, micros: Int) -> String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(Int(p.tm_year) + 1900, 4))-\(pad(Int(p.tm_mon) + 1, 2))-\(pad(Int(p.tm_mday), 2))T"
            + "\(pad(Int(p.tm_hour), 2)):\(pad(Int(p.tm_min), 2)):\(pad(Int(p.tm_sec), 2)).\(pad(micros, 6))"
    }

    /// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.f…]]][Z|±HH[:MM]]` into a local WAL stamp.
    private static func parseISO(_ text: String) -> String? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        var hour = 0, minute = 0, second = 0, micros = 0
        if i < b.count && (b[i] == 84 || b[i] == 32) {  // T or space
            i += 1
            guard let h = digits(2), expect(58), let m = digits(2) else { return nil }
            hour = h; minute = m
            if expect(58) {
                guard let s = digits(2) else { return nil }
                second = s
                if expect(46) {
                    var scale = 100_000
                    var any = false
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        micros += Int(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        if i == b.count {
            parts.tm_isdst = -1
            var check = parts
            _ = mktime(&check)
            guard check.tm_mday == parts.tm_mday else { return nil }  // 2026-02-30 normalizes to March
            return format(parts, micros: micros)
        }
        // A zone: Z or ±HH[:MM].
        var offset = 0
        if expect(90) {  // Z
        } else if i < b.count, b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let h = digits(2) else { return nil }
            var m = 0
            if expect(58) { guard let mm = digits(2) else { return nil }; m = mm } else if let mm = digits(2) { m = mm }
            guard h < 24, m < 60 else { return nil }
            offset = sign * (h * 3600 + m * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let utc = timegm(&parts)
        return localStamp(epoch: Int(utc) - offset, micros: micros)
    }
}
