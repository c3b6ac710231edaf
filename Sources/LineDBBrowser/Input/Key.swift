/// A key press (or terminal event) as the browser understands it, independent of curses.
public enum Key: Sendable, Hashable {
    /// A printable character (also space).
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, tab, backTab, backspace, delete, escape
    /// The Insert key (no action of its own; a config file may bind it).
    case insert
    /// Ctrl plus a letter, e.g. `.control("s")` for Ctrl-S, `.control("c")` for Ctrl-C.
    case control(Character)
    case function(Int)
    /// The terminal was resized; the new size is asked from the terminal.
    case resize
    /// A mouse click or wheel turn (reported only while mouse reporting is on).
    case mouse(MouseEvent)
    /// Something the terminal sent that the browser does not know (shown as an error, never a crash).
    case unknown(Int32)
}
