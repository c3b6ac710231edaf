import LineDB
import Testing

@testable import LineDBBrowser

@Suite("Command palette (Space)")
struct PaletteTests {
    /// The palette's matches for the text typed so far.
    func matches(_ d: Driver) -> [PaletteItem] {
        guard case .prompt(let prompt) = d.state.mode, prompt.isPalette else { return [] }
        return d.state.paletteMatches(prompt.editor.string)
    }

    @Test("Space lists every action by its config name, keyless ones too, and open TABLE for each table")
    func listsEverything() throws {
        var d = Driver(try Fixture.memory())
        d.state.keyMap.bind(.character("I"), to: nil)  // describe: no key left
        d.press(.character(" "))
        let names = matches(d).map(\.name)
        for action in Action.allCases where action != .palette {
            #expect(names.contains(action.rawValue), "\(action.rawValue) missing")
        }
        #expect(names.contains("open student") && names.contains("open teacher"))
        #expect(names.count == Action.allCases.count - 1 + 2)
        let describe = try #require(matches(d).first { $0.name == "describe" })
        #expect(d.state.paletteKeys(describe) == "")
        #expect(d.state.paletteKeys(try #require(matches(d).first { $0.name == "sort-descending" })) == "]")
    }

    @Test("typing filters: exact and prefix names first, then parts, summaries, then letters in order")
    func ranking() throws {
        var d = Driver(try Fixture.memory())
        d.press(.character(" "))
        d.type("sort-desc")
        #expect(matches(d).first?.name == "sort-descending")
        d.press(.control("u"))
        d.type("srtd")
        #expect(matches(d).first?.name == "sort-descending")
        d.press(.control("u"))
        d.type("filter")
        #expect(matches(d).first?.name == "filter")
        #expect(matches(d).map(\.name).contains("clear-filter"))
        d.press(.control("u"))
        d.type("checkpoint")
        #expect(matches(d).first?.name == "checkpoint")
        d.press(.control("u"))
        d.type("archive")  // only in the summary ("checkpoint: archive WAL")
        #expect(matches(d).map(\.name) == ["checkpoint"])
        d.press(.control("u"))
        d.type("zzqx")
        #expect(matches(d).isEmpty)
    }

    @Test("Enter runs the chosen action as its key would: sort descending on the cursor's column")
    func runsAction() throws {
        var d = try onColumn(3)  // gpa
        d.press(.character(" "))
        d.type("sort-desc")
        d.press(.enter)
        #expect(d.state.mode == .normal)
        #expect(d.state.sort?.column == 3 && d.state.sort?.descending == true)
        let gpas = d.state.view.map { d.state.table!.rows[$0][3] }
        #expect(gpas.first == .double(4.0))
    }

    @Test("↑ ↓ choose the line Enter runs; Esc closes and runs nothing")
    func chooseAndCancel() throws {
        var d = try onColumn(1)
        d.press(.character(" "))
        d.type("sort")
        let names = matches(d).map(\.name)
        #expect(Array(names.prefix(2)) == ["sort-ascending", "sort-descending"])
        d.press(.down)
        d.press(.escape)
        #expect(d.state.mode == .normal && d.state.sort == nil)
        d.press(.character(" "))
        d.type("sort-")
        #expect(Array(matches(d).map(\.name).prefix(2)) == ["sort-ascending", "sort-descending"])
        d.press(.down, .down, .up)  // second line (down, down, up)
        d.press(.enter)
        #expect(d.state.sort?.descending == true && d.state.sort?.column == 1)
    }

    @Test("an action without a key runs from the palette")
    func keylessAction() throws {
        var d = try onColumn(1)
        d.state.keyMap.bind(.character("I"), to: nil)
        d.press(.character(" "))
        d.type("describe")
        d.press(.enter)
        #expect(d.state.sheet?.kind == .describe, "\(d.state.message)")
    }

    @Test("no match: Enter says so and keeps the text; open TABLE opens it; refusals are the key's")
    func refusalsAndOpen() throws {
        var d = Driver(try Fixture.memory())
        d.press(.character(" "))
        d.type("nothing like it")
        d.press(.enter)
        guard case .prompt(let prompt) = d.state.mode else { Issue.record("palette closed"); return }
        #expect(prompt.editor.string == "nothing like it")
        #expect(d.state.messageIsError && d.state.message.contains("no command matches"))
        d.press(.control("u"))
        d.type("open teacher")
        d.press(.enter)
        #expect(d.state.table?.name == "teacher" && d.state.focus == .grid)
        // In the tables pane, delete is refused as its key is.
        d.press(.backTab)
        #expect(d.state.focus == .tables)
        d.press(.character(" "))
        d.type("delete")
        d.press(.enter)
        #expect(d.state.mode == .normal && d.state.pending.isEmpty)
        #expect(d.state.messageIsError && d.state.message.hasPrefix("d acts on the records grid"))
        // Without a key, the refusal names the action.
        d.state.keyMap.bind(.character("d"), to: nil)
        d.press(.character(" "))
        d.type("delete")
        d.press(.enter)
        #expect(d.state.pending.isEmpty)
        #expect(d.state.messageIsError && d.state.message.hasPrefix("delete acts on the records grid"),
                "\(d.state.message)")
    }

    @Test("at 80x24 the palette shows keys, names and summaries, the chosen line highlighted, the text typed below")
    func renders() throws {
        var d = Driver(try Fixture.memory())
        d.press(.enter)
        d.press(.character(" "))
        d.type("sort")
        let lines = d.lines
        let line = try #require(lines.first { $0.contains("sort-descending") })
        #expect(line.contains("]") && line.contains("sort by this column ↓"))
        #expect(lines.contains { $0.contains("Commands (") })
        #expect(d.hints.hasPrefix("Command: sort"))
        let grid = d.grid
        let row = try #require(lines.firstIndex { $0.contains("sort-ascending") })
        let column = try #require(grid.lines[row].range(of: "sort-ascending")).lowerBound.utf16Offset(in: lines[row])
        #expect(grid[row, column].style == .cursor)
    }

    @Test("the help lists Space as the command palette; the config file can rebind it by name")
    func helpAndConfig() throws {
        let help = Renderer.helpGroups(.standard).flatMap(\.1)
        #expect(help.contains { $0.0 == "? space" && $0.1 == "this help / palette" })
        let configuration = try Configuration.parse(#"{"keys": {"ctrl-p": "command-palette"}}"#)
        #expect(configuration.keyMap[.control("p")] == .palette)
    }
}

@Suite("Command palette, WAL entry view: resize and bad input")
struct PaletteResizeTests {
    @Test("a resize to 1x1 and back with the palette or the WAL entry view open gives the same frame")
    func resizeAndBack() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var d = Driver(db)
        d.press(.enter)
        d.state.appendWAL(try WALPaneTests.entries(of: dir))
        d.press(.character(" "))
        d.type("sort")
        let palette = d.lines
        for size in [(1, 1), (3, 10), (24, 80)] {
            d.state.viewport = size
            d.press(.down)  // a key at each size: nothing breaks
            d.press(.up)
            _ = d.lines
        }
        #expect(d.lines == palette)
        d.press(.escape)
        while d.state.focus != .wal { d.press(.tab) }
        d.press(.enter)
        let entry = d.lines
        for size in [(1, 1), (2, 2), (24, 80)] {
            d.state.viewport = size
            d.press(.pageDown)
            d.press(.character("g"))
            _ = d.lines
        }
        #expect(d.lines == entry)
    }

    @Test("hostile text typed in the palette and the WAL filter shows as visible marks, never raw")
    func hostileTyped() throws {
        let dir = BrowserTempDir()
        let db = try Fixture.saved(in: dir)
        var d = Driver(db)
        d.press(.enter)
        d.press(.character(" "))
        d.type("\u{202E}\u{1B}[2J")
        d.press(.enter)
        #expect(d.state.message.contains(#"\u{202E}\u{1B}[2J"#), "\(d.state.message)")
        #expect(!d.lines.joined().unicodeScalars.contains { VisibleText.isHidden($0) })
        d.press(.escape)
        while d.state.focus != .wal { d.press(.tab) }
        d.press(.character("f"))
        d.type("op=\u{202E}x")
        d.press(.enter)
        #expect(d.state.messageIsError && d.state.message.contains(#"unknown operation "\u{202E}x""#))
        d.press(.control("u"))
        d.type("key=\u{202E}")
        d.press(.enter)
        #expect(d.state.walShown.isEmpty)
        #expect(d.lines.contains { $0.contains(#"filter: key=\u{202E}"#) })
        #expect(!d.lines.joined().unicodeScalars.contains { VisibleText.isHidden($0) })
    }
}
