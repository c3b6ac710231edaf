import LineDB

/// The schema's words, one definition for the schema pane, the tables pane's preview and the help's legend: the
/// long words when a pane has room for them on every line, else the short forms, explained by ``legend``.
enum SchemaWords {
    /// (short, long) for the primary key, unique and not null, and what the legend says of the short form.
    static let key = ("PK", "PK", "key")
    static let unique = ("UQ", "unique", "unique")
    static let notNull = ("NN", "not null", "not null")
    /// "PK key · UQ unique · NN not null".
    static let legend = [key, unique, notNull].map { "\($0.0) \($0.2)" }.joined(separator: " · ")

    /// A column's flags: key, unique, not null (nullable says nothing), default.
    static func flags(_ column: Column, short: Bool) -> [String] {
        func word(_ words: (String, String, String)) -> String { short ? words.0 : words.1 }
        var flags: [String] = []
        if column.primaryKey { flags.append(word(key)) }
        if column.unique && !column.primaryKey { flags.append(word(unique)) }
        if !column.primaryKey && !column.nullable { flags.append(word(notNull)) }
        if let d = column.defaultValue {
            let (text, more) = ValueText.json(d, limit: 24)
            flags.append("=" + StatusLine.sanitized(text, budget: 24) + (more ? "…" : ""))
        }
        return flags
    }
}

/// The Tables and Schema panes.
extension Renderer {
    static func drawTables(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        title("Tables (\(state.tables.count))", focused: state.focus == .tables, in: r, on: &grid)
        var height = r.height - 1
        guard height > 0 else { return }
        // Below the list, when the schema pane is not on screen: the highlighted table's columns (room allowing).
        let preview = state.layout.schema == nil && height - state.tables.count >= 3
        if preview { height = state.tables.count }
        let first = max(0, min(state.tableCursor - height + 1, state.tables.count - height))
        for (i, t) in state.tables.enumerated().dropFirst(max(0, first)).prefix(height) {
            let y = r.row + 1 + i - max(0, first)
            let isOpen = state.baseTableName.map { String.exactlyEqual($0, t.name) } ?? false
            let style: CellStyle =
                i == state.tableCursor ? (state.focus == .tables ? .cursor : .selected) : (isOpen ? .header : .normal)
            let marker = state.pendingCount(of: t.name) > 0 ? "*" : t.writeRefusal != nil ? "~" : " "
            let count = String(rowCount(state, t))
            let nameWidth = r.width - 2 - DisplayWidth.of(count) - 1
            field(marker + StatusLine.sanitized(t.name, budget: r.width), row: y, column: r.column,
                  width: max(1, nameWidth + 1), style: style, on: &grid)
            field(count, row: y, column: r.column + nameWidth + 1, width: r.width - nameWidth - 1, style: style,
                  right: true, on: &grid)
            if marker == "*" { grid.put("*", row: y, column: r.column, style: .pending) }
        }
        if preview, state.tableCursor < state.tables.count {
            let below = Rect(row: r.row + 1 + height, column: r.column, height: r.height - 1 - height, width: r.width)
            drawTablePreview(state, state.tables[state.tableCursor], in: below, on: &grid)
        }
    }

    /// The open table counts its pending inserts and deletes.
    static func rowCount(_ state: BrowserState, _ summary: TableSummary) -> Int {
        let isOpen = state.baseTableName.map { String.exactlyEqual($0, summary.name) } ?? false
        return isOpen && state.sheet == nil ? (state.table?.liveCount ?? summary.count) : summary.count
    }

    /// The schema of the table the tables pane highlights: the open one's, or the one the summary read.
    static func highlightedSchema(_ state: BrowserState) -> (TableSummary, TableSchema?)? {
        guard state.tableCursor < state.tables.count else { return nil }
        let summary = state.tables[state.tableCursor]
        let isOpen = state.baseTableName.map { String.exactlyEqual($0, summary.name) } ?? false
        if isOpen, state.sheet == nil, let table = state.table { return (summary, table.schema) }
        return (summary, summary.schema)
    }

    /// Under the tables list: "── course: 12 rows ──", then a line per column (name, type, flags).
    static func drawTablePreview(_ state: BrowserState, _ summary: TableSummary, in r: Rect,
                                 on grid: inout ScreenGrid) {
        guard r.height >= 2, let (_, schema) = highlightedSchema(state) else { return }
        let n = rowCount(state, summary)
        let name = StatusLine.sanitized(summary.name, budget: r.width)
        var heading = "─ \(name): \(n) row\(n == 1 ? "" : "s") "
        if DisplayWidth.of(heading) > r.width - 1 { heading = "─ \(name): \(n) " }
        heading = DisplayWidth.clip(heading, to: r.width)
        field(heading + String(repeating: "─", count: max(0, r.width - DisplayWidth.of(heading))), row: r.row,
              column: r.column, width: r.width, style: .border, on: &grid)
        guard let schema else { return }
        // (The short forms' legend is in the schema pane and the help: this corner keeps its lines for columns.)
        drawColumns(schema.columns, highlighted: nil, legend: false,
                    in: Rect(row: r.row + 1, column: r.column, height: r.height - 1, width: r.width), on: &grid)
    }

    static func drawSchema(_ state: BrowserState, in r: Rect, on grid: inout ScreenGrid) {
        let focused = state.focus == .schema
        // Moving in the tables list shows each table's schema before it is opened.
        if state.focus == .tables, let (summary, schema) = highlightedSchema(state),
           !(state.baseTableName.map { String.exactlyEqual($0, summary.name) } ?? false) || state.sheet != nil {
            let n = rowCount(state, summary)
            title("Schema: \(StatusLine.sanitized(summary.name, budget: r.width)) (\(n) row\(n == 1 ? "" : "s"))",
                  focused: false, in: r, on: &grid)
            if let schema {
                drawColumns(schema.columns, highlighted: nil,
                            in: Rect(row: r.row + 1, column: r.column, height: r.height - 1, width: r.width), on: &grid)
            }
            return
        }
        guard let table = state.table else {
            title("Schema", focused: focused, in: r, on: &grid)
            return
        }
        title("Schema: \(StatusLine.sanitized(table.name, budget: r.width))", focused: focused, in: r, on: &grid)
        drawColumns(table.schema.columns, highlighted: state.column,
                    in: Rect(row: r.row + 1, column: r.column, height: r.height - 1, width: r.width), on: &grid)
    }

    /// A line per column: name, type, flags, in one vocabulary for the whole pane (``SchemaWords``); with the short
    /// forms, the legend on the last line when there is room. Columns that do not fit end with "… N more".
    static func drawColumns(
        _ columns: [Column], highlighted: Int?, legend withLegend: Bool = true, in r: Rect, on grid: inout ScreenGrid
    ) {
        guard r.height > 0, r.width > 4 else { return }
        let names = columns.map { StatusLine.sanitized($0.name, budget: 40) }
        let nameWidth = min(max(4, r.width / 3), 14, names.map { DisplayWidth.of($0) }.max() ?? 4)
        let typeWidth = (columns.map { DisplayWidth.of($0.type.rawValue) }.max() ?? 3) + 1
        let room = r.width - nameWidth - 2 - typeWidth
        var short = false
        var flags = columns.map { SchemaWords.flags($0, short: false) }
        if flags.contains(where: { DisplayWidth.of($0.joined(separator: " ")) > room }) {
            short = true
            flags = columns.map { SchemaWords.flags($0, short: true) }
        }
        // The legend of the short forms, when lines are left for it.
        let legendText = DisplayWidth.of(SchemaWords.legend) < r.width ? " " + SchemaWords.legend : SchemaWords.legend
        let legendLines = short ? StatusLine.wrap(legendText, width: r.width) : []
        let legend = withLegend && short && columns.count + legendLines.count <= r.height
        let lines = legend ? r.height - legendLines.count : r.height
        // The highlighted column stays in sight.
        let first = max(0, min((highlighted ?? 0) - lines + 1, columns.count - lines))
        let shown = columns.count - first > lines ? lines - 1 : lines
        for (i, column) in columns.enumerated().dropFirst(first).prefix(max(0, shown)) {
            let y = r.row + i - first
            let style: CellStyle = i == highlighted ? .selected : .normal
            field(" " + DisplayWidth.clip(names[i], to: nameWidth), row: y, column: r.column, width: nameWidth + 2,
                  style: style, on: &grid)
            field(column.type.rawValue, row: y, column: r.column + nameWidth + 2, width: typeWidth, style: .dim,
                  on: &grid)
            if room >= 4 {  // (else no room for flags worth reading)
                field(flags[i].joined(separator: " "), row: y, column: r.column + nameWidth + 2 + typeWidth,
                      width: room, style: .normal, on: &grid)
            }
        }
        if shown < columns.count - first {
            field(" … \(columns.count - first - shown) more", row: r.row + shown, column: r.column, width: r.width,
                  style: .dim, on: &grid)
        }
        if legend {
            for (i, line) in legendLines.enumerated() {
                field(line, row: r.row + lines + i, column: r.column, width: r.width, style: .dim, on: &grid)
            }
        }
    }
}
