/// A mouse event as the browser understands it (``Key/mouse(_:)``): what happened, and where (0-based screen row
/// and column). The terminal reports it when mouse reporting is on (the config file's `"mouse"`, on by default).
public struct MouseEvent: Sendable, Hashable {
    /// What the mouse did.
    public enum Kind: Sendable, Hashable {
        /// A button went down: 0 left, 1 middle, 2 right.
        case press(button: Int)
        /// A button went up.
        case release
        /// The wheel turned away from the user (scroll up) or towards them (scroll down).
        case wheelUp, wheelDown
    }

    public var kind: Kind
    /// The screen row, 0 at the top.
    public var row: Int
    /// The screen column, 0 at the left.
    public var column: Int

    public init(_ kind: Kind, row: Int, column: Int) {
        self.kind = kind
        self.row = row
        self.column = column
    }

    /// The event of xterm's SGR mouse report (mode 1006) `ESC [ < b ; x ; y M` (press) or `… m` (release), from
    /// its numbers `b`, `x`, `y` (1-based column and row) and whether the final byte was `m`. `nil` for a report
    /// the browser does not use (a motion, a button beyond the wheel) or numbers out of range.
    public static func sgr(_ numbers: [Int], release: Bool) -> MouseEvent? {
        guard numbers.count == 3, numbers[1] >= 1, numbers[2] >= 1 else { return nil }
        let code = numbers[0]
        let (row, column) = (numbers[2] - 1, numbers[1] - 1)
        if code & 32 != 0 { return nil }  // motion (drag): not reported by the modes the browser turns on
        let button = code & 3
        if code & 64 != 0 {
            // 64 up, 65 down; 66 and 67 (horizontal wheels) are not used.
            guard !release, button < 2 else { return nil }
            return MouseEvent(button == 0 ? .wheelUp : .wheelDown, row: row, column: column)
        }
        if code & 128 != 0 { return nil }  // buttons 8–11
        if release || button == 3 { return MouseEvent(.release, row: row, column: column) }
        return MouseEvent(.press(button: button), row: row, column: column)
    }
}
