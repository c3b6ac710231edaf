/// The help overlay's keys as a Markdown table: the README's key table is this text (`linedb config
/// --keys-markdown` prints it; a test keeps the README equal to it), so the help, the README and the key map
/// cannot drift apart.
extension Renderer {
    /// The keys of `keyMap` grouped as the help overlay shows them (``helpGroups(_:)``), one table row per line.
    public static func helpMarkdown(_ keyMap: KeyMap = .standard) -> String {
        var rows = ["| Keys | |", "|---|---|"]
        for (group, lines) in helpGroups(keyMap) {
            rows.append("| **\(cell(group))** | |")
            for (keys, what) in lines {
                let spans = keys.split(separator: " ").map { "`" + cell(String($0)) + "`" }.joined(separator: " ")
                rows.append("| \(spans) | \(cell(what)) |")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// Text made safe for a Markdown table cell: `|` escaped (GitHub needs that also inside a code span).
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
