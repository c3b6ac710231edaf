import LineDB

/// The text of the WAL entry view.
enum WALEntryText {
    /// The entry's time (as written: local time), then its JSON pretty-printed, every hidden character shown
    /// visibly (``VisibleText``), cut into lines of at most `width` columns.
    static func lines(_ entry: WALEntry, width: Int) -> [String] {
        var out = ["time: \(String(entry.timestamp.map { $0 == "T" ? " " : $0 })) (local time)"]
        out += pretty(.object(entry.jsonObject), indent: 0)
        return out.flatMap { wrap(VisibleText.escaped($0), width: width) }
    }

    /// `value` as JSON over several lines, two spaces per level.
    static func pretty(_ value: JSONValue, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent + 2)
        switch value {
        case .object(let object) where !object.isEmpty:
            var out = ["{"]
            for (i, (key, member)) in zip(object.keys, object.values).enumerated() {
                var sub = pretty(member, indent: indent + 2)
                sub[0] = pad + ValueText.json(.string(key)) + ": " + sub[0]
                if i < object.count - 1 { sub[sub.count - 1] += "," }
                out += sub
            }
            return out + [String(repeating: " ", count: indent) + "}"]
        case .array(let elements) where !elements.isEmpty:
            var out = ["["]
            for (i, element) in elements.enumerated() {
                var sub = pretty(element, indent: indent + 2)
                sub[0] = pad + sub[0]
                if i < elements.count - 1 { sub[sub.count - 1] += "," }
                out += sub
            }
            return out + [String(repeating: " ", count: indent) + "]"]
        default:
            return [ValueText.json(value)]
        }
    }

    /// `line` cut into pieces of at most `width` display columns (a wide character is never split).
    static func wrap(_ line: String, width: Int) -> [String] {
        var out: [String] = []
        var current = ""
        var used = 0
        for c in line {
            let w = DisplayWidth.of(c)
            if used + w > width && !current.isEmpty {
                out.append(current)
                current = ""
                used = 0
            }
            current.append(c)
            used += w
        }
        out.append(current)
        return out
    }
}
