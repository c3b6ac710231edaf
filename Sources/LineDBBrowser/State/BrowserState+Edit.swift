import LineDB

/// Editing: the cell editor, the add form, delete, undo/redo, and the checks the engine would make.
extension BrowserState {
    /// Why the open table cannot be edited, if it cannot.
    var editRefusal: String? {
        if isReadOnly { return "read-only: this browser cannot change the database (\(readOnlyReason))" }
        guard let table else { return "no table is open" }
        if let refusal = openTableWriteRefusal { return refusal }
        if table.keyColumn == nil { return "\(table.name) has no primary key: its records cannot be edited here" }
        return nil
    }

    /// Why the open table is read-only here while others are writable (another process writes it), if it is.
    var openTableWriteRefusal: String? {
        guard let name = baseTableName else { return nil }
        return tables.first { String.exactlyEqual($0.name, name) }?.writeRefusal
    }

    mutating func beginEdit() {
        if let refusal = editRefusal { return fail(refusal) }
        guard let key = currentKey, let values = currentRow else { return fail("no record to edit") }
        if isCurrentRowDeleted { return fail("record \(ValueText.display(key)) is deleted (pending); u undoes that") }
        mode = .edit(CellEdit(key: key, column: column,
                              editor: ValueText.editor(for: values[column], type: table?.schema.columns[column].type ?? .json)))
    }

    /// The cell editor's keys. A refused value keeps the editor open with the text as typed and the reason shown
    /// (``CellEdit/refusal``); a key that is not an editing key is never ignored silently: the message says what
    /// works (Enter, Esc, Ctrl-N). Esc drops the edit and says so (quoting a refused text).
    mutating func handleEdit(_ edit: CellEdit, key: Key) {
        var edit = edit
        let name = table.map { $0.schema.columns[edit.column].name } ?? "the cell"
        if key == .control("n") {
            edit.editor.text = []
            edit.editor.cursor = 0
            edit.editor.isNull = true
            mode = .edit(edit)
            return say("\(name): null (Enter sets it; typing replaces it)")
        }
        switch edit.editor.handle(key) {
        case .cancel:
            mode = .normal
            if edit.refusal != nil {
                let typed = DisplayWidth.clip(VisibleText.escaped(edit.editor.string), to: 40)
                say("edit of \(name) dropped; the cell keeps its value (your text was '\(typed)')")
            } else {
                say("edit cancelled")
            }
        case .edited:
            mode = .edit(edit)
        case .ignored:
            mode = .edit(edit)
            let what = "\(KeyName.symbol(key)) is not an editing key: Enter accepts, Esc drops the edit, Ctrl-N null"
            if let refusal = edit.refusal { fail("\(refusal) — \(what)") } else { say("editing \(name): \(what)") }
        case .accept:
            // Made by a function of its own: no copy of the table is alive when the change is recorded.
            guard let (change, name) = acceptedChange(&edit) else { return }
            record(change)
            say("\(name) changed (pending: s saves, u undoes)")
        }
    }

    /// Enter in the cell editor: the update it makes and the column's name, or `nil` when there is none (refused:
    /// the editor stays open with the reason; unchanged; the record gone), the mode and the message set.
    private mutating func acceptedChange(_ edit: inout CellEdit) -> (Change, String)? {
        guard let table, let r = table.rowIndex(forKey: edit.key) else {
            mode = .normal
            return nil
        }
        let column = table.schema.columns[edit.column]
        let old = table.rows[r][edit.column]
        let value: JSONValue
        switch ValueText.parse(edit.editor, for: column) {
        case .failure(let error):
            edit.refusal = error.description
            mode = .edit(edit)
            fail(error.description)
            return nil
        case .success(let v): value = v
        }
        if let problem = check(value, column: edit.column, exceptKey: edit.key) {
            edit.refusal = problem.description
            mode = .edit(edit)
            fail(problem.description)
            return nil
        }
        mode = .normal
        if value == old {
            say("\(column.name) unchanged")
            return nil
        }
        return (Change(.update(key: edit.key, column: edit.column, old: old, new: value), in: table), column.name)
    }

    /// The engine's rules for one value: NOT NULL, and UNIQUE/primary key against the rows as they will be
    /// (current rows with the other pending changes applied).
    func check(_ value: JSONValue, column c: Int, exceptKey: JSONValue?) -> BrowserError? {
        guard let table else { return nil }
        let column = table.schema.columns[c]
        if value.isNull {
            if column.primaryKey { return .refused(column: column.name, reason: "the primary key may not be null") }
            if !column.nullable { return .refused(column: column.name, reason: "may not be null (NOT NULL)") }
            return nil
        }
        guard column.unique || column.primaryKey else { return nil }
        let pk = table.keyColumn
        if c == pk, let r = table.rowIndex(forKey: value) {
            // The key column: the rows are in key order, so the record holding the key is found by binary search
            // (a deleted record's key stays taken until the save).
            if let exceptKey, table.rows[r][c] == exceptKey { return nil }
            return .refused(column: column.name, reason: "\(ValueText.json(value)) is already used (record "
                + "\(ValueText.display(table.rows[r][c]))); primary key")
        }
        if c == pk { return nil }
        for row in table.rows where JSONValue.compare(row[c], value) == 0 {
            if let pk, let exceptKey, row[pk] == exceptKey { continue }
            // A row deleted by a pending change frees its UNIQUE values (the delete is written first); its key
            // stays taken until the save.
            if let pk, !column.primaryKey, table.deletedKeys.contains(row[pk]) { continue }
            let owner = pk.map { " (record \(ValueText.display(row[$0])))" } ?? ""
            let rule = column.primaryKey ? "primary key" : "UNIQUE"
            return .refused(column: column.name, reason: "\(ValueText.json(value)) is already used\(owner); \(rule)")
        }
        return nil
    }

    /// Adds a pending change, applies it to the open table and forgets what could be redone.
    mutating func record(_ change: Change) {
        let key = currentKey
        pending.append(change)
        redoStack = []
        if var data = table {
            // Taken out and put back: the rows have one owner while they change (through the optional with its
            // observer, the whole row list was copied at every change: O(rows)).
            table = nil
            data.apply(change)
            table = data
        }
        if case .update(_, let c, _, _) = change.kind, c != table?.keyColumn, filters.isEmpty, sort?.column != c {
            // A value changed in place: every row keeps its place in the rows and in the view (no filter could drop
            // it, the sort does not look at it), so the view stands as it is (rebuilding it costs O(rows)).
            return
        }
        var keep = key
        if case .update(let k, let c, _, let new) = change.kind, c == table?.keyColumn, k == key { keep = new }
        if case .insert(let row) = change.kind, let pk = table?.keyColumn { keep = row[pk] }
        recomputeView(keeping: keep)
    }

    var isCurrentRowDeleted: Bool {
        guard let table, row < view.count else { return false }
        return table.isDeleted(row: view[row])
    }

    // MARK: - Add

    mutating func beginAdd() {
        if let refusal = editRefusal { return fail(refusal) }
        guard let table else { return }
        // A field without a default starts as null (∅): typing replaces it; Ctrl-N makes a field null again.
        let fields = table.schema.columns.enumerated().map { (i, column) -> LineEditor in
            if i == table.keyColumn, let next = table.nextKey { return ValueText.editor(for: next, type: column.type) }
            return ValueText.editor(for: column.defaultValue ?? .null, type: column.type)
        }
        let first = table.keyColumn == 0 && fields.count > 1 ? 1 : 0
        mode = .form(RecordForm(fields: fields, active: first))
    }

    mutating func handleForm(_ form: RecordForm, key: Key) {
        var form = form
        switch key {
        case .tab, .down:
            form.active = (form.active + 1) % form.fields.count
        case .backTab, .up:
            form.active = (form.active - 1 + form.fields.count) % form.fields.count
        case .escape, .control("c"):
            mode = .normal
            return say("add cancelled")
        case .enter:
            return submit(form)
        case .control("n"):
            form.fields[form.active] = LineEditor()
            form.fields[form.active].isNull = true
        default:
            _ = form.fields[form.active].handle(key)
        }
        mode = .form(form)
    }

    mutating func submit(_ form: RecordForm) {
        guard let table, let pk = table.keyColumn else { return }
        var form = form
        var values: [JSONValue] = []
        for (i, column) in table.schema.columns.enumerated() {
            let value: JSONValue
            switch ValueText.parse(form.fields[i], for: column) {
            case .failure(let error):
                form.active = i
                mode = .form(form)
                return fail(error.description)
            case .success(let v): value = v
            }
            if let problem = check(value, column: i, exceptKey: nil) {
                form.active = i
                mode = .form(form)
                return fail(problem.description)
            }
            values.append(value)
        }
        mode = .normal
        filters = []
        record(Change(.insert(row: values), in: table))
        focus = .grid
        say("record \(ValueText.display(values[pk])) added (pending: s saves, u undoes)")
    }

    // MARK: - Delete, undo, redo, discard

    mutating func beginDelete() {
        if let refusal = editRefusal { return fail(refusal) }
        guard let key = currentKey else { return fail("no record to delete") }
        if isCurrentRowDeleted { return fail("record \(ValueText.display(key)) is already deleted (pending)") }
        mode = .confirm(.delete(key: key))
    }

    mutating func delete(key: JSONValue) {
        guard let table, let r = table.rowIndex(forKey: key) else { return }
        record(Change(.delete(row: table.rows[r]), in: table))
        say("record \(ValueText.display(key)) deleted (pending: s saves, u undoes)")
    }

    /// Undoes the last change, or the last group of changes made together.
    mutating func undo() {
        let moved = Self.moveLastGroup(from: &pending, to: &redoStack)
        guard let change = moved.first else { return say("nothing to undo") }
        if !moveInPlace(moved, undoing: true) { replayPending(focusing: change) }
        say("undone: " + moved.map(\.summary).joined(separator: "; "))
    }

    mutating func redo() {
        let moved = Self.moveLastGroup(from: &redoStack, to: &pending)
        guard let change = moved.first else { return say("nothing to redo") }
        if !moveInPlace(moved, undoing: false) { replayPending(focusing: change) }
        say("redone: " + moved.map(\.summary).joined(separator: "; "))
    }

    /// Moves the last change of `source`, with the changes of its group before it, to `destination` (last first);
    /// returns them in the order moved.
    private static func moveLastGroup(from source: inout [Change], to destination: inout [Change]) -> [Change] {
        guard let last = source.popLast() else { return [] }
        var moved = [last]
        while let group = last.group, let previous = source.last, previous.group == group {
            moved.append(source.removeLast())
        }
        destination += moved
        return moved
    }

    mutating func discardAll() {
        let n = pending.count
        pending = []
        redoStack = []
        replayPending(focusing: nil)
        say("discarded \(n) pending change\(n == 1 ? "" : "s")")
    }

    /// Rebuilds the open table from its saved rows and the pending list, cursor on the record `change` touched
    /// (or where it was).
    private mutating func replayPending(focusing change: Change?) {
        guard var data = table else { return }
        var key = currentKey
        if let change, String.exactlyEqual(change.table, data.name) {
            key = change.key
            if case .update(_, let c, _, _) = change.kind { column = c }
        }
        data.replay(unsavedChanges)
        table = data
        recomputeView(keeping: key)
    }

    // MARK: - Save

    mutating func save(thenQuit: Bool) -> [Effect] {
        if isReadOnly { fail(editRefusal ?? "read-only"); return [] }
        if saving != nil { return queueSave(thenQuit: thenQuit) }
        if pending.isEmpty {
            if thenQuit { return [.quit] }
            say("nothing to save")
            return []
        }
        say("saving \(pending.count) change\(pending.count == 1 ? "" : "s")…")
        return [.save(changes: pending, thenQuit: thenQuit)]
    }

    /// The save worked: the pending changes are in the database.
    public mutating func didSave(_ count: Int, context: BrowserDataSource) {
        pending = []
        redoStack = []
        reload(context: context)
        say("saved \(count) change\(count == 1 ? "" : "s") (in the WAL and the records files)")
    }
}
