import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `Date` ⇄ the ISO 8601 text of `datetime` and `date` columns, as Python writes and reads it.
///
/// Written: `YYYY-MM-DDTHH:MM:SS[.ffffff]` in local time, without an offset, exactly what Python's
/// `datetime.isoformat()` writes for a naive local time (the seed's `created_at` and WAL timestamps, and the
/// engine's own), microseconds omitted when zero, as Python omits them. Read: that, a bare date, a `' '` instead
/// of `T`, 1–9 fraction digits, and a `Z` or `±HH:MM` offset (honoured); a time without an offset is local time.
/// Precision is the microsecond, as in Python.
///
/// Hand-written (no `DateFormatter`/`ISO8601DateFormatter`): the typed fetch of a 1M-record table decodes one
/// date per record, and the formatters cost microseconds each.
package enum DateCoding {
    // MARK: - Writing

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]`, local time.
    static func dateTimeString(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        let local = seconds + LocalOffset.offset(utc: seconds)
        let days = floorDiv(local, 86_400)
        let (year, month, day) = civil(days: days)
        guard (0...9999).contains(year) else {
            var bytes = [UInt8]()
            appendDate(days: days, into: &bytes)
            return String(decoding: bytes, as: UTF8.self) + "T" + timeOfDay(local - days * 86_400, micros)
        }
        let secondOfDay = local - days * 86_400
        return String(unsafeUninitializedCapacity: 26) { b in
            func two(_ v: Int, _ at: Int) {
                b[at] = UInt8(48 + v / 10)
                b[at + 1] = UInt8(48 + v % 10)
            }
            two(year / 100, 0)
            two(year % 100, 2)
            b[4] = 45
            two(month, 5)
            b[7] = 45
            two(day, 8)
            b[10] = 84
            two(secondOfDay / 3600, 11)
            b[13] = 58
            two(secondOfDay / 60 % 60, 14)
            b[16] = 58
            two(secondOfDay % 60, 17)
            guard micros != 0 else { return 19 }
            b[19] = 46
            var m = micros
            for k in stride(from: 25, through: 20, by: -1) {
                b[k] = UInt8(48 + m % 10)
                m /= 10
            }
            return 26
        }
    }

    private static func timeOfDay(_ secondOfDay: Int, _ micros: Int) -> String {
        var bytes = [UInt8]()
        put(secondOfDay / 3600, 2, &bytes)
        bytes.append(58)
        put(secondOfDay / 60 % 60, 2, &bytes)
        bytes.append(58)
        put(secondOfDay % 60, 2, &bytes)
        if micros != 0 {
            bytes.append(46)
            put(micros, 6, &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD`, the local calendar day of `date`.
    static func dateString(_ date: Date) -> String {
        let (seconds, _) = split(date)
        let local = seconds + LocalOffset.offset(utc: seconds)
        var bytes = [UInt8]()
        bytes.reserveCapacity(10)
        appendDate(days: floorDiv(local, 86_400), into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whole Unix seconds and microseconds (0...999_999) of a date, rounded to the microsecond.
    private static func split(_ date: Date) -> (Int, Int) {
        let t = date.timeIntervalSince1970
        let whole = t.rounded(.down)
        var micros = Int(((t - whole) * 1e6).rounded())
        var seconds = Int(whole)
        if micros >= 1_000_000 {
            micros -= 1_000_000
            seconds += 1
        }
        return (seconds, micros)
    }

    /// The date `seconds + micros / 10^6` after 1970, rounded once from the decimal (as the literal
    /// `Date(timeIntervalSince1970: 1769113877.592172)` is), so that a date written and read back is equal to one
    /// made from the same decimal.
    private static func date(seconds: Int, micros: Int) -> Date {
        if micros == 0 { return Date(timeIntervalSince1970: Double(seconds)) }
        var text = seconds < 0 ? "-\(-(seconds + 1))." : "\(seconds)."
        let fraction = String(seconds < 0 ? 1_000_000 - micros : micros)
        text += String(repeating: "0", count: 6 - fraction.count) + fraction
        return Date(timeIntervalSince1970: Double(text) ?? Double(seconds) + Double(micros) / 1e6)
    }

    // MARK: - Reading

    /// Parses a `date` or `datetime` string; `nil` when it is not ISO 8601.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 10, let y = num(b, 0, 4), b[4] == 45, let m = num(b, 5, 2), b[7] == 45, let d = num(b, 8, 2),
            (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y)
        else { return nil }
        var seconds = days(year: y, month: m, day: d) * 86_400
        var micros = 0
        var offset: Int? = nil
        var i = 10
        if b.count > 10 {
            guard b.count >= 16, b[10] == 84 || b[10] == 32 || b[10] == 116, let hh = num(b, 11, 2), b[13] == 58,
                let mm = num(b, 14, 2), hh < 24, mm < 60
            else { return nil }
            seconds += hh * 3600 + mm * 60
            i = 16
            if i < b.count && b[i] == 58 {
                guard let ss = num(b, i + 1, 2), ss < 61 else { return nil }
                seconds += ss
                i += 3
                if i < b.count && (b[i] == 46 || b[i] == 44) {
                    i += 1
                    var digits = 0
                    var fraction = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if digits < 6 { fraction = fraction * 10 + Int(b[i] - 48) }
                        digits += 1
                        i += 1
                    }
                    guard (1...9).contains(digits) else { return nil }
                    for _ in digits..<6 { fraction *= 10 }
                    micros = fraction
                }
            }
            if i < b.count {
                if b[i] == 90 || b[i] == 122 {
                    guard i + 1 == b.count else { return nil }
                    offset = 0
                } else {
                    guard b[i] == 43 || b[i] == 45, let th = num(b, i + 1, 2), th < 24 else { return nil }
                    var j = i + 3
                    if j < b.count && b[j] == 58 { j += 1 }
                    var tm = 0
                    if j < b.count {
                        guard let v = num(b, j, 2), v < 60, j + 2 == b.count else { return nil }
                        tm = v
                    } else if j != b.count {
                        return nil
                    }
                    offset = (th * 3600 + tm * 60) * (b[i] == 45 ? -1 : 1)
                }
            }
        }
        let utc = seconds - (offset ?? LocalOffset.offset(local: seconds))
        return date(seconds: utc, micros: micros)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    /// Days since 1970-01-01.
    package static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month, day of a day number (days since 1970-01-01).
    package static func civil(days z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func appendDate(days z0: Int, into bytes: inout [UInt8]) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        if year < 0 {
            bytes.append(45)
            put(-year, 4, &bytes)
        } else {
            put(year, 4, &bytes)
        }
        bytes.append(45)
        put(month, 2, &bytes)
        bytes.append(45)
        put(day, 2, &bytes)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    private static func put(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        var digits = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 20
        }
        for _ in n..<max(n, width) { bytes.append(48) }
        withUnsafeBytes(of: &digits) { raw in
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(raw[k]) }
        }
    }

    private static func num(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ width: Int) -> Int? {
        guard at + width <= b.count else { return nil }
        var v = 0
        for i in at..<at + width {
            guard b[i] >= 48 && b[i] <= 57 else { return nil }
            v = v * 10 + Int(b[i] - 48)
        }
        return v
    }
}

/// The local time zone's offset from UTC, in seconds.
///
/// When the zone has had one offset from 1901 to 2099 (UTC in containers, and zones without daylight saving),
/// that constant is used; otherwise `localtime_r` is asked per value.
enum LocalOffset {
    private static let constant: Int? = {
        var first: Int? = nil
        for year in 1901...2099 {
            for month in [1, 7] {
                let t = DateCoding.days(year: year, month: month, day: 15) * 86_400
                let o = ask(t)
                if first == nil { first = o } else if first != o { return nil }
            }
        }
        return first
    }()

    private static func ask(_ t: Int) -> Int {
        var time = time_t(t)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    /// The offset at the instant `utc` (Unix seconds).
    static func offset(utc: Int) -> Int { constant ?? ask(utc) }

    /// The offset that applies to the local wall-clock time `local` (seconds as if it were UTC). In a gap or an
    /// overlap of a daylight-saving change, the offset before the change.
    static func offset(local: Int) -> Int {
        if let constant { return constant }
        let first = ask(local)
        let second = ask(local - first)
        return second
    }
}
