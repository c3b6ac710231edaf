/// What a cell looks like, by meaning; the terminal maps styles to colours or, without colour, to bold/reverse.
public enum CellStyle: UInt8, Sendable, Hashable, CaseIterable {
    case normal, header, selected, cursor, pending, error, dim, title, border, keyHint, number, null, focusBorder
    /// A cell that matches the search.
    case match
}

/// One screen cell: a grapheme cluster (a base character plus any combining marks) and its style.
///
/// A wide character (CJK, most emoji) takes two cells: its own, then a ``continuation`` cell that the terminal
/// skips. Layout and clipping count display columns, never `Character`s, so wide and combining characters keep
/// every column aligned.
public struct Cell: Sendable, Hashable {
    public var text: String
    public var style: CellStyle

    public init(_ text: String, style: CellStyle = .normal) {
        self.text = text
        self.style = style
    }

    /// The right half of a wide character.
    public static let continuation = Cell("", style: .normal)
    public static let blank = Cell(" ")

    public var isContinuation: Bool { text.isEmpty }
}

/// A rows × columns character grid that the browser renders into, with no terminal involved: tests compare its
/// ``lines`` as text, and the curses terminal copies it to the screen.
public struct ScreenGrid: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public private(set) var cells: [Cell]

    public init(rows: Int, columns: Int) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
        cells = Array(repeating: .blank, count: self.rows * self.columns)
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * columns + column] }
        set { cells[row * columns + column] = newValue }
    }

    /// Writes `text` at (`row`, `column`), clipped to `width` display columns (to the grid's edge when `nil`).
    /// A wide character that would be cut in half at the edge is replaced by a space. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, width: Int? = nil, style: CellStyle = .normal) -> Int {
        guard row >= 0, row < rows, column < columns else { return 0 }
        let limit = min(columns, column + (width ?? columns))
        var x = column
        for cluster in text {
            let w = DisplayWidth.of(cluster)
            if w == 0 { continue }  // a lone control character: not drawn
            if x + w > limit {
                if x < limit { self[row, x] = Cell(" ", style: style); x += 1 }
                break
            }
            if x >= 0 {
                splitWide(row: row, at: x)
                splitWide(row: row, at: x + w)
                self[row, x] = Cell(String(cluster), style: style)
                if w == 2 { self[row, x + 1] = Cell("", style: style) }
            }
            x += w
        }
        return x - column
    }

    /// Where a write starts or ends at `column` of `row` inside a wide character (between its two halves), the
    /// half left outside the write becomes a space: no half character is left over (an overlay's edge drawn over
    /// a wide character left one on screen).
    mutating func splitWide(row: Int, at column: Int) {
        guard column > 0, column < columns, self[row, column].isContinuation else { return }
        self[row, column - 1] = Cell(" ", style: self[row, column - 1].style)
        self[row, column] = Cell(" ", style: self[row, column].style)
    }

    /// Fills a rectangle with spaces of a style.
    public mutating func fill(row: Int, column: Int, height: Int, width: Int, style: CellStyle = .normal) {
        let (top, bottom) = (max(0, row), min(rows, row + height))
        let (left, right) = (max(0, column), min(columns, column + width))
        guard top < bottom, left < right else { return }  // nothing of the rectangle is on the grid
        for r in top..<bottom {
            splitWide(row: r, at: left)
            splitWide(row: r, at: right)
            for c in left..<right { self[r, c] = Cell(" ", style: style) }
        }
    }

    /// The grid as text, one string per row (continuation cells omitted, so a wide character shows once).
    public var lines: [String] {
        (0..<rows).map { r in
            var line = ""
            for c in 0..<columns where !self[r, c].isContinuation { line += self[r, c].text }
            return line
        }
    }

    /// The whole grid as one string, rows joined by newlines, trailing spaces kept.
    public var text: String { lines.joined(separator: "\n") }
}
