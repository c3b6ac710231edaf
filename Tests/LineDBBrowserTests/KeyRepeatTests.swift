import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser: keys queued while a frame is drawn are handled together (a held key leaves no queue)")
struct KeyRepeatTests {
    func rowNumber(_ status: String) -> Int? {
        status.split(separator: " ").drop { $0 != "row" }.dropFirst().first.flatMap { Int($0) }
    }

    @Test("30 queued j are one move of 30 rows, drawn in one frame: no frame shows a row in between")
    func heldKey() throws {
        let terminal = PacedTerminal([(.idle, [.enter]), (.idle, Array(repeating: .character("j"), count: 30))])
        let app = BrowserApp(database: try Fixture.memory(studentCount: 100))
        _ = try app.run(on: terminal)
        #expect(app.state?.row == 30)
        let rows = terminal.statusLines.compactMap(rowNumber)
        #expect(Set(rows) == [1, 31])
        // The first frame after the 30 keys already shows row 31.
        #expect(rowNumber(terminal.statusLines[terminal.groupFrames[1]]) == 31)
    }

    @Test("queued PgDn, k and a mix of keys end where one-by-one handling ends; a move past the end stops there")
    func sameAsOneByOne() throws {
        let script: [Key] = [.enter] + Array(repeating: .pageDown, count: 7)
            + Array(repeating: .character("k"), count: 5)
            + [.character("l"), .character("l"), .character("j")] + Array(repeating: .down, count: 500)
            + Array(repeating: .up, count: 3)
        let memory = MemoryTerminal(rows: 24, columns: 80, keys: script)
        let app = BrowserApp(database: try Fixture.memory(studentCount: 200))
        _ = try app.run(on: memory)
        var one = Driver(try Fixture.memory(studentCount: 200))
        one.press(script)
        let state = try #require(app.state)
        #expect(state.row == one.state.row && state.column == one.state.column && state.top == one.state.top)
        #expect(state.row == 196)
        // All of it in one batch: the first frame, the frame after the keys, then idle frames only.
        #expect(Set(memory.frames.dropFirst().map(\.text)).count == 1)
    }

    @Test("keys typed ahead after a search wait for it on a small table: / text Enter n goes to the second match")
    func typedAheadAfterSearch() throws {
        let memory = MemoryTerminal(rows: 24, columns: 80, keys: [.enter, .character("/")] + keys("carol")
            + [.enter, .character("n"), .character("n")])
        let app = BrowserApp(database: try Fixture.memory(studentCount: 40))
        _ = try app.run(on: memory)
        #expect(app.state?.row == 26)  // Carol (row 6), Carol 16, Carol 26
        #expect(app.state?.searchMatches == 4)
    }

    @Test("runs of equal keys are grouped in order")
    func runs() {
        let j = Key.character("j")
        let runs = KeyBatch.runs([j, j, j, .down, j, .enter, .enter])
        #expect(runs.map(\.key) == [j, .down, j, .enter] && runs.map(\.count) == [3, 1, 1, 2])
        #expect(KeyBatch.runs([]).isEmpty)
    }

    @Test("in one batch, characters go to the editor as one insertion until a key ends the edit; later ones move")
    func typedTextInOneBatch() throws {
        // e opens the editor on a name, Ctrl-U empties it, "Zed" is typed, Enter accepts, then j j move and
        // e l l o Esc is typed into (then cancelled in) a new editor: all of it read before one frame.
        let script: [Key] = [.enter, .right, .character("e"), .control("u")] + keys("Zed")
            + [.enter, .character("j"), .character("j"), .character("e")] + keys("llo") + [.escape]
        let memory = MemoryTerminal(rows: 24, columns: 80, keys: script)
        let app = BrowserApp(database: try Fixture.memory(studentCount: 20))
        _ = try app.run(on: memory)
        let state = try #require(app.state)
        #expect(state.row == 2 && state.mode == .normal)
        #expect(state.pending.count == 1)
        #expect(state.table?.rows[0][1] == "Zed")
        #expect(state.table?.rows[2][1] == "Zoë")  // the second editor was cancelled
        var one = Driver(try Fixture.memory(studentCount: 20))
        one.press(script)
        #expect(one.state.row == state.row && one.state.table?.rows == state.table?.rows)
    }

    @Test("the leading run of a key, and the leading characters of a batch")
    func leadingRuns() {
        let j = Key.character("j")
        #expect(KeyBatch.leadingRun([j, j, .down, j][...]) == (j, 2))
        #expect(KeyBatch.leadingCharacters([j, .character("é"), .enter, j][...]) == ["j", "é"])
        #expect(KeyBatch.leadingCharacters([.enter, j][...]) == nil)
    }
}
