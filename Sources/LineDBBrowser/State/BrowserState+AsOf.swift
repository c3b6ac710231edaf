import LineDB

/// The database as of one moment, shown in the panes in place of now (issue 15, "In the browser"): the grid, the
/// tables pane and the schema pane show the past, read-only; `,` and `.` step one entry; `=` opens the diff to now;
/// Esc puts back the live browser exactly as it was.
public struct AsOfView: Sendable {
    /// The past state, stepped one entry at a time (``PastStepper``).
    var stepper: PastStepper
    /// The browser as it was when the view opened (one element: a value of the state it is part of), put back by
    /// Esc.
    var saved: [BrowserState]
    /// Whether the live tables changed meanwhile (a followed writer): they are read again on return.
    var nowIsStale = false
    /// Today's rows of the tables shown, by name, to mark what differs from now.
    var now: [String: TableData] = [:]

    /// The LSN shown, and its entry's time.
    public var lsn: Int { stepper.lsn }
    public var timestamp: String? { stepper.state.timestamp }

    /// The banner: "AS OF lsn 41 · 2026-12-07 14:30:05".
    public var banner: String {
        "AS OF lsn \(lsn)" + (timestamp.map { " · " + AsOfView.shortTime($0) } ?? "")
    }

    /// A WAL timestamp as a person reads it: the date and time to the second.
    static func shortTime(_ t: String) -> String {
        String(t.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}

/// An as-of view being built off the thread that draws (``Effect/buildAsOf(_:)``).
public struct AsOfBuild: Sendable, Equatable {
    /// What was asked for.
    public var moment: HistoryMoment
    /// Which build this is: a result of a cancelled one is dropped.
    public var generation: Int
}

extension BrowserState {
    /// Whether the panes show the past.
    public var isViewingPast: Bool { asOf != nil }

    /// What every edit key says in the past.
    var asOfRefusal: String {
        let esc = keyMap.names(for: .cancel, limit: 1)
        return "viewing the past (lsn \(asOf?.lsn ?? 0)): read-only; \(esc) returns to now"
    }

    /// Actions that change the database or read now instead of the shown moment: refused in the past.
    static let asOfRefused: Set<Action> = writingActions.union([.setSelected, .takeOver, .export, .query])

    /// The keys that act differently in the past (or while it is built): `nil` lets the key run as usual.
    mutating func asOfKey(_ action: Action, context: BrowserDataSource) -> [Effect]? {
        if asOfBuild != nil, action == .cancel {
            cancelAsOfBuild()
            return []
        }
        guard asOf != nil else { return nil }
        let editsCell = action == .open && focus == .grid && sheets.isEmpty && recordView == nil
        if Self.asOfRefused.contains(action) && !(action == .export && sheet != nil) || editsCell {
            fail(asOfRefusal)
            return []
        }
        if action == .cancel, sheets.isEmpty {
            leaveAsOf(context: context)
            return []
        }
        if [.asOfPrevious, .asOfNext, .asOfDiff, .asOf].contains(action), !sheets.isEmpty {
            fail("close the sheet first (\(keyMap.names(for: .cancel, limit: 1))): the past view steps under it")
            return []
        }
        return nil
    }

    // MARK: - Opening

    /// `a` in the WAL entry view: the database as of that entry.
    mutating func beginAsOf(entry: WALEntry) -> [Effect] {
        mode = .normal
        return beginAsOf(.lsn(entry.lsn))
    }

    /// The palette's "as of…": a prompt for the moment.
    mutating func beginAsOfPrompt() {
        mode = .prompt(Prompt(purpose: .asOf, editor: LineEditor()))
    }

    /// The moment typed (`HistoryMoment.parse`: an LSN, a time, `-2h`): built, or refused with the prompt kept.
    mutating func acceptAsOfPrompt(_ text: String) -> [Effect] {
        do {
            return beginAsOf(try HistoryMoment.parse(text))
        } catch {
            mode = .prompt(Prompt(purpose: .asOf, editor: LineEditor(text)))
            fail("as of \(VisibleText.escaped(text)): \(error)")
            return []
        }
    }

    /// Asks the app to build the state as of `moment` in the background (``asOfBuilt(_:context:)`` reports).
    mutating func beginAsOf(_ moment: HistoryMoment) -> [Effect] {
        if saving != nil {
            fail("a save is running: the past can be viewed once it is done")
            return []
        }
        let generation = (asOfBuild?.generation ?? asOfGeneration) + 1
        asOfGeneration = generation
        asOfBuild = AsOfBuild(moment: moment, generation: generation)
        say("building the database as of \(moment)… (\(keyMap.names(for: .cancel, limit: 1)) cancels)")
        return [.buildAsOf(moment, generation: generation)]
    }

    /// Esc while the past is built: the build's result will be dropped.
    mutating func cancelAsOfBuild() {
        guard let build = asOfBuild else { return }
        asOfBuild = nil
        say("as of \(build.moment): cancelled")
    }

    /// The build failed: said, nothing changes.
    public mutating func asOfFailed(_ error: String, generation: Int) {
        guard asOfBuild?.generation == generation else { return }
        asOfBuild = nil
        fail("cannot show the database as of that moment: \(error)")
    }

    /// The past is built: the panes show it (the live browser is kept to come back to). A stepper already shown
    /// (a rebuild after a step the entries could not make) replaces the past in place.
    package mutating func asOfBuilt(_ stepper: PastStepper, generation: Int, context: BrowserDataSource) {
        guard asOfBuild?.generation == generation else { return }
        asOfBuild = nil
        let shownName = table?.name
        let cursorKey = currentKey
        if var past = asOf {
            past.stepper = stepper
            asOf = past
        } else {
            closeAllSheets(context: context)
            var saved = self
            saved.mode = .normal
            saved.task = nil
            saved.counter = nil
            var view = AsOfView(stepper: stepper, saved: [saved])
            if let t = table, sheets.isEmpty { view.now[t.name] = t }
            asOf = view
            recordView = nil
            selection = RowSelection()
        }
        tables = pastSummaries
        let name = shownName.flatMap { n in tables.contains { String.exactlyEqual($0.name, n) } ? n : nil }
            ?? tables.first?.name
        if let name { openPast(name, keeping: cursorKey, context: context) } else { table = nil; view = [] }
        let legend = "* differs from now, × gone now; , . step; = diff to now; "
            + keyMap.names(for: .cancel, limit: 1) + " returns"
        var text = "viewing the past: \(asOf!.banner) (read-only) · " + legend
        if !stepper.state.notes.isEmpty { text += " · " + stepper.state.notes.joined(separator: "; ") }
        say(text)
    }

    /// The tables pane's lines as of the moment: the tables that existed then, with their counts then.
    var pastSummaries: [TableSummary] {
        guard let asOf else { return tables }
        return asOf.stepper.state.tables.map {
            TableSummary(name: $0.schema.name, count: $0.count, keyColumn: $0.schema.primaryKey?.name,
                         schema: $0.schema)
        }
    }

    /// Shows table `name` as of the moment in the grid (its view: filter and sort as the user sets them).
    mutating func openPast(_ name: String, keeping key: JSONValue? = nil, context: BrowserDataSource) {
        guard let t = asOf?.stepper.state.table(name) else {
            return fail("table \(VisibleText.escaped(name)) did not exist as of lsn \(asOf?.lsn ?? 0)")
        }
        if asOf!.now[name] == nil, let live = try? context.loadTable(name) { asOf!.now[name] = live }
        var data = TableData(schema: t.schema, rows: [], nextAutoKey: nil)
        data.rows = t.rows.map(\.values)  // (rows only: nothing else holds them, so a step changes them in place)
        let reopened = table.map { String.exactlyEqual($0.name, name) } ?? false
        table = data
        if let i = tables.firstIndex(where: { String.exactlyEqual($0.name, name) }) { tableCursor = i }
        if !reopened {
            search = nil
            filters = []
            sorting = []
            row = 0
            column = 0
            top = 0
            left = 0
        }
        recomputeView(keeping: key)
    }

    // MARK: - Marks

    /// How a cell of the past grid compares with now: `nil` when it is as now.
    enum PastMark { case differs, goneNow }

    /// The mark of row `r` (of ``table``), column `c`, against today's rows.
    func pastMark(row r: Int, column c: Int) -> PastMark? {
        guard let asOf, let table, let pk = table.keyColumn, let now = asOf.now[table.name] else { return nil }
        let values = table.rows[r]
        guard let i = now.rowIndex(forKey: values[pk]), !now.isDeleted(row: i) else { return .goneNow }
        let live = now.rows[i]
        return c < live.count && live[c] == values[c] ? nil : .differs
    }

    // MARK: - Stepping

    /// `,` / `.`: one entry back or forward, applied to the rows shown (no rebuild).
    mutating func stepAsOf(forward: Bool, context: BrowserDataSource) -> [Effect] {
        guard asOf != nil else {
            fail("\(forward ? "." : ","): steps the past view; open it from a WAL entry (Enter, then a) or the palette's as-of")
            return []
        }
        let from = asOf!.lsn
        let result: PastStepResult?
        do {
            // In place: a copy of the view would copy the past table's rows.
            result = try asOf!.stepper.step(forward: forward)
        } catch {
            // (A step back over a DROP_TABLE: the dropped table's records are only in the history before it.)
            let target = (try? asOf!.stepper.neighbour(of: from, forward: forward)) ?? nil
            guard let target else {
                fail("cannot step: \(error)")
                return []
            }
            return beginAsOf(.lsn(target))
        }
        guard let result else {
            say(forward ? "lsn \(from) is now: no later entry (\(keyMap.names(for: .cancel, limit: 1)) returns to now)"
                : "lsn \(from) is the earliest moment the history reaches")
            return []
        }
        if result.tablesChanged {
            let key = currentKey
            tables = pastSummaries
            if let name = table?.name, tables.contains(where: { String.exactlyEqual($0.name, name) }) {
                openPast(name, keeping: key, context: context)
            } else if let first = tables.first {
                openPast(first.name, context: context)
            } else {
                table = nil
                view = []
            }
        } else {
            mirror(result.changes)
        }
        say(stepText(result))
        return []
    }

    /// Applies the step's changes of the open table to its rows and view, and the counts of the tables pane.
    private mutating func mirror(_ changes: [PastStepChange]) {
        for change in changes {
            if let i = tables.firstIndex(where: { String.exactlyEqual($0.name, change.table) }) {
                tables[i].count += (change.after == nil ? 0 : 1) - (change.before == nil ? 0 : 1)
            }
        }
        guard let name = table?.name else { return }
        let mine = changes.filter { String.exactlyEqual($0.table, name) }
        guard !mine.isEmpty else { return }
        let key = currentKey
        var countChanged = false
        for change in mine {
            let at = table!.rowIndex(forKey: change.key)
            switch (at, change.after) {
            case (let r?, let row?): table!.rows[r] = row.values
            case (let r?, nil):
                table!.rows.remove(at: r)
                countChanged = true
            case (nil, let row?):
                table!.rows.insert(row.values, at: table!.insertionIndex(for: change.key))
                countChanged = true
            case (nil, nil): break
            }
        }
        if filters.isEmpty && sorting.isEmpty {
            // The natural order: the view is every row; only its length may have changed.
            if countChanged { view = Array(table!.rows.indices) }
            if let key, let r = table!.rowIndex(forKey: key) {
                row = r
            } else if let first = mine.first, let r = table!.rowIndex(forKey: first.key) {
                row = r
            }
            clampCursor()
        } else {
            recomputeView(keeping: key ?? mine.first?.key)
        }
    }

    /// "lsn 41 · 14:30:05: UPDATE student id=7 (name)".
    private func stepText(_ result: PastStepResult) -> String {
        guard let past = asOf else { return "" }
        var text = past.banner
        let ops = result.entries.filter { e in
            e.entry.operationKind.map { $0 != .commit && $0 != .checkpoint } ?? false
        }
        if let e = ops.first {
            let name = e.entry.table.map { VisibleText.escaped($0) } ?? ""
            text += ": \(e.entry.operation) \(name)"
            if let change = result.changes.first(where: { String.exactlyEqual($0.table, e.entry.table ?? "") }) {
                let pk = tables.first { String.exactlyEqual($0.name, change.table) }?.keyColumn ?? "key"
                text += " \(VisibleText.escaped(pk))=\(ValueText.display(change.key, width: 30))"
            }
            if ops.count > 1 { text += " and \(ops.count - 1) more entr\(ops.count == 2 ? "y" : "ies") (one transaction)" }
        } else if let e = result.entries.first {
            text += ": \(e.entry.operation)"
        } else {
            text += ": no change"
        }
        return text
    }

    // MARK: - The diff to now

    /// `=`: what changed between the moment shown and now, as a sheet: one row per changed cell (change, key,
    /// column, then, now), so that at 80x24 each line shows one change whole however wide the table is.
    mutating func openAsOfDiff(context: BrowserDataSource) {
        guard let past = asOf else {
            return fail("=: shows what changed since the past moment shown; open one from a WAL entry first")
        }
        guard let database = context as? Database else { return fail("this data source keeps no history") }
        let diff: HistoryDiff
        do {
            diff = try database.diff(from: .lsn(past.lsn))
        } catch {
            return fail("cannot compute the diff to now: \(error)")
        }
        var rows: [[JSONValue]] = []
        for t in diff.tables {
            let name = JSONValue.string(t.table)
            if t.created { rows.append([.string("+"), name, .null, .string("(table)"), .null, .string("created")]) }
            if t.dropped { rows.append([.string("-"), name, .null, .string("(table)"), .string("existed"), .null]) }
            let pk = t.inserted.first.flatMap { r in
                tables.first { String.exactlyEqual($0.name, t.table) }?.keyColumn.flatMap { r[$0] == nil ? nil : $0 }
            } ?? tables.first { String.exactlyEqual($0.name, t.table) }?.keyColumn
            for r in t.inserted {
                rows.append([.string("+"), name, pk.flatMap { r[$0] } ?? .null, .string("(record)"), .null,
                             .string(JSONWriter.encode(.object(r)))])
            }
            for r in t.deleted {
                rows.append([.string("-"), name, pk.flatMap { r[$0] } ?? .null, .string("(record)"),
                             .string(JSONWriter.encode(.object(r))), .null])
            }
            for u in t.updated {
                for c in u.changes {
                    rows.append([.string("~"), name, u.key, .string(c.column), c.old ?? .null, c.new ?? .null])
                }
            }
        }
        let schema = Sheet.schema(
            name: "diff-lsn-\(past.lsn)-to-now",
            columns: [("±", .str), ("table", .str), ("key", .json), ("column", .str), ("then", .json),
                      ("now", .json)])
        let title = "Since lsn \(past.lsn) (\(diff.entries) entr\(diff.entries == 1 ? "y" : "ies")) to now"
        push(Sheet(kind: .asOfDiff(lsn: past.lsn), title: title, under: self), schema: schema, rows: rows)
        let n = diff.tables.reduce(0) { $0 + $1.inserted.count + $1.deleted.count + $1.updated.count }
        say("\(n) record\(n == 1 ? "" : "s") changed since lsn \(past.lsn): + inserted, - deleted, ~ one line per changed cell; "
            + keyMap.names(for: .cancel, limit: 1) + " goes back")
    }

    /// Enter on a line of the diff sheet: back to the past view, on that record (when it existed then).
    mutating func enterOnAsOfDiff(_ values: [JSONValue], context: BrowserDataSource) {
        guard values.count >= 3, case .string(let name) = values[1] else { return }
        let key = values[2]
        closeSheet(context: context)
        guard asOf?.stepper.state.table(name) != nil else {
            return say("table \(VisibleText.escaped(name)) did not exist as of lsn \(asOf?.lsn ?? 0)")
        }
        if table.map({ !String.exactlyEqual($0.name, name) }) ?? true { openPast(name, context: context) }
        focus = .grid
        guard let r = table?.rowIndex(forKey: key), let i = view.firstIndex(of: r) else {
            return say("\(VisibleText.escaped(name)) \(ValueText.display(key, width: 30)) did not exist as of lsn \(asOf?.lsn ?? 0) (inserted since)")
        }
        row = i
        say("\(VisibleText.escaped(name)) \(ValueText.display(key, width: 30)) as of lsn \(asOf?.lsn ?? 0)")
    }

    // MARK: - Back to now

    /// Esc in the past: the live browser as it was (table, view, cursor, scroll), with what belongs to the whole
    /// browser as it is now (the WAL pane, messages, hidden panes).
    mutating func leaveAsOf(context: BrowserDataSource) {
        guard let past = asOf, var back = past.saved.first else { return }
        carryBrowserWide(into: &back)
        back.mode = .normal
        self = back
        if past.nowIsStale { reload(context: context) }
        say("back to now")
    }

    /// A followed writer changed the live tables while the past is shown: they are read again on return.
    mutating func asOfNowChanged() {
        asOf?.nowIsStale = true
    }
}
