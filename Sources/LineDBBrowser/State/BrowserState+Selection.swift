import LineDB

/// The selected rows of the open table, by key (by row position in a table without a primary key), so that they
/// stay selected through sorts and filters.
///
/// The keys live in an object that copies of the state share (as a ``ViewTask``'s work does): the app keeps a copy
/// of the state between frames, and a set that were a value would be copied whole (a million keys) at the first
/// change after every frame. A new selection is a new object (``init()``); changes go through ``insert(_:)`` and
/// ``remove(_:)``.
public struct RowSelection: Sendable {
    private final class Store: @unchecked Sendable {
        var keys: Set<JSONValue> = []
    }

    private let store = Store()

    /// No row selected.
    public init() {}

    /// The keys of the selected rows.
    public var keys: Set<JSONValue> { store.keys }
    public var count: Int { store.keys.count }
    public var isEmpty: Bool { store.keys.isEmpty }
    public func contains(_ key: JSONValue) -> Bool { !store.keys.isEmpty && store.keys.contains(key) }

    /// Selects `key`; returns whether it was not selected before.
    @discardableResult
    func insert(_ key: JSONValue) -> Bool { store.keys.insert(key).inserted }

    /// Unselects `key`; returns whether it was selected.
    @discardableResult
    func remove(_ key: JSONValue) -> Bool { store.keys.remove(key) != nil }

    /// Makes room for `more` keys at once (no growth step during the slices of a big selection), when that does not
    /// mean moving many keys now.
    func reserve(_ more: Int) {
        if store.keys.count < 100_000 { store.keys.reserveCapacity(store.keys.count + more) }
    }
}

/// Work over many rows for the selection, in slices between key reads (as ``ViewTask``): selecting the rows that
/// match the search (`*`), inverting the selection (`~`), or making the changes of a bulk set (`b`) or delete (`d`)
/// of the selected rows. Esc cancels it and leaves everything as it was: a selection gets its keys back; a bulk
/// edit adds no change at all (its changes join the pending list, as one undo step, only once all are made).
public struct SelectionJob: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Select the input's rows that match the search (every row without one).
        case select
        /// Select the input's unselected rows, unselect its selected ones.
        case invert
        /// Set column `column` of every selected row to `value`.
        case set(column: Int, value: JSONValue)
        /// Delete every selected row.
        case delete
    }

    public let kind: Kind
    /// Positions in the table's rows to go through, in order.
    let input: [Int]
    let matcher: SearchMatcher?
    /// The undo group of a bulk edit's changes.
    let group: Int
    /// The work in progress, shared by copies of the job (as ``ViewTask``'s: no copy of its arrays per frame).
    let work = Work()

    final class Work: @unchecked Sendable {
        var next = 0
        /// Keys this job selected and unselected so far (what Esc gives back).
        var added: [JSONValue] = []
        var removed: [JSONValue] = []
        /// A bulk edit's changes, made in the first phase; the second applies them (``applied`` so far) to a copy
        /// of the table, which replaces the state's once all are applied (Esc drops it: nothing half-done).
        var changes: [Change] = []
        var applied = 0
        var applying = false
        var data: TableData?
        /// Whether the selection was empty when the job started (Esc then simply empties it again).
        var startedEmpty = false
    }

    init(kind: Kind, input: [Int], matcher: SearchMatcher?, group: Int) {
        self.kind = kind
        self.input = input
        self.matcher = matcher
        self.group = group
    }

    var next: Int { work.next }
    var added: [JSONValue] { work.added }
    var removed: [JSONValue] { work.removed }
    var changes: [Change] { work.changes }
    var applied: Int { work.applied }
    var applying: Bool { work.applying }

    /// What the status line says it is doing.
    public var label: String {
        switch kind {
        case .select: return "selecting"
        case .invert: return "inverting the selection"
        case .set: return applying ? "setting the selected rows" : "reading the selected rows"
        case .delete: return applying ? "deleting the selected rows" : "reading the selected rows"
        }
    }

    /// Fraction done, 0...1 (a bulk edit: reading the rows is the first half, applying the changes the second).
    public var progress: Double {
        let read = input.isEmpty ? 1 : Double(next) / Double(input.count)
        switch kind {
        case .select, .invert: return read
        case .set, .delete:
            return applying ? 0.5 + 0.5 * (changes.isEmpty ? 1 : Double(applied) / Double(changes.count)) : 0.5 * read
        }
    }
}

extension BrowserState {
    // MARK: - Keys

    /// `t`: selects or unselects the row under the cursor, then moves down (as VisiData's `s`/`u` do).
    mutating func toggleSelect() {
        guard let table, row < view.count else { return say("no row to select") }
        let key = table.key(ofRow: view[row])
        if !selection.remove(key) { selection.insert(key) }
        if row < view.count - 1 { row += 1 }
        saySelection()
    }

    /// `*`: selects every row of the view that matches the search, or every row of the view without a search.
    mutating func selectMatching() {
        guard table != nil else { return }
        let matcher = searchHighlighter
        startSelectionJob(SelectionJob(kind: .select, input: view, matcher: matcher, group: 0))
    }

    /// `~`: selects the view's unselected rows and unselects its selected ones (rows outside the view keep theirs).
    mutating func invertSelection() {
        guard table != nil else { return }
        startSelectionJob(SelectionJob(kind: .invert, input: view, matcher: nil, group: 0))
    }

    /// `U`: unselects every row.
    mutating func clearSelection() {
        let n = selection.count
        selection = RowSelection()
        say(n == 0 ? "no rows were selected" : "selection cleared (\(n) row\(n == 1 ? "" : "s"))")
    }

    /// `b`: asks for the value to give the current column in every selected row.
    mutating func beginSetSelected() {
        if let refusal = editRefusal { return fail(refusal) }
        guard let table else { return }
        if selection.isEmpty {
            return fail("no rows selected: t selects a row, * the search's matches (or every row)")
        }
        if column == table.keyColumn {
            return fail("\(table.schema.columns[column].name) is the primary key: one value for several records is refused")
        }
        mode = .prompt(Prompt(purpose: .setSelected(column: column), editor: LineEditor()))
    }

    /// The `b` prompt's label: `Set name in 12 selected rows: `.
    func setSelectedLabel(column c: Int) -> String {
        let name = table.map { VisibleText.escaped($0.schema.columns[c].name) } ?? ""
        return "Set \(DisplayWidth.clip(name, to: 20)) in \(selection.count) selected row\(selection.count == 1 ? "" : "s") (empty = null): "
    }

    /// Enter in the `b` prompt: checks the value once (type, NOT NULL, UNIQUE), then makes the changes in slices.
    /// A refused value keeps the prompt open with the text, and says why.
    mutating func acceptSetSelected(_ text: String, column c: Int, prompt: Prompt) {
        guard let table, c < table.schema.columns.count else { return }
        let column = table.schema.columns[c]
        let value: JSONValue
        switch ValueText.parse(text, for: column) {
        case .failure(let error):
            mode = .prompt(prompt)
            return fail(error.description)
        case .success(let v): value = v
        }
        if (column.unique || column.primaryKey) && !value.isNull && selection.count > 1 {
            mode = .prompt(prompt)
            return fail("\(column.name) is UNIQUE: \(selection.count) records cannot all be \(ValueText.json(value))")
        }
        let only = selection.count == 1 ? selection.keys.first : nil
        if let problem = check(value, column: c, exceptKey: only) {
            mode = .prompt(prompt)
            return fail(problem.description)
        }
        lastChangeGroup += 1
        startSelectionJob(SelectionJob(kind: .set(column: c, value: value), input: Array(table.rows.indices),
                                       matcher: nil, group: lastChangeGroup))
    }

    /// `d` with rows selected: asks before deleting them all.
    mutating func beginDeleteSelected() {
        if let refusal = editRefusal { return fail(refusal) }
        mode = .confirm(.deleteSelected)
    }

    /// The question `d` asks with rows selected.
    func deleteSelectedQuestion() -> (text: String, choices: String) {
        let n = selection.count
        let shown = view.isEmpty || n == 0 ? 0 : selectedInView()
        let hidden = n - shown
        let note = hidden > 0 ? " (\(hidden) not in this view)" : ""
        return ("Delete the \(n) selected record\(n == 1 ? "" : "s") of \(table?.name ?? "")\(note)", "? y yes, n no")
    }

    /// How many selected rows the view shows (a count over the view: only asked when a question is drawn).
    func selectedInView() -> Int {
        guard let table, !selection.isEmpty else { return 0 }
        if selection.count <= 10_000 || view.count <= 200_000 {
            return view.reduce(0) { $0 + (selection.contains(table.key(ofRow: $1)) ? 1 : 0) }
        }
        return selection.count  // (not counted over a huge view at every frame)
    }

    /// The answer to ``Question/deleteSelected``.
    mutating func answerDeleteSelected(_ key: Key) {
        if key == .character("y") || key == .character("Y") {
            mode = .normal
            guard let table else { return }
            lastChangeGroup += 1
            startSelectionJob(SelectionJob(kind: .delete, input: Array(table.rows.indices), matcher: nil,
                                           group: lastChangeGroup))
        } else if [.escape, .character("n"), .character("N"), .control("c")].contains(key) {
            mode = .normal
            say("delete cancelled")
        }
    }

    // MARK: - The job

    /// Starts `job` (replacing none: the keys that start one wait while work runs) and does its first slice (a
    /// small one: the key's frame comes first).
    mutating func startSelectionJob(_ job: SelectionJob) {
        job.work.startedEmpty = selection.isEmpty
        switch job.kind {
        case .set, .delete:
            // (No growth of the list while it is made: a step that copies half a million changes at once.)
            job.work.changes.reserveCapacity(selection.count)
        case .select, .invert:
            selection.reserve(job.input.count)
        }
        selectionJob = job
        if stepSelectionJob(budget: 4_000) { finishSelectionJob() }
    }

    /// Does about `budget` units of work (a cell tested, a row read, a change applied); returns whether the job
    /// is done.
    mutating func stepSelectionJob(budget: Int) -> Bool {
        guard let job = selectionJob, let data = table else {
            selectionJob = nil
            return true
        }
        let work = job.work
        let width = max(1, data.schema.columns.count)
        let selection = self.selection
        switch job.kind {
        case .select:
            let end = min(job.input.count, work.next + max(1, job.matcher == nil ? budget : budget / width))
            for k in work.next..<end {
                let p = job.input[k]
                if let matcher = job.matcher, !matcher.matches(row: data.rows[p]) { continue }
                let key = data.key(ofRow: p)
                if selection.insert(key) { work.added.append(key) }
            }
            work.next = end
            return work.next >= job.input.count
        case .invert:
            let end = min(job.input.count, work.next + max(1, budget))
            for k in work.next..<end {
                let key = data.key(ofRow: job.input[k])
                if selection.remove(key) {
                    work.removed.append(key)
                } else {
                    selection.insert(key)
                    work.added.append(key)
                }
            }
            work.next = end
            return work.next >= job.input.count
        case .set, .delete:
            if !work.applying {
                // Gathering the changes: one per selected row of the input not already deleted (for a bulk set, not
                // already holding the value).
                let end = min(job.input.count, work.next + max(1, budget))
                let names = data.schema.columns.map(\.name)
                let pk = data.keyColumn ?? 0
                for k in work.next..<end {
                    let p = job.input[k]
                    let key = data.key(ofRow: p)
                    guard selection.contains(key), !data.isDeleted(row: p) else { continue }
                    let kind: Change.Kind
                    if case .set(let c, let value) = job.kind {
                        let old = data.rows[p][c]
                        if old == value { continue }
                        kind = .update(key: key, column: c, old: old, new: value)
                    } else {
                        kind = .delete(row: data.rows[p])
                    }
                    var change = Change(table: data.name, kind: kind, columns: names, keyColumn: pk)
                    change.group = job.group
                    work.changes.append(change)
                }
                work.next = end
                work.applying = work.next >= job.input.count
                return false
            }
        }
        // Applying a bulk edit's changes, a slice at a time, to the job's own copy of the table (copied once, at
        // its first change; the state's table, shown meanwhile, is replaced once all are applied).
        if work.data == nil {
            work.data = data
            // (Room for every change's mark at once: no rehash of a million entries in one step.)
            if case .set = job.kind {
                work.data!.pendingCells.reserveCapacity(data.pendingCells.count + work.changes.count)
            } else {
                work.data!.deletedKeys.reserveCapacity(data.deletedKeys.count + work.changes.count)
            }
        }
        let end = min(work.changes.count, work.applied + max(1, budget / 4))
        for k in work.applied..<end { work.data!.apply(work.changes[k]) }
        work.applied = end
        return work.applied >= work.changes.count
    }

    /// The job is done: a bulk edit's changes join the pending list as one undo step.
    mutating func finishSelectionJob() {
        guard let job = selectionJob else { return }
        selectionJob = nil
        switch job.kind {
        case .select:
            say("\(job.added.count) row\(job.added.count == 1 ? "" : "s") selected"
                + (job.matcher == nil ? "" : " (matching \"\(job.matcher!.pattern.text)\")")
                + "; \(selection.count) in all")
        case .invert:
            say("selection inverted in the view: \(selection.count) row\(selection.count == 1 ? "" : "s") selected")
        case .set(let c, let value):
            let n = job.changes.count
            if let data = job.work.data { table = data }
            job.work.data = nil
            if pending.isEmpty { pending = job.changes } else { pending += job.changes }
            if n > 0 { redoStack = [] }
            let name = table?.schema.columns[c].name ?? ""
            say(n == 0 ? "\(name) unchanged: the selected rows already hold \(ValueText.json(value))"
                : "\(name) set to \(ValueText.json(value)) in \(n) record\(n == 1 ? "" : "s") (pending: s saves, u undoes them all)")
        case .delete:
            let n = job.changes.count
            if let data = job.work.data { table = data }
            job.work.data = nil
            if pending.isEmpty { pending = job.changes } else { pending += job.changes }
            if n > 0 { redoStack = [] }
            selection = RowSelection()
            recomputeView(keeping: currentKey)  // (a deleted pending insert leaves the rows)
            say("\(n) record\(n == 1 ? "" : "s") deleted (pending: s saves, u undoes them all)")
        }
    }

    /// Esc while a job runs: everything as it was before it (the selection's keys back, no change made).
    mutating func cancelSelectionJob() {
        guard let job = selectionJob else { return }
        selectionJob = nil
        if job.work.startedEmpty && job.work.removed.isEmpty {
            selection = RowSelection()  // (at once, whatever the number of keys added)
        } else {
            for key in job.added { selection.remove(key) }
            for key in job.removed { selection.insert(key) }
        }
        job.work.data = nil  // (the changes applied so far were applied to the job's copy of the table only)
        job.work.changes = []
        switch job.kind {
        case .select, .invert: say("\(job.label) cancelled: the selection is as it was")
        case .set, .delete: say("\(job.label) cancelled: nothing changed")
        }
    }

    /// "3 rows selected".
    private mutating func saySelection() {
        let n = selection.count
        say(n == 0 ? "no rows selected" : "\(n) row\(n == 1 ? "" : "s") selected (b sets a column, d deletes them)")
    }
}
