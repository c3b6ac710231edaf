import LineDB

/// The record view's text: one field per column of the record (name, type, value), each value wrapped to the
/// width left for it, `json` values (and arrays and objects) pretty-printed. Hidden characters show as their
/// symbols (``VisibleText``, as in the grid); a line feed also ends the line after its `↵`. A field shows at most
/// ``maxLinesPerField`` lines: the rest of a very long value (a 1 MB cell) is neither converted nor measured, and
/// its last line says how much is left.
struct RecordLines {
    /// One screen line: the field (schema position) it belongs to, and its value text.
    struct Line: Equatable {
        var field: Int
        var text: String
        /// Whether it is the field's first line (the one with its name and type).
        var isFirst: Bool
    }

    static let maxLinesPerField = 200
    /// A JSON value whose compact form is longer than this is shown compact (wrapped), not pretty-printed.
    static let prettyLimit = 64 * 1024

    var lines: [Line] = []
    /// The index in ``lines`` of each field's first line.
    var starts: [Int] = []
    let nameWidth: Int
    let typeWidth: Int
    /// Display columns of the values (from the left of the area, after one space, the name, the type).
    let valueX: Int
    let valueWidth: Int

    /// The lines of `values` (a record of `columns`) in an area `width` columns wide.
    init(columns: [Column], values: [JSONValue], width: Int) {
        let names = columns.map { GridGeometry.headerText($0).name }
        nameWidth = max(4, min(names.map(DisplayWidth.of).max() ?? 4, max(4, width / 3)))
        typeWidth = columns.map { DisplayWidth.of($0.type.rawValue) }.max() ?? 4
        valueX = 1 + nameWidth + 2 + typeWidth + 2
        valueWidth = max(1, width - valueX - 1)
        for c in columns.indices where c < values.count {
            starts.append(lines.count)
            let wrapped = RecordLines.wrap(values[c], width: valueWidth)
            for (k, text) in wrapped.enumerated() { lines.append(Line(field: c, text: text, isFirst: k == 0)) }
        }
    }

    /// The lines of field `f`: `starts[f]..<end(f)`.
    func end(_ f: Int) -> Int { f + 1 < starts.count ? starts[f + 1] : lines.count }

    /// The field shown on line `i`.
    func field(atLine i: Int) -> Int { lines.isEmpty ? 0 : lines[max(0, min(i, lines.count - 1))].field }

    /// A value's lines, `width` columns each at most (at least one line).
    static func wrap(_ value: JSONValue, width: Int) -> [String] {
        let budget = DisplayWidth.scalarBudget(forWidth: width * maxLinesPerField)
        let text: String
        var more = false
        switch value {
        case .null: return [ValueText.display(.null, width: width)]  // as the grid shows null
        case .string(let s):
            (text, more) = DisplayWidth.head(s, scalars: budget)
        case .array, .object:
            if ValueText.json(value, limit: prettyLimit).more {
                (text, more) = ValueText.json(value, limit: budget)
            } else {
                text = JSONWriter.encodePretty(value)
            }
        default:
            text = ValueText.json(value)
        }
        var out: [String] = []
        var line = ""
        var used = 0
        let lineFeed = VisibleText.symbol(for: "\n")
        func flush() {
            out.append(line)
            line = ""
            used = 0
        }
        outer: for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if paragraph.offset > 0 {
                // The previous paragraph's line feed: shown (a string's) and ending the line.
                if case .string = value { line += lineFeed }
                flush()
                if out.count >= maxLinesPerField { more = true; break outer }
            }
            for character in VisibleText.escaped(String(paragraph.element)) {
                let w = DisplayWidth.of(character)
                if used + w > width && used > 0 {
                    flush()
                    if out.count >= maxLinesPerField { more = true; break outer }
                }
                line.append(character)
                used += w
            }
        }
        if out.count < maxLinesPerField { flush() }
        if more, case .string(let s) = value {
            out[out.count - 1] = DisplayWidth.clip(out[out.count - 1] + "…", to: width)
            out.append(DisplayWidth.clip("… (\(s.utf8.count) bytes in all)", to: width))
        } else if more {
            out[out.count - 1] = DisplayWidth.clip(out[out.count - 1] + "…", to: width)
            out.append(DisplayWidth.clip("… (cut: too long to show whole)", to: width))
        }
        return out.isEmpty ? [""] : out
    }
}
