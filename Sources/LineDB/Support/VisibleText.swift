/// Which characters of stored text must never be shown as they are, and how LineDB's human-readable output (the
/// browser's grid, the command line's tables, listings and messages) shows them instead.
///
/// A value, a key or a name may hold any character. Shown raw, some of them act instead of showing: ESC starts
/// an escape sequence (`ESC ]0;…BEL` sets a terminal's title, `ESC [2J` clears its screen), a C1 control such as
/// U+009B is a CSI on its own, a bidirectional override makes the text that follows read backwards. These are
/// the **hidden** characters:
///
/// - the C0 controls U+0000–U+001F (line feed, tab and carriage return included) and DEL U+007F;
/// - the C1 controls U+0080–U+009F;
/// - the bidirectional formatting characters: the embeddings and overrides U+202A–U+202E, the isolates
///   U+2066–U+2069 and the marks U+200E (LRM), U+200F (RLM) and U+061C (ALM).
///
/// ``escaped(_:keeping:)`` shows each one visibly: a line feed as `↵`, a tab as `⇥`, a carriage return as `␍`,
/// every other one as its code in Swift's syntax, such as `\u{1B}` or `\u{202E}`. Output meant for programs
/// (JSON, JSON Lines, CSV) is data and stays exact; JSON escapes the C0 controls on its own.
public enum VisibleText {
    /// Whether `scalar` is a C0 control, DEL or a C1 control.
    ///
    /// - Parameter scalar: a Unicode scalar.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (v >= 0x7F && v <= 0x9F)
    }

    /// Whether `scalar` is a bidirectional formatting character (an embedding, override, isolate or mark).
    ///
    /// - Parameter scalar: a Unicode scalar.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Whether `scalar` is hidden: a control (``isControl(_:)``) or a bidirectional formatting character
    /// (``isBidiControl(_:)``).
    ///
    /// - Parameter scalar: a Unicode scalar.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar)
    }

    /// The first hidden character of `text`, if it has one.
    ///
    /// - Parameter text: any text.
    public static func firstHidden(in text: String) -> Unicode.Scalar? {
        guard mayHoldHidden(text) else { return nil }
        return text.unicodeScalars.first(where: isHidden)
    }

    /// How one hidden character is shown: `↵`, `⇥`, `␍` or its code, e.g. `\u{1B}`.
    ///
    /// - Parameter scalar: a hidden character (any other is returned as it is).
    public static func symbol(for scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "↵"
        case "\t": return "⇥"
        case "\r": return "␍"
        default:
            guard isHidden(scalar) else { return String(scalar) }
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// `text` with every hidden character shown by its ``symbol(for:)``, except those in `keeping`.
    ///
    /// ```swift
    /// VisibleText.escaped("a\u{1B}[2Jb")              // "a\u{1B}[2Jb" as 11 visible characters
    /// VisibleText.escaped("one\ntwo", keeping: ["\n"]) // unchanged: a message's own line breaks
    /// ```
    ///
    /// - Parameters:
    ///   - text: any text.
    ///   - keeping: hidden characters to leave as they are (a multi-line message keeps its line feeds).
    public static func escaped(_ text: String, keeping: Set<Unicode.Scalar> = []) -> String {
        guard mayHoldHidden(text) else { return text }
        var out = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            if isHidden(scalar) && !keeping.contains(scalar) {
                out.append(contentsOf: symbol(for: scalar).unicodeScalars)
                changed = true
            } else {
                out.append(scalar)
            }
        }
        return changed ? String(out) : text
    }

    /// A quick look at the UTF-8 bytes: `false` when `text` cannot hold a hidden character (most text), so that
    /// printing a million lines costs one byte scan each.
    private static func mayHoldHidden(_ text: String) -> Bool {
        for b in text.utf8 where b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 {
            return true
        }
        return false
    }
}
