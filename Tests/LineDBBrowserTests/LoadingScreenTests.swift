import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

/// The first screen `linedb browse` draws while the database is still opening, read straight from the files.
@Suite("Loading screen")
struct LoadingScreenTests {
    /// A saved database with `student` (10 records) and `teacher`, plus a WAL entry not yet in the records file.
    private func savedDatabase(_ dir: BrowserTempDir) throws {
        let db = try Database(path: dir.db)
        try Fixture.fill(db)
        _ = try db.save()
        try db.insert("student", ["name": "Only In The WAL", "email": "wal@uni.edu"])
        try db.close()
    }

    @Test("the preview reads the sorted table names, the first table's schema, its first records and file size")
    func previewFromFiles() throws {
        let dir = BrowserTempDir()
        try savedDatabase(dir)
        let preview = LoadingPreview.read(databasePath: dir.db, rows: 4)
        #expect(preview.tableNames == ["student", "teacher"])
        #expect(preview.schema?.name == "student")
        #expect(preview.records.map { $0["name"] } == ["Alice", "李雷", "Zoë", "José"].map { JSONValue.string($0) })
        let size = try FileManager.default.attributesOfItem(atPath: dir.db + "/data/student.records")[.size]
        #expect(preview.recordsFileBytes == (size as? NSNumber)?.intValue)
        #expect(preview.recordsFileBytes > 0)
    }

    @Test("the loading screen shows the tables, the column names, the first rows and the loading status line")
    func rendersPreview() throws {
        let dir = BrowserTempDir()
        try savedDatabase(dir)
        let rows = 12
        let preview = LoadingPreview.read(
            databasePath: dir.db, rows: LoadingScreen.recordRows(terminalRows: rows))
        let grid = LoadingScreen.render(preview, rows: rows, columns: 80)
        let lines = grid.lines
        #expect(lines.count == rows)
        #expect(lines[0].contains("Tables") && !lines[0].contains("Tables ("))
        #expect(lines[1].contains("student") && lines[2].contains("teacher"))
        #expect(lines[1].contains("name") && lines[1].contains("email") && lines[1].contains("gpa"))
        #expect(lines[2].contains("Alice") && lines[2].contains("s1@uni.edu"))
        #expect(lines[3].contains("李雷"))
        // 12 rows: title, header, 8 records, status, hints; the records file order, not the WAL's.
        #expect(lines[9].contains("Dmitri"))
        #expect(!grid.text.contains("Only In The WAL"))
        #expect(lines[rows - 2].contains("loading \(dir.db)… (records file"))
        #expect(lines[rows - 1].contains("q quit"))
    }

    @Test("a database without tables, or a tiny terminal, still draws without crashing")
    func emptyAndTiny() throws {
        let dir = BrowserTempDir()
        try FileManager.default.createDirectory(atPath: dir.db + "/schema", withIntermediateDirectories: true)
        let preview = LoadingPreview.read(databasePath: dir.db, rows: 10)
        #expect(preview.tableNames.isEmpty && preview.schema == nil && preview.records.isEmpty)
        let grid = LoadingScreen.render(preview, rows: 10, columns: 40)
        #expect(grid.lines[8].contains("loading"))
        #expect(LoadingScreen.render(preview, rows: 3, columns: 10).text.contains("Loading"))
    }

    @Test("moves on the loading screen follow the key map: the standard keys, or the config file's")
    func navigateWithKeyMap() throws {
        let dir = BrowserTempDir()
        try savedDatabase(dir)
        var preview = LoadingPreview.read(databasePath: dir.db, rows: 4)
        var moved = preview.navigate(.character("j"), page: 3)
        #expect(moved && preview.cursor == 1)
        moved = preview.navigate(.end, page: 3)
        #expect(moved && preview.showsEnd && preview.cursor == 3)
        moved = preview.navigate(.character("J"), page: 3)
        #expect(!moved)  // not bound by default
        var keyMap = KeyMap.standard
        keyMap.bind(.character("J"), to: .pageDown)
        keyMap.bind(.character("j"), to: nil)
        var rebound = LoadingPreview.read(databasePath: dir.db, rows: 4)
        moved = rebound.navigate(.character("j"), page: 2, keyMap: keyMap)
        #expect(!moved && rebound.cursor == 0)
        moved = rebound.navigate(.character("J"), page: 2, keyMap: keyMap)
        #expect(moved && rebound.cursor == 2)
        moved = rebound.navigate(.character("G"), page: 2, keyMap: keyMap)
        #expect(moved && rebound.showsEnd)
    }
}
