/// How many terminal columns a piece of text takes: 2 for East Asian wide and fullwidth characters and most
/// emoji, 0 for combining marks and other zero-width characters, 1 otherwise. Pure Swift, so layout does not
/// depend on the locale (`wcwidth` returns -1 for everything non-ASCII when `LANG` is unset).
public enum DisplayWidth {
    /// The width of one grapheme cluster (a base character with its combining marks).
    public static func of(_ cluster: Character) -> Int {
        var width = 0
        for (i, scalar) in cluster.unicodeScalars.enumerated() {
            let w = of(scalar)
            if i == 0 {
                width = w
            } else if scalar.value == 0xFE0F, width == 1 {
                width = 2  // emoji presentation selector: the base shows as a wide emoji
            }
        }
        return width
    }

    /// The width of a string.
    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The width of one scalar on its own.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (v >= 0x1160 && v <= 0x11FF) { return 0 }
        if isWide(v) { return 2 }
        if properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges.
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
            0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
            0x1F680...0x1F6FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` cut to at most `width` columns; when it had to be cut, the last column is an ellipsis.
    ///
    /// Costs in proportion to `width`, not to the length of `text`: only its first ``scalarBudget(forWidth:)``
    /// scalars are looked at (a 50 MB value in a 20-column cell measures about 200 characters). Text beyond them
    /// counts as more text, even if it would take no columns (a value of thousands of zero-width characters shows
    /// an ellipsis).
    public static func clip(_ text: String, to width: Int) -> String {
        if width <= 0 { return "" }
        let (head, more) = head(text, scalars: scalarBudget(forWidth: width))
        return clip(head, to: width, more: more)
    }

    /// How many scalars of a text are looked at to fill `width` columns: every column's worth and a margin for
    /// combining marks and zero-width characters.
    public static func scalarBudget(forWidth width: Int) -> Int { max(0, width) * 8 + 32 }

    /// The first `count` Unicode scalars of `text`, and whether it has more; costs in proportion to `count`.
    public static func head(_ text: String, scalars count: Int) -> (text: String, more: Bool) {
        if text.utf8.count <= count { return (text, false) }  // no more scalars than UTF-8 bytes
        let scalars = text.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: count, limitedBy: scalars.endIndex),
              end < scalars.endIndex else { return (text, false) }
        return (String(scalars[..<end]), true)
    }

    /// `text` (short: all of it is measured) cut to `width` columns; with `more`, `text` is the head of a longer
    /// text, so it ends in an ellipsis whatever its width (and its last cluster, which may be cut short, is left out).
    static func clip(_ text: String, to width: Int, more: Bool) -> String {
        if width <= 0 { return "" }
        var used = 0
        var keptEnd = text.startIndex  // the end of the clusters that fit in `width - 1` columns
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if more && next == text.endIndex { break }
            used += of(text[index])
            if used > width { return String(text[..<keptEnd]) + "…" }
            if used <= width - 1 { keptEnd = next }
            index = next
        }
        return more ? String(text[..<keptEnd]) + "…" : text
    }
}
