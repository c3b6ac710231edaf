/// Typing into the cell editor, a prompt or the add form's active field, in place: a key costs what it changes,
/// not the length of the text (taking the editor out of ``mode`` and putting it back would copy the whole text
/// for every key: 22 s per key in a 10,000-character cell, a 100 KB paste that never finished).
extension BrowserState {
    /// Whether the browser is taking text (the cell editor, a prompt or the add form is open).
    public var isTyping: Bool {
        switch mode {
        case .edit, .prompt, .form: return true
        default: return false
        }
    }

    /// Applies an editing key (``LineEditor/isEditing(_:)``) to the active editor in place; `false` when no
    /// editor is open or the key is not one (Enter, Esc, Tab: the mode's own handling decides).
    mutating func editInPlace(_ key: Key) -> Bool {
        guard LineEditor.isEditing(key) else { return false }
        return withActiveEditor { _ = $0.handle(key) }
    }

    /// Inserts `characters` at the cursor of the active editor, as typing them one by one would, in one step: a
    /// paste (many keys read before one frame) costs the length of the text once, not once per character.
    /// `false` when no editor is open.
    @discardableResult
    public mutating func type(_ characters: [Character]) -> Bool {
        if !typeAhead.isEmpty {
            // Keys wait before these (the prompt's Enter, say): they wait too, in order.
            for c in characters {
                guard typeAhead.append(.character(c)) else {
                    fail("\(c) refused: \(Self.grouped(TypeAhead.capacity)) keys already wait (Esc cancels them)")
                    break
                }
            }
            return true
        }
        return withActiveEditor { $0.insert(contentsOf: characters) }
    }

    /// Runs `body` on the active editor, changed in place: the mode is emptied meanwhile, so the editor's text
    /// has no second owner and is not copied. (Each case is taken out with `if case`, which moves the payload out;
    /// a `switch` over the mode keeps a copy of it alive and the text was copied at every key, also in place.)
    private mutating func withActiveEditor(_ body: (inout LineEditor) -> Void) -> Bool {
        if case .edit(var edit) = mode {
            mode = .normal
            body(&edit.editor)
            mode = .edit(edit)
        } else if case .prompt(var prompt) = mode {
            mode = .normal
            body(&prompt.editor)
            mode = .prompt(prompt)
        } else if case .form(var form) = mode {
            mode = .normal
            if form.fields.indices.contains(form.active) { body(&form.fields[form.active]) }
            mode = .form(form)
        } else {
            return false
        }
        return true
    }
}
