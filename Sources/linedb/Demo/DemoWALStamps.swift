import Foundation
import LineDB

/// Replaces the clock's traces in a freshly generated demo database with fixed values, so that the demo is the same
/// bytes on every run: the `timestamp` of every WAL line (then its `crc`), and the archive's name
/// `transaction.YYYYMMDD_HHMMSS.log` (and the `previous` field of the live WAL's `CHECKPOINT` line that names it).
///
/// Lines are stamped by *write*: the lines of one write (a batch insert) share a `synced` value and get the same
/// timestamp, as the engine gives them; each later write is ``step`` seconds after the one before. With
/// `syncMode = .full` and one writer, `synced` is the last LSN of the previous write, so the grouping follows from the
/// order of the writes alone.
enum DemoWALStamps {
    /// The first write's time: 1 September 2025, 09:00:00 (a local time without a zone, like every WAL timestamp).
    static let start = (year: 2025, month: 9, day: 1, secondOfDay: 9 * 3_600)
    /// Seconds between two writes.
    static let step = 61

    /// The timestamp of the `group`-th write (0-based): `YYYY-MM-DDTHH:MM:SS.ffffff`.
    static func timestamp(group: Int) -> String {
        let seconds = start.secondOfDay + group * step
        let (year, month, day) = civil(days: days(start.year, start.month, start.day) + seconds / 86_400)
        let s = seconds % 86_400
        let micros = (group * 379_721 + 120_503) % 1_000_000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(s / 3_600, 2)):\(pad(s / 60 % 60, 2)):"
            + "\(pad(s % 60, 2)).\(pad(micros, 6))"
    }

    /// An error in a file this rewriter expects the engine to have written.
    struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }

    /// Rewrites the WAL files of the database at `path` (closed): archives first (oldest name first), then
    /// `transaction.log`.
    static func rewrite(databaseAt path: String) throws {
        let walDir = path + "/wal"
        let names = try FileManager.default.contentsOfDirectory(atPath: walDir)
        let archives = names.filter { $0.hasPrefix("transaction.") && $0.hasSuffix(".log") && $0 != "transaction.log" }
            .sorted()
        var state = State()
        var renames: [(old: String, new: String)] = []
        for old in archives {
            let bytes = try rewriteLines(of: walDir + "/" + old, state: &state, renames: [])
            // Named, as the engine names it, at the time of the checkpoint: the next write.
            let new = "transaction.\(compact(timestamp(group: state.group + 1))).log"
            guard new == old || !names.contains(new) else {
                throw Unexpected(description: "\(walDir): two archives would be named \(new)")
            }
            try write(bytes, to: walDir + "/" + new)
            if new != old { try FileManager.default.removeItem(atPath: walDir + "/" + old) }
            // The archive's index sidecar describes the bytes and name just replaced, and holds the file's identity:
            // it would be stale, and never the same twice. The demo ships without it (deleting it loses nothing;
            // `linedb check --repair-index` writes one).
            if names.contains(old + ".idx") { try FileManager.default.removeItem(atPath: walDir + "/" + old + ".idx") }
            renames.append((old, new))
        }
        if names.contains("transaction.log") {
            let bytes = try rewriteLines(of: walDir + "/transaction.log", state: &state, renames: renames)
            try write(bytes, to: walDir + "/transaction.log")
        }
    }

    /// Where the stamping is across files.
    private struct State {
        var group = -1
        var lastSynced: Int?
    }

    private static let prefix = Array(#"{"timestamp":""#.utf8)
    private static let syncedKey = Array(#","synced":"#.utf8)
    private static let sealPrefix = Array(#","crc":""#.utf8)
    /// `,"crc":"` + 8 hex digits + `"}`.
    private static let sealLength = 18
    private static let stampLength = 26

    private static func rewriteLines(of file: String, state: inout State, renames: [(old: String, new: String)])
        throws -> [UInt8]
    {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var number = 0
        for line in data.split(separator: 10, omittingEmptySubsequences: false).dropLast() {
            number += 1
            var body = Array(line)
            let n = body.count
            func fail(_ what: String) -> Unexpected { Unexpected(description: "\(file) line \(number): \(what)") }
            guard n > prefix.count + stampLength + sealLength, body.starts(with: prefix),
                body[prefix.count + stampLength] == UInt8(ascii: "\""),
                Array(body[(n - sealLength)..<(n - sealLength + sealPrefix.count)]) == sealPrefix
            else { throw fail("not a sealed WAL line") }
            body.removeLast(sealLength)
            guard let synced = lastInt(after: syncedKey, in: body) else { throw fail("no synced field") }
            if synced != state.lastSynced {
                state.group += 1
                state.lastSynced = synced
            }
            let stamp = timestamp(group: state.group)
            body.replaceSubrange(prefix.count..<(prefix.count + stampLength), with: Array(stamp.utf8))
            for (old, new) in renames {
                replace(Array(#""previous":""#.utf8) + Array(old.utf8) + [34],
                        with: Array(#""previous":""#.utf8) + Array(new.utf8) + [34], in: &body)
            }
            let crc = CRC32C.checksum(body)
            out += body
            out += sealPrefix
            out += Array(CRC32C.hex(crc).utf8)
            out += [34, 125, 10]  // "}\n
        }
        guard data.isEmpty || data.last == 10 else {
            throw Unexpected(description: "\(file): the last line has no newline")
        }
        return out
    }

    /// The integer after the last occurrence of `key` in `bytes` (the WAL line's own field comes after the record).
    private static func lastInt(after key: [UInt8], in bytes: [UInt8]) -> Int? {
        var i = bytes.count - key.count
        while i >= 0 {
            if bytes[i] == key[0] && Array(bytes[i..<(i + key.count)]) == key {
                var j = i + key.count
                var value = 0
                var digits = 0
                while j < bytes.count, (48...57).contains(bytes[j]) {
                    value = value * 10 + Int(bytes[j] - 48)
                    j += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            i -= 1
        }
        return nil
    }

    private static func replace(_ old: [UInt8], with new: [UInt8], in bytes: inout [UInt8]) {
        guard bytes.count >= old.count else { return }
        for i in 0...(bytes.count - old.count) where bytes[i] == old[0] && Array(bytes[i..<(i + old.count)]) == old {
            bytes.replaceSubrange(i..<(i + old.count), with: new)
            return
        }
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff` → `YYYYMMDD_HHMMSS` (the archive suffix).
    private static func compact(_ stamp: String) -> String {
        let c = Array(stamp.utf8)
        let date = c[0..<4] + c[5..<7] + c[8..<10]
        let time = c[11..<13] + c[14..<16] + c[17..<19]
        return String(decoding: Array(date) + [95] + Array(time), as: UTF8.self)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
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
