import Foundation
import Testing

/// The browser with no locale in the environment (`LANG`, `LC_ALL`, `LC_CTYPE` unset, as in a bare `ssh` or a
/// container): UTF-8 text still shows as text, and wide characters keep the grid's columns aligned.
@Suite(
    "linedb browse in a terminal: LANG unset, wide and combining characters", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct LocaleTests {
    @Test("with LANG unset, CJK, emoji, accented and combining names render, and every │ of the grid lines up")
    func langUnset() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        // `env -u` on the tmux command line: the browser starts with no locale variable at all.
        let session = try TmuxSession(
            ["/usr/bin/env", "-u", "LANG", "-u", "LC_ALL", "-u", "LC_CTYPE", try Programs.linedb.get(), "browse", db],
            in: scratch, width: 120, height: 30)
        defer { session.stop() }
        let first = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        try #require(first.met, "\(shown(first.screen))")
        // The environment really had no locale: the browser's /proc/<pid>/environ.
        let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(try session.pid())/environ")))
            .map { String(decoding: $0, as: UTF8.self).split(separator: "\0").map(String.init) } ?? []
        #expect(!environ.isEmpty && !environ.contains { $0.hasPrefix("LANG=") || $0.hasPrefix("LC_ALL=")
            || $0.hasPrefix("LC_CTYPE=") }, "\(environ)")

        // The student table (the fourth).
        try session.send("j", "j", "j", "Enter")
        let opened = try session.waitForScreen { statusLine($0).contains("student  row 1 of 2120") }
        try #require(opened.met, "\(shown(opened.screen))")
        let screen = opened.screen

        // The names as the records file has them (CJK, emoji, Greek, combining marks), each on its key's row.
        let names: [Int: String] = [
            1: "さくら Björk", 2: "Zoe\u{308} Øvergaard", 3: "Łukasz 🎨 Tanaka", 7: "Ἀλέξανδρος Øvergaard",
            12: "韩梅梅 Smith", 17: "山田 Müller",
        ]
        let records = try jsonLines(db + "/data/student.records")
        for (id, name) in names {
            let record = records.first { intValue($0["id"]) == id }
            try #require(record?["name"] as? String == name, "the demo changed: \(record ?? [:])")
            let row = screen.first { $0.contains(" \(id) ║") }
            #expect(row?.contains(name) ?? false, "student \(id) \(name) is not shown as such: \(row ?? "no row")")
        }
        // Nothing shown as a replacement character, an escape or a `?` run in place of the text.
        #expect(!screen.contains { $0.contains("\u{FFFD}") || $0.contains("\\u") || $0.contains("M-") },
            "\(shown(screen))")

        // Alignment: every line of the grid (header and rows) has its │ and ║ at the same display columns,
        // measured with the terminal's widths (CJK and emoji 2 columns, combining marks 0).
        let gridLines = screen.filter { $0.contains("║") }
        try #require(gridLines.count > 10, "\(shown(screen))")
        let header = try #require(gridLines.first { $0.contains("id* int") })
        let expected = displayColumns(of: ["│", "║"], in: header)
        #expect(expected.count >= 4, "\(header)")
        // (Rows 1, 3, 12 and 17 have double-width characters, row 2 a combining mark.)
        let special = gridLines.filter { line in
            line.contains { terminalWidth(String($0)) == 2 || $0.unicodeScalars.count > 1 }
        }
        #expect(special.count >= 5, "too few rows with wide or combining characters:\n\(shown(gridLines))")
        for line in gridLines {
            #expect(displayColumns(of: ["│", "║"], in: line) == expected,
                "misaligned:\n\(header)\n\(line)\n\(displayColumns(of: ["│", "║"], in: line)) vs \(expected)")
        }
        // And every line fits the terminal's width.
        for line in screen {
            #expect(terminalWidth(line) <= 120, "wider than the terminal: \(line)")
        }

        try session.quit()
    }
}
