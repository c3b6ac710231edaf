/// The help overlay's keys as a Markdown table: the README's key table is this text (`linedb config
/// --keys-markdown` prints it; a test keeps the README equal to it), so the help, the README and the key map
/// cannot drift apart.
extension Renderer {
    /// The keys of `keyMap` grouped as the help overlay shows them (``helpGroups(_:)``), one table row per line of
    /// the help; a line's second keys (`↑ ↓ ← →` after `k j h l`) join its row. The schema legend stays words.
    public static func helpMarkdown(_ keyMap: KeyMap = .standard) -> String {
        var rows = ["| Keys | |", "|---|---|"]
        for (group, lines) in helpGroups(keyMap) {
            rows.append("| **\(cell(group))** | |")
            var merged: [(keys: [String], what: String)] = []
            for (keys, what) in lines {
                if let last = merged.last, last.what == what {
                    merged[merged.count - 1].keys.append(keys)
                } else {
                    merged.append(([keys], what))
                }
            }
            for (keys, what) in merged {
                if what == SchemaWords.legend {
                    rows.append("| \(cell(keys.joined(separator: ", "))) | \(cell(what)) |")
                    continue
                }
                let spans = keys.map { line in
                    line.split(separator: " ").map { "`" + cell(String($0)) + "`" }.joined(separator: " ")
                }
                rows.append("| \(spans.joined(separator: ", ")) | \(cell(what)) |")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// Text made safe for a Markdown table cell: `|` escaped (GitHub needs that also inside a code span).
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
