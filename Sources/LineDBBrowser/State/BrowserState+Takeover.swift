import LineDB

/// A read-only browser whose writer exits: it says so (``writerDidExit()``), and `w` makes it the writer.
extension BrowserState {
    /// The writer that held the lock has exited: says once that `w` takes over.
    public mutating func writerDidExit() {
        guard isReadOnly, !writerExited else { return }
        writerExited = true
        let key = keyMap.names(for: .takeOver, limit: 1)
        say("the writer has exited: \(key) takes over as the writer (edits and saves work then)")
    }

    /// A browser that writes the tables no other process writes: the process that wrote `names` has exited, so
    /// they are writable here now (marks and the status line follow; the lock is taken at the first write).
    public mutating func tablesFreed(_ names: [String], context: BrowserDataSource) {
        guard asOf == nil else { return }  // (the past's tables are shown: read again on return to now)
        tables = context.tableSummaries()
        let list = names.map { VisibleText.escaped($0) }.joined(separator: ", ")
        say("the writer of \(list) has exited: \(names.count == 1 ? "it is" : "they are") writable here now")
    }

    /// Another process took the writer lock again before this browser did.
    public mutating func writerReturned() {
        guard writerExited else { return }
        writerExited = false
        say("another process writes the database again; following it read-only")
    }

    /// `w`: asks the app to take the writer lock, or says why not.
    mutating func takeOver() -> [Effect] {
        guard isReadOnly else {
            say("this browser is already the writer")
            return []
        }
        return [.takeOver]
    }

    /// The app took the writer lock and opened the database as its writer (`context`): edits work from now on.
    public mutating func tookOver(context: BrowserDataSource) {
        isReadOnly = false
        writerExited = false
        readOnlyReason = ""
        evaluator = SQLFilterEvaluator(database: context as? Database)
        reload(context: context)
        say("you are the writer now: edits, save and checkpoint work")
    }

    /// Taking over failed: still read-only, and why.
    public mutating func takeOverFailed(_ reason: String) {
        fail("cannot take over: \(reason); still read-only")
    }

    /// The actions that change the database: on a read-only browser their keys are left out of the key-hint line.
    static let writingActions: Set<Action> = [
        .edit, .editRecord, .add, .delete, .undo, .redo, .discard, .save, .checkpoint, .setNull, .duplicate, .paste,
        .preview,
    ]

    /// Whether `action`'s key belongs on the key-hint line now (read-only: nothing that writes; `w` only once the
    /// writer has exited).
    func hintShows(_ action: Action) -> Bool {
        if action == .takeOver { return isReadOnly && writerExited }
        return !(isReadOnly && Self.writingActions.contains(action))
    }
}
