import LineDB

/// Type-ahead: keys typed while work runs (a search, filter, sort or sheet build in slices, a SQL query on its
/// thread) are never dropped, and happen in the order typed (as in vim and VisiData).
///
/// A key typed while work runs and nothing waits is applied at once when it does not depend on the work's result:
/// - moves, Tab/Shift-Tab, help, quit (which stops the work first) and Esc (which cancels it) act on the current
///   view, as before;
/// - a key that opens a prompt, question or overlay (`/`, `:`, `c`, `D`, `p`; `f`, `a`, `x` while a sort or filter
///   runs, which keep the grid and the cursor's column) opens it at once, and what is typed goes into it; the Enter
///   that submits it waits for the work, the prompt staying open on screen meanwhile;
/// - a command that makes the work moot cancels it and runs at once: a sort over a running sort, a new search over
///   a running search, `Ctrl-F` or `Backspace` over a filter being added, opening another table.
///
/// Any other key joins ``typeAhead``, and so does every key typed after it. The waiting keys are applied, oldest
/// first, whenever no work runs (also work that a waiting key before them started): exactly as if each had been
/// typed once the work before it was done. The status line shows the work's progress and how many keys wait. Esc
/// (or Ctrl-C) while keys wait cancels the work and drops the waiting keys (vim's Ctrl-C), saying how many; a
/// prompt whose Enter was waiting is closed. Only when ``TypeAhead/capacity`` keys already wait is a key refused,
/// and the status line says so.
extension BrowserState {
    /// Whether keys that depend on the work running now must wait for it: a search, filter, sort or sheet build
    /// (``task``), a SQL query (``runningQuery``) or a selection or bulk edit over the rows (``selectionJob``).
    public var keysMustWait: Bool { task != nil || runningQuery != nil || selectionJob != nil || runningHistory != nil }

    /// What becomes of a key typed while nothing waits.
    enum Admission: Equatable {
        /// Applied now (work made moot by it was cancelled first).
        case apply
        /// It waits for the work, and the keys behind it with it.
        case wait
        /// Done here (it cancelled the work it made moot, which was all it had to do).
        case done
    }

    /// A key typed (``handle(_:context:)``). Esc or Ctrl-C while keys wait interrupts (``interruptTypeAhead()``;
    /// Ctrl-C then quits as usual, unless it came in a prompt, editor or form). With nothing waiting, a key that
    /// ``admit(_:)`` lets through is applied now; any other key joins the queue, and the waiting keys are applied if
    /// no work runs.
    mutating func takeTyped(_ key: Key, context: BrowserDataSource) -> [Effect] {
        if !typeAhead.isEmpty && (key == .escape || key == .control("c")) {
            let quits = key == .control("c") && mode == .normal  // (in a prompt, Ctrl-C is its Esc)
            interruptTypeAhead()
            return quits ? applyKey(key, context: context) : []
        }
        if typeAhead.isEmpty {
            switch admit(key) {
            case .apply: return applyKey(key, context: context)
            case .done: return []
            case .wait: break
            }
        }
        guard typeAhead.append(key) else {
            fail("\(KeyName.symbol(key)) refused: \(Self.grouped(TypeAhead.capacity)) keys already wait "
                 + "(Esc cancels them and the work)")
            return []
        }
        return replayTypeAhead(context: context)
    }

    /// Applies the waiting keys, oldest first, until one must wait for work (or none is left); returns what the
    /// app must do. The app calls it after each slice of work (``BrowserApp``); tests call it after
    /// ``finishWork()``.
    public mutating func replayTypeAhead(context: BrowserDataSource) -> [Effect] {
        var effects: [Effect] = []
        while let more = replayNext(context: context) { effects += more }
        return effects
    }

    /// Applies the oldest waiting key once no work runs; `nil` when none waits or work runs. (A key that waited
    /// keeps waiting while the work of the keys typed before it runs: each happens after the ones before it, as if
    /// typed slowly.)
    public mutating func replayNext(context: BrowserDataSource) -> [Effect]? {
        guard !keysMustWait, let key = typeAhead.removeFirst() else { return nil }
        return applyKey(key, context: context)
    }

    /// Esc or Ctrl-C while keys wait: cancels the work and drops the waiting keys (closing a prompt, editor, form
    /// or question opened ahead: its Enter or answer was among them), and says so.
    mutating func interruptTypeAhead() {
        let dropped = typeAhead.removeAll()
        let work = task?.label ?? selectionJob?.label ?? (runningQuery != nil ? "query" : nil)
            ?? (runningHistory != nil ? "reading the history" : nil)
        mode = .normal
        cancelTask()
        let keys = "\(dropped) key\(dropped == 1 ? "" : "s") typed ahead dropped"
        say(work.map { "\($0) cancelled; \(keys)" } ?? keys)
    }

    /// Whether `key`, typed while nothing waits, can be applied now (see the extension's comment); cancels the
    /// running work when the key makes it moot.
    mutating func admit(_ key: Key) -> Admission {
        guard keysMustWait else { return .apply }
        switch mode {
        case .help, .preview, .messages, .walEntry:
            return .apply
        case .prompt(let prompt):
            guard key == .enter else { return .apply }  // typing, Esc and the prompt's own keys
            if case .search = prompt.purpose, case .seek? = task?.goal {
                cancelTask()  // a new search replaces the one running
                return .apply
            }
            return .wait
        case .edit:
            return LineEditor.isEditing(key) || key == .escape ? .apply : .wait
        case .form:
            return LineEditor.isEditing(key) || [.escape, .tab, .backTab, .up, .down].contains(key) ? .apply : .wait
        case .confirm:
            return key == .escape ? .apply : .wait
        case .normal:
            return admitInPanes(key)
        }
    }

    /// ``admit(_:)`` in normal mode.
    private mutating func admitInPanes(_ key: Key) -> Admission {
        guard let action = action(of: key) else { return .apply }  // an unbound key: said at once
        if action.isMove { return .apply }
        switch action {
        case .cancel, .quit, .help, .nextPane, .previousPane:
            return .apply
        case .search, .query, .checkpoint, .discard, .preview:
            // Opens a prompt, question or overlay that depends on nothing the work changes; what it submits waits.
            return .apply
        case .filter, .add, .export:
            // The same, on the grid's column or table: at once while a sort or filter runs (which keep both); during
            // a search (which moves the cursor), a sheet build or a query (which change the grid) it waits.
            return isViewWork ? .apply : .wait
        case .open:
            // Another table (or this one again) from the tables pane: the work on the grid is moot.
            return focus == .tables && runningQuery == nil ? .apply : .wait
        case .sortAscending, .sortDescending:
            if focus != .grid { return .apply }  // refused at once (it acts on the grid only)
            if case .sort(_, clearsFilter: false)? = task?.goal {
                cancelTask()  // the new sort replaces the running one
                return .apply
            }
            return .wait
        case .clearFilter, .removeLastFilter:
            guard let adding = filterBeingAdded else { return .wait }
            let names = table?.schema.columns.map(\.name) ?? []
            cancelTask()
            if action == .removeLastFilter || filters.isEmpty {
                // Adding a filter, then removing the last one (or all of them when it was the only one), is the
                // view as it was.
                say("filter \(adding.describe(names: names)) cancelled: \(Self.grouped(view.count)) rows")
                return .done
            }
            return .apply  // every filter goes, in a task of its own
        default:
            return .wait
        }
    }

    /// Whether the work running is a sort or a filter of the grid (which keeps the cursor's column and the grid).
    private var isViewWork: Bool {
        guard runningQuery == nil, let goal = task?.goal else { return false }
        switch goal {
        case .sort, .filter: return true
        default: return false
        }
    }

    /// The filter that the running task adds to the stack, if it is one.
    private var filterBeingAdded: ViewFilter? {
        guard case .filter(let list, _, let stack)? = task?.goal, stack.count > filters.count, list.count == 1 else {
            return nil
        }
        return list.last
    }
}
