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
        if let kept = refusedRecordText, kept.key == key {
            // The text of a refused edit the user left: opened again, with the reason at the top.
            return [.editRecord(key: key, text: kept.text)]
        }
        var object = Record()
        for (i, column) in table.schema.columns.enumerated() where i < values.count { object[column.name] = values[i] }
        return [.editRecord(key: key, text: JSONWriter.encodePretty(.object(object)) + "\n")]
    }

    /// What starts each line the browser adds at the top of a refused record's text (as git comments a commit
    /// message); every line starting with `#` is ignored when the file is read back (no JSON line can).
    static let editorCommentPrefix = "# linedb: "

    /// The edited text without its comment lines (those whose first non-blank character is `#`).
    static func withoutComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in line.first(where: { $0 != " " && $0 != "\t" }) != "#" }
            .joined(separator: "\n")
    }

    /// The text to open again after `refusal`: the reason and what to do as comment lines, then the user's text.
    static func reopenedText(_ body: String, refusal: String) -> String {
        let reason = refusal.split(whereSeparator: \.isNewline).joined(separator: " ")
        return [
            editorCommentPrefix + "NOT CHANGED: " + reason,
            editorCommentPrefix + "fix the record below and save to try again; quit without saving to give up",
            editorCommentPrefix + "(E opens this text again). Lines starting with # are ignored.",
        ].joined(separator: "\n") + "\n" + body
    }

    /// The editor closed, leaving `edited` where `original` was. Every changed column becomes a pending update,
    /// checked like a cell edit (type, NOT NULL, UNIQUE, primary key); invalid JSON, an unknown or missing column or
    /// one refused value changes nothing and says why, and the text is never lost: the returned effect opens the
    /// editor again on it with the reason as comment lines at the top (``reopenedText(_:refusal:)``). Leaving that
    /// text as it was gives up, and keeps it for the next `E` on the record.
    ///
    /// - Returns: the effect that opens the editor again (after a refusal), or none.
    @discardableResult
    public mutating func finishRecordEdit(key: JSONValue, original: String, edited: String) -> [Effect] {
        let shown = ValueText.display(key)
        if edited == original {
            if original.hasPrefix(Self.editorCommentPrefix) {
                // A refused text left as it was: given up; kept for the next E on this record.
                refusedRecordText = (key, original)
                let first = original.prefix { $0 != "\n" }.dropFirst(Self.editorCommentPrefix.count + "NOT CHANGED: ".count)
                let again = keyMap.names(for: .editRecord, limit: 1)
                fail("\(first) (your text is kept: \(again) opens it again)")
            } else {
                say("record \(shown) unchanged")
            }
            return []
        }
        let body = Self.withoutComments(edited)
        if body.allSatisfy(\.isWhitespace) {
            refusedRecordText = nil
            fail("record \(shown) not changed: the file was left empty")
            return []
        }
        guard let refusal = applyRecordEdit(key: key, text: body) else {
            refusedRecordText = nil
            return []
        }
        fail(refusal)
        return [.editRecord(key: key, text: Self.reopenedText(body, refusal: refusal))]
    }

    /// Turns the edited JSON of record `key` into pending updates; returns why nothing changed, or `nil` when it
    /// went through (the message then says what changed).
    private mutating func applyRecordEdit(key: JSONValue, text edited: String) -> String? {
        // The updates are worked out by a function of their own: no copy of the table is alive while they are
        // recorded (one would make each change copy the whole row list).
        let updates: [(column: Int, old: JSONValue, new: JSONValue)]
        switch recordEditUpdates(key: key, text: edited) {
        case .failure(let refusal): return refusal.description
        case .success(let found): updates = found
        }
        let shown = ValueText.display(key)
        if updates.isEmpty {
            say("record \(shown) unchanged")
            return nil
        }
        lastChangeGroup += 1
        for update in updates {
            guard var change = self.table.map({ Change(.update(key: key, column: update.column, old: update.old,
                                                                new: update.new), in: $0) }) else { break }
            change.group = updates.count > 1 ? lastChangeGroup : nil
            record(change)
        }
        let names = updates.compactMap { table?.schema.columns[$0.column].name }.joined(separator: ", ")
        say("record \(shown): \(names) changed (pending: s saves, u undoes)")
        return nil
    }

    /// The updates the edited JSON of record `key` makes, the key last; or why nothing changes.
    private func recordEditUpdates(key: JSONValue, text edited: String)
        -> Result<[(column: Int, old: JSONValue, new: JSONValue)], BrowserError>
    {
        let shown = ValueText.display(key)
        guard let table, let r = table.rowIndex(forKey: key) else {
            return .failure(.message("record \(shown) is no longer in the table; nothing changed"))
        }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(edited)
        } catch {
            return .failure(.message("record \(shown) not changed: invalid JSON: \(error)"))
        }
        guard case .object(let object) = parsed else {
            return .failure(.message("record \(shown) not changed: the file must hold one JSON object"))
        }
        let columns = table.schema.columns
        if let unknown = object.keys.first(where: { name in !columns.contains { String.exactlyEqual($0.name, name) } }) {
            return .failure(.message("\(unknown): no such column in \(table.name); record \(shown) not changed"))
        }
        var updates: [(column: Int, old: JSONValue, new: JSONValue)] = []
        for (i, column) in columns.enumerated() {
            guard let value = object[column.name] else {
                return .failure(.message("\(column.name): missing from the edited record; record \(shown) not changed"))
            }
            var typed = JSONValue.null
            if !value.isNull {
                guard let normalized = column.type.normalize(value) else {
                    let reason = "\(ValueText.json(value)) is not \(ValueText.expectation(column.type))"
                    return .failure(.message(BrowserError.refused(column: column.name, reason: reason).description
                        + "; record \(shown) not changed"))
                }
                typed = normalized
            }
            let old = table.rows[r][i]
            if typed == old { continue }
            if let problem = check(typed, column: i, exceptKey: key) {
                return .failure(.message(problem.description + "; record \(shown) not changed"))
            }
            updates.append((i, old, typed))
        }
        // The other columns first, while the record still has its old key; the key last.
        let pk = table.keyColumn
        updates.sort { ($0.column == pk ? 1 : 0) < ($1.column == pk ? 1 : 0) }
        return .success(updates)
    }
}
