import Foundation
import LineDB
@testable import LineDBBrowser

/// A fresh temporary directory per test, removed at the end.
final class BrowserTempDir {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/linedb-browser-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var db: String { path + "/db" }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: path + "/" + relative, encoding: .utf8)) ?? ""
    }

    func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + relative)) ?? []).sorted()
    }
}

/// The test database: `student` (names in several scripts, nulls, every constraint) and `teacher`.
enum Fixture {
    static let names = ["Alice", "李雷", "Zoë", "José", "😀 Emoji", "Bob", "Carol", "Dmitri", "Eve", "Frank"]

    static func students() throws -> TableSchema {
        try TableSchema("student", columns: [
            Column("id", .int, primaryKey: true),
            Column("name", .str, nullable: false),
            Column("email", .str, unique: true),
            Column("gpa", .float, default: 0.0),
            Column("born", .date),
        ])
    }

    /// Creates the tables and `studentCount` students (names cycle through ``names``; every third has a null
    /// birth date) in `database`.
    static func fill(_ database: Database, studentCount: Int = 10) throws {
        try database.createTable(students())
        try database.createTable(TableSchema("teacher", columns: [
            Column("code", .str, primaryKey: true),
            Column("name", .str, nullable: false),
        ]))
        var records: [Record] = []
        for i in 0..<studentCount {
            let name = names[i % names.count] + (i >= names.count ? " \(i)" : "")
            var record = Record()
            record["name"] = .string(name)
            record["email"] = .string("s\(i + 1)@uni.edu")
            record["gpa"] = .double(Double(20 + (i * 8) % 21) / 10)
            record["born"] = i % 3 == 2 ? .null : .string("2001-02-0\(i % 9 + 1)")
            records.append(record)
        }
        try database.insert("student", records: records)
        try database.insert("teacher", ["code": "T1", "name": "Turing"])
        try database.insert("teacher", ["code": "T2", "name": "Hopper"])
    }

    /// A database on disk in `dir` (`dir.db`) with the fixture's tables, saved.
    static func saved(in dir: BrowserTempDir) throws -> Database {
        let db = try Database(path: dir.db)
        try fill(db)
        _ = try db.save()
        return db
    }

    /// The database in `dir` opened a second time, beside its writer: read-only, as the browser opens it then.
    static func reader(in dir: BrowserTempDir) throws -> Database {
        var options = DatabaseOptions()
        options.readOnlyIfLocked = true
        return try Database(path: dir.db, options: options)
    }

    static func memory(studentCount: Int = 10) throws -> Database {
        let db = Database.inMemory()
        try fill(db, studentCount: studentCount)
        return db
    }
}

/// Drives a state the way ``BrowserApp`` does (handle, then scroll to the cursor), collecting effects.
struct Driver {
    var state: BrowserState
    let source: BrowserDataSource
    var effects: [Effect] = []

    init(_ source: BrowserDataSource, rows: Int = 24, columns: Int = 80, readOnly: Bool = false) {
        self.source = source
        state = BrowserState(databaseName: "testdb", isReadOnly: readOnly, context: source)
        state.viewport = (rows, columns)
        state.scrollToCursor()
    }

    mutating func press(_ keys: Key...) { press(keys) }

    mutating func press(_ keys: [Key]) {
        for key in keys {
            effects += state.handle(key, context: source)
            state.finishWork()  // a search, filter or sort runs to its end (the app runs it in slices)
            state.scrollToCursor()
        }
    }

    mutating func type(_ text: String) { press(text.map { Key.character($0) }) }

    var lines: [String] { Renderer.render(state).lines }
    var grid: ScreenGrid { Renderer.render(state) }
    var status: String { lines[state.viewport.rows - 2] }
    /// The status line and a long message's own lines above it (``statusArea(_:)``).
    var statusArea: String { LineDBBrowserTests.statusArea(grid) }
    var hints: String { lines[state.viewport.rows - 1] }

    /// The help overlay (already open) read whole: its first screen and each one after a PgDn (it scrolls when it
    /// is taller than the screen, as at 80x24), one line per element.
    mutating func helpScreens() -> [String] {
        var seen = lines
        for _ in 0..<8 {
            press(.pageDown)
            seen += lines
        }
        return seen
    }
}

/// A driver on the demo-like student table, opened, the cursor on column `c` (the filter tests' start).
func onColumn(_ c: Int, students: Int = 20, rows: Int = 24, columns: Int = 80) throws -> Driver {
    var d = Driver(try Fixture.memory(studentCount: students), rows: rows, columns: columns)
    d.press(.enter)
    d.press([Key](repeating: .right, count: c))
    return d
}

/// Types a filter: `f`, the text, Enter.
func filter(_ d: inout Driver, _ text: String) {
    d.press(.character("f"))
    d.type(text)
    d.press(.enter)
}

/// Keys for a string.
func keys(_ text: String) -> [Key] { text.map { Key.character($0) } }

/// The display columns at which `character` appears in row `row` of a grid (wide characters count two).
func displayColumns(of character: String, row: Int, in grid: ScreenGrid) -> [Int] {
    (0..<grid.columns).filter { grid[row, $0].text == character }
}

/// The status area of a frame, top to bottom, each line trimmed, joined by a space: the status line (the last but one line) and the
/// lines a message too long to go beside it takes above it (at most 2, drawn in the status styles).
func statusArea(_ grid: ScreenGrid) -> String {
    let last = grid.rows - 2
    guard last >= 0 else { return "" }
    var first = last
    let styles: Set<CellStyle> = [.title, .error, .pending]
    while first > max(0, last - 2), styles.contains(grid[first - 1, 0].style),
          grid[first - 1, 0].text == " ", grid[first - 1, 1].text != "W" {
        first -= 1
    }
    return grid.lines[first...last].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
}

/// A records-file line without the padding an in-place save may leave before its closing brace (spaces inside the
/// object, which every JSON reader ignores): what the record's line would be if the file were written whole.
func unpadded(_ line: Substring?) -> String? {
    guard var text = line.map(String.init), text.hasSuffix("}") else { return line.map(String.init) }
    text.removeLast()
    while text.hasSuffix(" ") { text.removeLast() }
    return text + "}"
}
