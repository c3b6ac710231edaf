import Testing
@testable import LineDBBrowser

@Suite("Screen grid and display width")
struct ScreenGridTests {
    @Test("wide characters take two cells and keep the next column aligned")
    func wideCharacters() {
        var grid = ScreenGrid(rows: 2, columns: 10)
        grid.put("世界|", row: 0, column: 0)
        grid.put("ab|", row: 1, column: 2)
        #expect(grid.lines == ["世界|     ", "  ab|     "])
        #expect(grid[0, 4].text == "|")  // the bar sits in display column 4, after two 2-column characters
    }

    @Test("combining marks join their base character; clipping counts columns and ends in an ellipsis")
    func combiningAndClipping() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("Zoë 李雷 😀") == 3 + 1 + 4 + 1 + 2)
        #expect(DisplayWidth.clip("李雷韩梅梅", to: 5) == "李雷…")
        #expect(DisplayWidth.clip("short", to: 10) == "short")
        var grid = ScreenGrid(rows: 1, columns: 5)
        grid.put("ab世界", row: 0, column: 0)  // 世 fits (cols 2-3), 界 would be cut in half: a space instead
        #expect(grid.lines == ["ab世 "])
    }
}
