import LineDB

/// Prompts and questions.
extension BrowserState {
    mutating func handlePrompt(_ prompt: Prompt, key: Key) -> [Effect] {
        var prompt = prompt
        if case .query(let shown) = prompt.purpose, key == .up || key == .down {
            mode = .prompt(queryHistoryStep(from: shown, up: key == .up, prompt: prompt))
            return []
        }
        if case .search = prompt.purpose, toggleSearchOption(key) { return [] }
        switch prompt.editor.handle(key) {
        case .cancel:
            mode = .normal
        case .edited, .ignored:
            mode = .prompt(prompt)
        case .accept:
            mode = .normal
            let text = prompt.editor.string
            switch prompt.purpose {
            case .search: startSearch(text)
            case .filter(let c): applyFilter(text, column: c)
            case .exportPath(let format):
                guard let table, !text.isEmpty else { return [] }
                say("exporting \(sheet?.label ?? table.name)…")
                return [exportEffect(path: text, format: format)]
            case .query: return acceptQuery(text)
            case .goToRow: goToRow(text)
            case .goToKey(let pk): goToKey(text, column: pk)
            case .setSelected(let c): acceptSetSelected(text, column: c, prompt: prompt)
            case .walFilter: applyWALFilter(text)
            case .asOf: return acceptAsOfPrompt(text)
            case .palette: break  // (handled by handlePalette)
            }
        }
        return []
    }

    /// The text of a question, as the key-hint line shows it.
    func questionText(_ question: Question) -> String {
        let (text, choices) = questionParts(question)
        return text + choices
    }

    /// A question in two parts: what it asks, and its choices (with the separator before them), so that a narrow
    /// screen shortens the first and always shows the second.
    func questionParts(_ question: Question) -> (text: String, choices: String) {
        switch question {
        case .quit:
            return ("\(pending.count) unsaved change\(pending.count == 1 ? "" : "s")",
                    ": s save and quit, d discard and quit, c cancel")
        case .delete(let key):
            return ("Delete record \(ValueText.display(key)) of \(table?.name ?? "")", "? y yes, n no")
        case .discard:
            return ("Discard all \(pending.count) pending change\(pending.count == 1 ? "" : "s")", "? y yes, n no")
        case .checkpoint:
            // What matters most first: a narrow line shortens the end.
            let unsaved = pending.isEmpty
                ? "" : " without your \(pending.count) unsaved change\(pending.count == 1 ? "" : "s")"
            return ("Checkpoint\(unsaved): save every table, archive the WAL, start a new one", "? y yes, n no")
        case .exportFormat:
            guard let table else { return ("", "") }
            if let sheet {
                return ("Export the \(sheet.label)'s \(view.count) row\(view.count == 1 ? "" : "s") as shown",
                        BrowserState.exportChoices + ", Esc cancel")
            }
            if exportsView { return exportViewFormatQuestion() }
            let unsaved = pendingCount(of: table.name)
            let note = unsaved == 0 ? "" : " (as saved: \(unsaved) unsaved change\(unsaved == 1 ? "" : "s") not included)"
            return ("Export all of \(table.name)\(note)", BrowserState.exportChoices + BrowserState.exportToView)
        case .overwriteExport(_, let path, _):
            return ("\(path) exists: replace it", "? y yes, n no")
        case .deleteSelected: return deleteSelectedQuestion()
        }
    }

    mutating func answer(_ question: Question, key: Key) -> [Effect] {
        let yes = key == .character("y") || key == .character("Y")
        let cancel = key == .escape || key == .character("n") || key == .character("N") || key == .control("c")
        switch question {
        case .quit:
            switch key {
            case .character("s"), .control("s"):
                mode = .normal
                return save(thenQuit: true)
            case .character("d"):
                mode = .normal
                return [.quit]
            case .character("c"), .escape, .character("n"), .control("c"):
                mode = .normal
                say("quit cancelled")
            default: break
            }
        case .delete(let k):
            if yes {
                mode = .normal
                delete(key: k)
            } else if cancel {
                mode = .normal
                say("delete cancelled")
            }
        case .discard:
            if yes {
                mode = .normal
                discardAll()
            } else if cancel {
                mode = .normal
            }
        case .checkpoint:
            if yes {
                mode = .normal
                say("checkpointing…")
                return [.checkpoint]
            } else if cancel {
                mode = .normal
                say("checkpoint cancelled")
            }
        case .exportFormat:
            if let format = BrowserState.exportFormat(for: key), let table {
                let path = "./\(table.name)\(exportsView ? "-view" : "").\(format.fileExtension)"
                mode = .prompt(Prompt(purpose: .exportPath(format: format), editor: LineEditor(path)))
            } else if cancel || key == .character("q") {
                mode = .normal
                say("export cancelled")
            } else {
                switchExportScope(key)
            }
        case .deleteSelected: answerDeleteSelected(key)
        case .overwriteExport(let table, let path, let format):
            if yes {
                mode = .normal
                say("exporting \(table)…")
                return [exportEffect(path: path, format: format, overwrite: true)]
            } else if cancel {
                mode = .normal
                say("export cancelled: \(path) left as it was")
            }
        }
        return []
    }
}
