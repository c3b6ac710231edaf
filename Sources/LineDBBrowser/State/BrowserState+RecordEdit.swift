import LineDB

/// `E`: the whole record as JSON in `$EDITOR`, and the edited JSON turned into pending changes.
extension BrowserState {
    /// Asks the app to open the current record in the editor, or says why it cannot be edited.
    mutating func beginRecordEdit() -> [Effect] {
        if let refusal = editRefusal {
            fail(refusal)
            return []
        }
        guard let table, let key = currentKey, let values = currentRow else {
            fail("no record to edit")
            return []
        }
        if isCurrentRowDeleted {
            fail("record \(ValueText.display(key)) is deleted (pending); u undoes that")
            return []
        }
        var object = Record()
        for (i, column) in table.schema.columns.enumerated() where i < values.count { object[column.name] = values[i] }
        return [.editRecord(key: key, text: JSONWriter.encodePretty(.object(object)) + "\n")]
    }

    /// The editor closed, leaving `edited` where `original` was. Every changed column becomes a pending update,
    /// checked like a cell edit (type, NOT NULL, UNIQUE, primary key); invalid JSON, an unknown or missing column or
    /// one refused value changes nothing and says why.
    public mutating func finishRecordEdit(key: JSONValue, original: String, edited: String) {
        let shown = ValueText.display(key)
        guard let table, let r = table.rowIndex(forKey: key) else {
            return fail("record \(shown) is no longer in the table; nothing changed")
        }
        if edited == original { return say("record \(shown) unchanged") }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(edited)
        } catch {
            return fail("record \(shown) not changed: invalid JSON: \(error)")
        }
        guard case .object(let object) = parsed else {
            return fail("record \(shown) not changed: the file must hold one JSON object")
        }
        let columns = table.schema.columns
        if let unknown = object.keys.first(where: { name in !columns.contains { String.exactlyEqual($0.name, name) } }) {
            return fail("\(unknown): no such column in \(table.name); record \(shown) not changed")
        }
        var updates: [(column: Int, old: JSONValue, new: JSONValue)] = []
        for (i, column) in columns.enumerated() {
            guard let value = object[column.name] else {
                return fail("\(column.name): missing from the edited record; record \(shown) not changed")
            }
            var typed = JSONValue.null
            if !value.isNull {
                guard let normalized = column.type.normalize(value) else {
                    let reason = "\(ValueText.json(value)) is not \(ValueText.expectation(column.type))"
                    return fail(BrowserError.refused(column: column.name, reason: reason).description
                        + "; record \(shown) not changed")
                }
                typed = normalized
            }
            let old = table.rows[r][i]
            if typed == old { continue }
            if let problem = check(typed, column: i, exceptKey: key) {
                return fail(problem.description + "; record \(shown) not changed")
            }
            updates.append((i, old, typed))
        }
        if updates.isEmpty { return say("record \(shown) unchanged") }
        // The other columns first, while the record still has its old key; the key last.
        let pk = table.keyColumn
        updates.sort { ($0.column == pk ? 1 : 0) < ($1.column == pk ? 1 : 0) }
        lastChangeGroup += 1
        for update in updates {
            guard let current = self.table else { break }
            var change = Change(.update(key: key, column: update.column, old: update.old, new: update.new), in: current)
            change.group = updates.count > 1 ? lastChangeGroup : nil
            record(change)
        }
        let names = updates.map { columns[$0.column].name }.joined(separator: ", ")
        say("record \(shown): \(names) changed (pending: s saves, u undoes)")
    }
}
