/// A one-line text editor: the text, the cursor (in `Character`s), and the usual keys.
public struct LineEditor: Sendable, Equatable {
    /// The text, one `Character` (grapheme cluster) each.
    public var text: [Character]
    /// Where typing inserts: 0...text.count.
    public var cursor: Int
    /// Whether the editor holds null rather than text (a cell's editor opened on null, or Ctrl-N): shown as `∅`
    /// and read as null. Any key that changes the text clears it (typing, Backspace, Delete, Ctrl-U/K).
    public var isNull = false

    /// Starts with `text`, the cursor at its end.
    public init(_ text: String = "") {
        self.text = Array(text)
        cursor = self.text.count
    }

    /// The text as a string.
    public var string: String { String(text) }

    /// Inserts `characters` at the cursor (as typing them would), in one step.
    public mutating func insert(contentsOf characters: [Character]) {
        isNull = false
        text.insert(contentsOf: characters, at: cursor)
        cursor += characters.count
    }

    /// Whether `key` only edits the text or moves the cursor (``handle(_:)`` never accepts or cancels on it).
    public static func isEditing(_ key: Key) -> Bool {
        switch key {
        case .character, .left, .right, .home, .end, .backspace, .delete: return true
        case .control(let c): return "aedku".contains(c)
        default: return false
        }
    }

    /// What a key did to the editor.
    public enum Outcome: Equatable { case edited, accept, cancel, ignored }

    /// Applies an editing key.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character, .backspace, .delete, .control("d"), .control("u"), .control("k"): isNull = false
        default: break
        }
        switch key {
        case .character(let c):
            text.insert(c, at: cursor)
            cursor += 1
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .backspace:
            if cursor > 0 {
                text.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete, .control("d"):
            if cursor < text.count { text.remove(at: cursor) }
        case .control("u"):
            text.removeSubrange(0..<cursor)
            cursor = 0
        case .control("k"): text.removeSubrange(cursor...)
        case .enter: return .accept
        case .escape, .control("c"): return .cancel
        default: return .ignored
        }
        return .edited
    }
}
