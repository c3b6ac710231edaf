import LineDB

/// Keys that change or copy a cell or record without the editor: `Delete` sets null, `A` duplicates the record,
/// `y` / `Y` copy the cell / the record to the system clipboard (OSC 52), `P` pastes the last copied cell.
extension BrowserState {
    /// The editing actions of this file and of ``takeOver()``: one arm of the key dispatcher.
    mutating func editingAction(_ action: Action) -> [Effect] {
        switch action {
        case .setNull: setCurrentCell(to: .null, saying: "set to null")
        case .takeOver: return takeOver()
        case .duplicate: duplicateRecord()
        case .copyCell: return copyCell()
        case .copyRecord: return copyRecord()
        case .paste: pasteCell()
        default: break
        }
        return []
    }

    /// Sets the cell under the cursor to `value` as a pending update, checked as the cell editor checks a value
    /// (NOT NULL, UNIQUE, primary key); a refusal names the column and changes nothing.
    mutating func setCurrentCell(to value: JSONValue, saying done: String) {
        // The change is made by a function of its own: no copy of the table is alive when it is recorded (one would
        // make the change copy the whole row list: O(rows) per key).
        guard let (change, name) = currentCellChange(to: value) else { return }
        record(change)
        say("\(name) \(done) (pending: s saves, u undoes)")
    }

    /// The update that sets the current cell to `value`, and the column's name; `nil` (and why, in the message)
    /// when it is refused or changes nothing.
    private mutating func currentCellChange(to value: JSONValue) -> (Change, String)? {
        if let refusal = editRefusal {
            fail(refusal)
            return nil
        }
        guard let table, let key = currentKey, let values = currentRow else {
            fail("no record here")
            return nil
        }
        if isCurrentRowDeleted {
            fail("record \(ValueText.display(key)) is deleted (pending); u undoes that")
            return nil
        }
        let name = table.schema.columns[column].name
        if let problem = check(value, column: column, exceptKey: key) {
            fail(problem.description + "; nothing changed")
            return nil
        }
        let old = values[column]
        if value == old {
            say("\(name) unchanged (it is already \(ValueText.display(value, width: 30)))")
            return nil
        }
        return (Change(.update(key: key, column: column, old: old, new: value), in: table), name)
    }

    // MARK: - Copy and paste

    /// The largest text put on the clipboard (OSC 52 sends it base64-encoded through the terminal).
    static let clipboardLimit = 1 << 20

    /// `y`: the cell's text to the system clipboard (a string as it is, null as nothing, anything else as JSON),
    /// and its value as the text `P` pastes.
    mutating func copyCell() -> [Effect] {
        guard let table, let values = currentRow else {
            fail("no cell to copy")
            return []
        }
        let column = table.schema.columns[self.column]
        let value = values[self.column]
        let plain: String
        switch value {
        case .null: plain = ""
        case .string(let s): plain = s
        default: plain = ValueText.json(value)
        }
        guard plain.utf8.count <= Self.clipboardLimit else {
            fail("\(column.name): \(plain.utf8.count) bytes is too large to copy (at most \(Self.clipboardLimit))")
            return []
        }
        copiedCell = column.type.text(for: value)
        let size = value.isNull ? ValueText.nullGlyph + " (null)" : "(\(plain.utf8.count) bytes)"
        say("copied \(column.name) \(size); \(keyMap.names(for: .paste, limit: 1)) pastes it into a cell")
        return [.copyToClipboard(plain)]
    }

    /// `Y`: the record as one line of JSON (its columns in order) to the system clipboard.
    mutating func copyRecord() -> [Effect] {
        guard let table, let values = currentRow else {
            fail("no record to copy")
            return []
        }
        var object = Record()
        for (i, column) in table.schema.columns.enumerated() where i < values.count { object[column.name] = values[i] }
        let text = JSONWriter.encode(.object(object))
        guard text.utf8.count <= Self.clipboardLimit else {
            fail("the record is too large to copy (\(text.utf8.count) bytes; at most \(Self.clipboardLimit))")
            return []
        }
        let key = currentKey.map { " \(ValueText.display($0, width: 30))" } ?? ""
        say("copied record\(key) as JSON (\(text.utf8.count) bytes)")
        return [.copyToClipboard(text)]
    }

    /// `P`: the last copied cell into the cell under the cursor, read by this column's type (refused, naming the
    /// column, when it does not fit), as a pending update.
    mutating func pasteCell() {
        guard let text = copiedCell else {
            let copy = keyMap.names(for: .copyCell, limit: 1)
            return fail("nothing copied yet: \(copy) copies a cell")
        }
        // (No copy of the table kept here: the change would copy its whole row list.)
        guard let column = table?.schema.columns[self.column] else { return }
        switch ValueText.parse(text, for: column) {
        case .failure(let error): fail(error.description + "; nothing pasted")
        case .success(let value): setCurrentCell(to: value, saying: "pasted")
        }
    }

    // MARK: - Duplicate

    /// `A`: the record under the cursor as a new pending record. With an automatic key (an `int` key column) it is
    /// added at once under the next key; otherwise, or when a UNIQUE value would repeat, the add form opens with
    /// the copy, on the field to change.
    mutating func duplicateRecord() {
        // Worked out by a function of its own: no copy of the table is alive when the insert is recorded.
        guard let (insert, message) = duplicateChange() else { return }
        record(insert)
        focus = .grid
        say(message)
    }

    /// The insert `A` makes at once and what to say, or `nil` when it opens the form (or is refused).
    private mutating func duplicateChange() -> (Change, String)? {
        if let refusal = editRefusal {
            fail(refusal)
            return nil
        }
        guard let table, let pk = table.keyColumn, let key = currentKey, var values = currentRow else {
            fail("no record to duplicate")
            return nil
        }
        if isCurrentRowDeleted {
            fail("record \(ValueText.display(key)) is deleted (pending); u undoes that")
            return nil
        }
        let shown = ValueText.display(key, width: 30)
        let columns = table.schema.columns
        values[pk] = table.nextKey ?? .null
        var problem: (field: Int, reason: BrowserError)?
        for c in columns.indices where problem == nil {
            if let reason = check(values[c], column: c, exceptKey: nil) { problem = (c, reason) }
        }
        guard let (field, reason) = problem.map({ ($0.field, $0.reason) }) else {
            return (Change(.insert(row: values), in: table),
                    "record \(shown) duplicated as \(ValueText.display(values[pk])) (pending: s saves, u undoes)")
        }
        var fields = columns.enumerated().map { c, column in ValueText.editor(for: values[c], type: column.type) }
        fields[field].cursor = fields[field].text.count
        mode = .form(RecordForm(fields: fields, active: field, title: "Duplicate record \(shown) of \(table.name)"))
        if field == pk {
            say("type a key for the copy of record \(shown), then Enter (Esc cancels)")
        } else {
            fail(reason.description + ": change it for the copy, then Enter (Esc cancels)")
        }
        return nil
    }
}
