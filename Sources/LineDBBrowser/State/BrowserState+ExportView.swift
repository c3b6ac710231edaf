import LineDB

/// `x` on a table asks for the format (JSON, JSON Lines, CSV, TSV, Markdown) of the whole table as saved; `v` in
/// that question switches to the view as shown (its filters and sort, only the selected rows when rows are
/// selected, its visible columns, pending changes included) and `a` back; then the file.
extension BrowserState {
    /// The export formats' keys, as the question lists them.
    static let exportChoices = ": j JSON, l JSONL, c CSV, t TSV, m MD"
    static let exportToView = ", v view, Esc cancel"
    static let exportToAll = ", a all, Esc cancel"

    /// The format of an answer to the format question, if the key names one.
    static func exportFormat(for key: Key) -> ExportFormat? {
        switch key {
        case .character("j"): return .json
        case .character("l"): return .jsonl
        case .character("c"): return .csv
        case .character("t"): return .tsv
        case .character("m"): return .markdown
        default: return nil
        }
    }

    /// `x`: the format question, of the whole table as saved (`v` there: of the view as shown instead); on a sheet,
    /// of the sheet as shown.
    mutating func beginExport() {
        guard table != nil else { return }
        exportsView = false
        mode = .confirm(.exportFormat)
    }

    /// The columns a view export writes: the ones shown, in their order on screen (hidden columns left out).
    var exportColumns: [Int] {
        guard table != nil else { return [] }
        return displayColumns
    }

    /// The rows a view export writes, as positions in the table's rows: the view's, in its order, only the
    /// selected ones when rows are selected, never a row deleted by a pending change.
    var exportRows: [Int] {
        guard let table else { return [] }
        let selected = !selection.isEmpty
        if !selected && table.deletedKeys.isEmpty { return view }
        return view.filter { p in
            (!selected || selection.contains(table.key(ofRow: p))) && !table.isDeleted(row: p)
        }
    }

    /// What the view export holds, in words: "12 rows (filtered, sorted, selected)".
    private var viewDescription: String {
        guard let table else { return "" }
        var how: [String] = []
        if !filters.isEmpty { how.append("filtered") }
        if sort != nil { how.append("sorted") }
        if !selection.isEmpty { how.append("selected only") }
        if exportColumns.count < table.schema.columns.count { how.append("\(exportColumns.count) columns") }
        // (Counted exactly unless that means going through a huge view at every frame the question is shown.)
        let exact = view.count <= 200_000 || (selection.isEmpty && table.deletedKeys.isEmpty)
        let n = exact ? exportRows.count : min(view.count, selection.isEmpty ? view.count : selection.count)
        let count = (exact ? "" : "up to ") + "\(n) row\(n == 1 ? "" : "s")"
        return count + (how.isEmpty ? "" : " (" + how.joined(separator: ", ") + ")")
    }

    /// The format question for the view (after `v`).
    func exportViewFormatQuestion() -> (text: String, choices: String) {
        ("Export the view of \(table?.name ?? ""): \(viewDescription)",
         BrowserState.exportChoices + BrowserState.exportToAll)
    }

    /// `v` in the format question: the view instead of the whole table; `a`: the whole table again.
    mutating func switchExportScope(_ key: Key) {
        guard sheet == nil else { return }
        if key == .character("v") || key == .character("V") { exportsView = true }
        if key == .character("a") || key == .character("A") { exportsView = false }
    }

    /// The effect of a view export to `path`: the rows and columns as shown.
    func viewExportEffect(path: String, format: ExportFormat, overwrite: Bool) -> Effect? {
        guard exportsView, sheet == nil, let table else { return nil }
        let columns = exportColumns
        let all = columns.count == table.schema.columns.count
        let schema = all ? table.schema : ((try? TableSchema(table.name, columns: columns.map {
            var c = table.schema.columns[$0]
            c.primaryKey = false
            return c
        })) ?? table.schema)
        let rows = exportRows.map { p in all ? table.rows[p] : columns.map { table.rows[p][$0] } }
        return .exportSheet(SheetExport(schema: schema, rows: rows, path: path, format: format, overwrite: overwrite))
    }
}
