import Dispatch
import LineDB

/// A save or checkpoint that runs in the background (``BrowserApp`` gives it a thread of its own): what it writes,
/// how far it is, and what waits for it. While it runs the grid, search and moves stay live; edits made meanwhile
/// are the next pending set.
public struct SaveJob: Sendable, Equatable {
    /// What the job writes.
    public enum Kind: Sendable, Equatable {
        /// The pending changes in one transaction, then the changed tables' records files.
        case save(changes: [Change])
        /// Every table saved, then the WAL archived.
        case checkpoint
    }

    /// What the job writes.
    public var kind: Kind
    /// What it is doing now, as the status line says it ("writing the records files").
    public var phase: String
    /// Milliseconds since it started (the app updates it at every turn of its loop).
    public var elapsedMilliseconds = 0
    /// How much of the phase is done, when the engine reports it.
    public var fraction: Double?
    /// `s` was pressed during the job: one more save (of what is pending then) follows it.
    public var saveQueued = false
    /// A checkpoint was confirmed during the job: it follows the job (and the queued save).
    public var checkpointQueued = false
    /// Quit was asked for during the job: the browser quits once the job (and a queued save) worked.
    public var quitWhenDone = false
    /// The quit was "discard and quit": edits made during the job do not stop it.
    public var quitDiscardsPending = false

    /// The changes being written (none for a checkpoint).
    public var changes: [Change] {
        if case .save(let changes) = kind { return changes }
        return []
    }

    /// A job that has just started.
    public init(_ kind: Kind, phase: String) {
        self.kind = kind
        self.phase = phase
    }
}

/// How a background save or checkpoint ended (``BrowserState/saveFinished(_:context:)``).
public enum SaveOutcome: Sendable, Equatable {
    /// The changes are in the WAL and the records files.
    case saved
    /// The transaction was written (the changes are in the WAL, durable) but writing a records file failed.
    case savedToWALOnly(error: String)
    /// The transaction was refused: nothing was written.
    case notSaved(error: String)
    /// The checkpoint worked; the WAL went to `archive` (nil: nothing to archive).
    case checkpointed(archive: String?)
    /// The checkpoint failed (the WAL stays live, nothing is lost).
    case checkpointFailed(error: String)
}

/// Saving in the background: the job's life in the state (started, keys during it, finished).
extension BrowserState {
    /// The changes not yet in the database, oldest first: those being saved, then the pending ones. The grid shows
    /// them all applied.
    var unsavedChanges: [Change] {
        guard let saving, !saving.changes.isEmpty else { return pending }
        return saving.changes + pending
    }

    /// The status line's account of the running job, short enough for 80 columns: `saving 3 (records) 1.4 s`,
    /// `checkpoint… 0.6 s`, with what waits for it: `+save` (one more save queued), `+checkpoint`, `+quit`.
    public var savingStatus: String? {
        guard let saving else { return nil }
        let seconds = "\(saving.elapsedMilliseconds / 1000).\(saving.elapsedMilliseconds % 1000 / 100) s"
        let fraction = saving.fraction.map { " " + Renderer.percent($0) } ?? ""
        var text: String
        switch saving.kind {
        case .save(let changes): text = "saving \(changes.count) (\(saving.phase)\(fraction)) \(seconds)"
        case .checkpoint: text = "checkpoint…\(fraction) \(seconds)"
        }
        if saving.saveQueued { text += " +save" }
        if saving.checkpointQueued { text += " +checkpoint" }
        if saving.quitWhenDone { text += " +quit" }
        return text
    }

    /// The app handed `kind` to its thread: the changes being saved leave the pending list (new edits are the next
    /// save's); what could be redone is forgotten, as after any save.
    public mutating func saveStarted(_ kind: SaveJob.Kind, phase: String) {
        if case .save(let changes) = kind {
            // The effect carries the pending list as it was when `s` was pressed, which is the list now.
            if pending.starts(with: changes) { pending.removeFirst(changes.count) } else { pending = [] }
            redoStack = []
        }
        saving = SaveJob(kind, phase: phase)
    }

    /// A job recorded as started but given no thread (the browser ends): its changes are pending again.
    public mutating func dropQueuedJob() {
        guard let job = saving else { return }
        pending = job.changes + pending
        saving = nil
    }

    /// The app's news of the running job: its phase, elapsed time and fraction.
    public mutating func saveProgressed(phase: String, elapsedMilliseconds: Int, fraction: Double?) {
        saving?.phase = phase
        saving?.elapsedMilliseconds = elapsedMilliseconds
        saving?.fraction = fraction
    }

    /// `s` (or "save and quit") during a job: one more save follows it. Returns no effect: the app starts the
    /// queued save when the job ends.
    mutating func queueSave(thenQuit: Bool) -> [Effect] {
        if pending.isEmpty && !thenQuit {
            say("saving…: nothing new to save (edits made now are saved by s once this save is done)")
            return []
        }
        if !pending.isEmpty { saving?.saveQueued = true }
        if thenQuit { saving?.quitWhenDone = true }
        let n = pending.count
        let what = n == 0 ? "" : "one more save queued (\(n) pending change\(n == 1 ? "" : "s"))"
        say("saving… " + [what, thenQuit ? "quit when done" : ""].filter { !$0.isEmpty }.joined(separator: ", "))
        return []
    }

    /// Quit during a job: the browser waits for it, then quits (when it worked). `discarding`: the user chose to
    /// quit without saving what is pending (the job still finishes: it was acknowledged by `s`).
    public mutating func quitWhenSaved(discarding: Bool) {
        saving?.quitWhenDone = true
        if discarding { saving?.quitDiscardsPending = true }
        say("saving… quit when done")
    }

    /// A checkpoint confirmed during a job: it runs once the job (and a queued save) is done.
    public mutating func queueCheckpoint() {
        saving?.checkpointQueued = true
        say("checkpoint queued: it runs once this save is done")
    }

    /// Why `action` waits while a job runs (it needs the database, which the job holds), or `nil` when it works.
    func savingRefusal(_ action: Action) -> String? {
        guard saving != nil else { return nil }
        let what: String
        switch action {
        case .export: what = "export"
        case .query: what = "a query"
        case .open where focus == .tables:
            guard tableCursor < tables.count else { return nil }
            let name = tables[tableCursor].name
            if let table, String.exactlyEqual(table.name, name), !tableIsStale, sheets.isEmpty { return nil }
            what = "opening \(name)"
        case .cancel where !sheets.isEmpty && sheets.count == 1 && baseIsStale:
            what = "closing the sheet"
        default: return nil
        }
        return "\(what) waits for the save to end (saving…; the grid, search and moves work meanwhile)"
    }

    /// The job ended: the state takes in its outcome. A save's changes become the saved rows (the table is not read
    /// again: what the grid shows is what was saved, plus the edits made meanwhile, still pending); a failed save
    /// puts its changes back in front of the pending list. Returns what follows: the queued save, a checkpoint, or
    /// the quit that waited.
    public mutating func saveFinished(_ outcome: SaveOutcome, context: BrowserDataSource) -> [Effect] {
        guard let job = saving else { return [] }
        saving = nil
        let changes = job.changes
        var worked = true
        switch outcome {
        case .saved, .savedToWALOnly:
            commitSaved(changes, context: context)
            let n = changes.count
            var text = "saved \(n) change\(n == 1 ? "" : "s") (in the WAL and the records files)"
            if case .savedToWALOnly(let error) = outcome {
                text = "the changes are in the WAL, but writing the records files failed: \(error)"
                worked = false
            }
            if !pending.isEmpty && !job.saveQueued {
                text += "; \(pending.count) pending (made during the save)"
            }
            if worked { say(text) } else { fail(text) }
        case .notSaved(let error):
            // Nothing was written: the changes are pending again, before the ones made meanwhile.
            pending = changes + pending
            worked = false
            fail("not saved, nothing was written: \(error)"
                 + (job.saveQueued || job.checkpointQueued || job.quitWhenDone
                    ? " (what waited for it was cancelled)" : ""))
        case .checkpointed(let archive):
            tables = context.tableSummaries()
            say("checkpoint done: records files written, " + (archive.map { "WAL archived to wal/\($0)" }
                                                               ?? "nothing to archive"))
        case .checkpointFailed(let error):
            worked = false
            fail("checkpoint failed: \(error)")
        }
        guard worked else { return [] }
        return startNext(after: job)
    }

    /// What waited for `job`, in order: one more save (of what is pending now), the checkpoint, the quit. A save or
    /// checkpoint that follows is started here (it carries what waits after it); the app gives it its thread.
    private mutating func startNext(after job: SaveJob) -> [Effect] {
        func carry(_ next: SaveJob.Kind, checkpoint: Bool) {
            saveStarted(next, phase: "starting")
            saving?.checkpointQueued = checkpoint
            saving?.quitWhenDone = job.quitWhenDone
            saving?.quitDiscardsPending = job.quitDiscardsPending
        }
        if job.saveQueued && !pending.isEmpty {
            let changes = pending
            say(message + "; saving the \(changes.count) queued…")
            carry(.save(changes: changes), checkpoint: job.checkpointQueued)
            return [.save(changes: changes, thenQuit: false)]
        }
        if job.checkpointQueued {
            carry(.checkpoint, checkpoint: false)
            return [.checkpoint]
        }
        if job.quitWhenDone {
            if job.quitDiscardsPending || pending.isEmpty { return [.quit] }
            // Edits were made after the quit was asked for: ask again rather than lose them.
            mode = .confirm(.quit)
        }
        return []
    }

    /// The changes are in the database: the open table's saved rows become what was shown, the edits made meanwhile
    /// stay pending on top of them. The view keeps its rows and order (rows deleted by the save leave it), so a
    /// running sort or filter goes on and nothing is read again. Under a sheet, the table is read again once the
    /// sheets are closed.
    private mutating func commitSaved(_ changes: [Change], context: BrowserDataSource) {
        redoStack = []
        tables = context.tableSummaries()
        if !sheets.isEmpty {
            baseIsStale = true
            return
        }
        var before = table
        commitSavedRows(changes)
        // The table as it was (at 1M rows, a million arrays to release) is freed on another thread, not in this frame.
        let box = ReleaseBox(before)
        before = nil
        DispatchQueue.global(qos: .utility).async { box.value = nil }
    }

    private mutating func commitSavedRows(_ changes: [Change]) {
        guard let old = table else { return }
        let mine = changes.filter { String.exactlyEqual($0.table, old.name) }
        if mine.isEmpty { return }
        let pendingHere = pending.contains { String.exactlyEqual($0.table, old.name) }
        var rows: [[JSONValue]]
        var deleted: Set<JSONValue>
        if pendingHere {
            // Edits made during the save: the saved rows are the rows before it with the saved changes applied.
            var saved = TableData(schema: old.schema, rows: old.baseRows, nextAutoKey: old.nextAutoKey)
            saved.replay(mine)
            rows = saved.rows
            deleted = saved.deletedKeys
        } else {
            // What the grid shows is what was saved: its rows are the saved rows as they are (nothing copied).
            rows = old.rows
            deleted = old.deletedKeys
        }
        if !deleted.isEmpty, let pk = old.keyColumn { rows.removeAll { deleted.contains($0[pk]) } }
        var next = old.nextAutoKey
        if let n = next, let pk = old.keyColumn {
            // The engine never gives out a key at or below one it stored.
            for change in mine {
                if case .insert(let row) = change.kind, case .int(let k) = row[pk], k >= n {
                    next = k == .max ? nil : max(next ?? k, k + 1)
                }
            }
        }
        var data = TableData(schema: old.schema, rows: rows, nextAutoKey: next)
        if pendingHere { data.replay(pending) }
        let running = task
        let runningCounter = counter
        let key = currentKey
        if data.rows.count == old.rows.count {
            // Same rows in the same places (updates, inserts): the view and any task on it stay valid.
            table = data
            task = running
            counter = runningCounter
            return
        }
        // Rows left (deletes): the view's positions move down past them; both lists are in key order.
        guard let pk = old.keyColumn else { return }
        var map = [Int](repeating: -1, count: old.rows.count)
        var j = 0
        var mapped = 0
        for i in old.rows.indices {
            let k = old.rows[i][pk]
            while j < data.rows.count && JSONValue.compare(data.rows[j][pk], k) < 0 { j += 1 }
            if j < data.rows.count && JSONValue.compare(data.rows[j][pk], k) == 0 {
                map[i] = j
                j += 1
                mapped += 1
            }
        }
        table = data
        if mapped != data.rows.count {
            // A row the old view never had (an insert saved, then deleted during the save): rebuilt.
            recomputeView(keeping: key)
            return
        }
        view = view.compactMap { map[$0] >= 0 ? map[$0] : nil }
        if let key, let i = view.firstIndex(where: { data.rows[$0][pk] == key }) { row = i }
        clampCursor()
        if running != nil {
            // The sort or filter was over the old positions: it starts again over the new ones.
            recomputeView(keeping: key)
        }
    }
}

/// Holds a value until another thread lets it go (so that freeing a big table does not stall a frame).
private final class ReleaseBox: @unchecked Sendable {
    var value: TableData?
    init(_ value: TableData?) { self.value = value }
}
