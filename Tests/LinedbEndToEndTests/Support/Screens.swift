import Foundation
import Testing

/// Reading the browser's screen in more detail than text: the status line, where the cursor is (from the colours
/// tmux reports), display columns of wide characters; and reading a database's files as JSON.

/// The status line: the row above the key-hint line (the last one).
func statusLine(_ screen: [String]) -> String {
    screen.count >= 2 ? screen[screen.count - 2] : ""
}

/// The status line and the lines above it that a long message takes (at most two), as one text.
func statusArea(_ screen: [String]) -> String {
    screen.dropLast().suffix(3).joined(separator: "\n")
}

/// The screen as text, for failure messages.
func shown(_ screen: [String]) -> String {
    screen.joined(separator: "\n")
}

/// One character on the screen with its background colour as SGR code (`44` blue, `46` cyan, `256+n` for
/// 256-colour `n`; nil for the terminal's default).
struct StyledCharacter {
    var character: Character
    var background: Int?
}

extension TmuxSession {
    /// The visible screen, each line as characters with their background (`capture-pane -e`, parsed).
    func styledScreen() throws -> [[StyledCharacter]] {
        parseStyled(try screenWithAttributes())
    }

    /// The screen row of the grid's cursor and the text of the cursor's cell, from the default colours: the
    /// cursor's row is drawn white on blue (`selected`), its cell black on cyan (`cursor`). Only lines of the grid
    /// count (they hold the pinned key column's `║`), and only what is right of the Tables pane.
    func gridCursor() throws -> (line: String, cell: String)? {
        for row in try styledScreen() {
            let text = String(row.map(\.character))
            guard text.contains("║") else { continue }
            // Skip the Tables pane (left of its border, the first │ of the line when it is shown).
            let start = row.firstIndex { $0.character == "│" }.map { $0 + 1 } ?? 0
            let grid = row[start...]
            guard grid.contains(where: { $0.background == 44 || $0.background == 46 }) else { continue }
            let cell = grid.drop { $0.background != 46 }.prefix { $0.background == 46 }
            return (text, String(cell.map(\.character)).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Waits until the grid's cursor satisfies `condition`; returns whether it did, and the last cursor and screen.
    @discardableResult
    func waitForCursor(
        seconds: Double = 15, _ condition: (_ line: String, _ cell: String) -> Bool
    ) throws -> (met: Bool, cursor: (line: String, cell: String)?, screen: [String]) {
        let deadline = Date().addingTimeInterval(seconds)
        var cursor: (line: String, cell: String)?
        repeat {
            cursor = try gridCursor()
            if let cursor, condition(cursor.line, cursor.cell) { return (true, cursor, try screen()) }
            usleep(50_000)
        } while Date() < deadline
        return (false, cursor, try screen())
    }
}

/// Parses `capture-pane -p -e` output: SGR sequences set the background; other escape sequences are skipped.
func parseStyled(_ text: String) -> [[StyledCharacter]] {
    var lines: [[StyledCharacter]] = []
    var line: [StyledCharacter] = []
    var background: Int?
    var scalars = text.unicodeScalars[...]
    var pending = ""  // scalars of the current character (a base and its combining marks)
    func flush() {
        if !pending.isEmpty {
            for character in pending { line.append(StyledCharacter(character: character, background: background)) }
            pending = ""
        }
    }
    while let scalar = scalars.first {
        scalars = scalars.dropFirst()
        if scalar == "\u{1B}" {
            flush()
            guard scalars.first == "[" else { scalars = scalars.dropFirst(); continue }
            scalars = scalars.dropFirst()
            var parameters = ""
            while let next = scalars.first, !(("@"..."~").contains(next)) {
                parameters.unicodeScalars.append(next)
                scalars = scalars.dropFirst()
            }
            let final = scalars.first
            scalars = scalars.dropFirst()
            guard final == "m" else { continue }
            let codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
            var i = 0
            while i < codes.count {
                let code = codes[i]
                switch code {
                case 0: background = nil
                case 40...47, 100...107: background = code
                case 49: background = nil
                case 48:
                    if i + 2 < codes.count, codes[i + 1] == 5 {
                        background = 256 + codes[i + 2]
                        i += 2
                    } else if i + 4 < codes.count, codes[i + 1] == 2 {
                        background = -1
                        i += 4
                    }
                case 38:
                    if i + 2 < codes.count, codes[i + 1] == 5 { i += 2 } else if i + 4 < codes.count { i += 4 }
                default: break
                }
                i += 1
            }
        } else if scalar == "\n" {
            flush()
            lines.append(line)
            line = []
        } else {
            // Combining marks join the character before them (also across an SGR sequence boundary: rare).
            pending.unicodeScalars.append(scalar)
        }
    }
    flush()
    if !line.isEmpty { lines.append(line) }
    return lines
}

/// How many terminal columns `text` takes, by the C library's `wcwidth` in the C.UTF-8 locale (as tmux measures
/// it), set for this thread only; a character that `wcwidth` does not know counts 1.
func terminalWidth(_ text: String) -> Int {
    let locale = newlocale(1 << LC_CTYPE, "C.UTF-8", nil)
    let previous = locale.map { uselocale($0) }
    defer {
        if let previous { uselocale(previous) }
        if let locale { freelocale(locale) }
    }
    var width = 0
    for scalar in text.unicodeScalars {
        let w = wcwidth(Int32(bitPattern: scalar.value))
        width += w < 0 ? 1 : Int(w)
    }
    return width
}

/// The C library's `wcwidth` (not imported by Swift's Glibc module, which lacks `_XOPEN_SOURCE`).
private let wcwidth: @convention(c) (Int32) -> Int32 = {
    let handle = dlopen(nil, RTLD_NOW)
    guard let symbol = dlsym(handle, "wcwidth") else { fatalError("no wcwidth in the C library") }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
}()

/// The display columns (0-based) where `separators` occur in `line`.
func displayColumns(of separators: Set<Character>, in line: String) -> [Int] {
    var columns: [Int] = []
    var column = 0
    for character in line {
        if separators.contains(character) { columns.append(column) }
        column += terminalWidth(String(character))
    }
    return columns
}

/// The JSON objects of a JSON Lines file (blank lines skipped; a line that is not an object is an error).
func jsonLines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TmuxSession.Failure(description: "not a JSON object in \(path): \(line)")
        }
        return object
    }
}

/// A JSON number as an Int (JSONSerialization gives NSNumber).
func intValue(_ value: Any?) -> Int? {
    (value as? NSNumber)?.intValue
}

/// Opens `linedb browse <a fresh demo database>` in tmux and, with `table`, opens that table in the grid (the
/// tables are course, enrolment, instructor, student, in that order) and waits for its first row.
func openDemoBrowser(
    _ scratch: Scratch, table: String? = "course", arguments: [String] = [], width: Int = 100, height: Int = 30,
    mode: String = "RW", environment: [String: String] = [:], prepare: ((String) throws -> Void)? = nil
) throws -> (session: TmuxSession, db: String) {
    let db = try scratch.demoDatabase()
    try prepare?(db)  // (changes made before the browser opens, by the command line)
    let session = try TmuxSession(
        [try Programs.linedb.get(), "browse", db] + arguments, in: scratch, width: width, height: height,
        environment: environment)
    let first = try session.waitForScreen(seconds: 15) { isBrowser($0, database: db, mode: mode) }
    try #require(first.met, "the browser did not start:\n\(shown(first.screen))")
    if let table {
        let order = ["course", "enrolment", "instructor", "student"]
        let index = try #require(order.firstIndex(of: table))
        try session.send(Array(repeating: "j", count: index) + ["Enter"])
        let opened = try session.waitForScreen(seconds: 15) { statusLine($0).contains("\(table)  row 1 of ") }
        try #require(opened.met, "\(table) did not open:\n\(shown(opened.screen))")
    }
    return (session, db)
}

/// Every file under `directory` (relative path → contents), the lock file aside: compared before and after to show
/// that the browser changed nothing.
func snapshot(_ directory: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let relative = enumerator?.nextObject() as? String {
        // The writer lock and the table writers' lock files (pid and host of whoever holds them) are not data.
        if relative == ".lock" || relative == "locks" || relative.hasPrefix("locks/") { continue }
        if let data = FileManager.default.contents(atPath: directory + "/" + relative) { files[relative] = data }
    }
    return files
}
