#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Local-time timestamps in the seed's format (Python's `datetime.now().isoformat()`):
/// `2026-01-22T20:31:17.592245`, and the archive suffix `20260122_203117`.
package enum Timestamp {
    /// Now, as `YYYY-MM-DDTHH:MM:SS.ffffff` in local time.
    package static func now() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = tv.tv_sec
        var parts = tm()
        localtime_r(&t, &parts)
        var bytes = [UInt8]()
        bytes.reserveCapacity(26)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var v = value
            var i = width - 1
            while i >= 0 { digits[i] = UInt8(48 + v % 10); v /= 10; i -= 1 }
            bytes.append(contentsOf: digits)
        }
        put(Int(parts.tm_year) + 1900, 4); bytes.append(45)
        put(Int(parts.tm_mon) + 1, 2); bytes.append(45)
        put(Int(parts.tm_mday), 2); bytes.append(84)
        put(Int(parts.tm_hour), 2); bytes.append(58)
        put(Int(parts.tm_min), 2); bytes.append(58)
        put(Int(parts.tm_sec), 2); bytes.append(46)
        put(Int(tv.tv_usec), 6)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Now, as `YYYYMMDD_HHMMSS` in local time (archive and quarantine file names).
    package static func compactNow() -> String {
        let iso = now()  // YYYY-MM-DDTHH:MM:SS.ffffff
        let chars = Array(iso.utf8)
        var out = [UInt8]()
        for (i, c) in chars.prefix(19).enumerated() where i != 4 && i != 7 && i != 13 && i != 16 {
            out.append(c == 84 ? 95 : c)  // 'T' -> '_'
        }
        return String(decoding: out, as: UTF8.self)
    }
}
