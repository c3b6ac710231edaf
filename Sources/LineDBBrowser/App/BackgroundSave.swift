#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import LineDB
import Synchronization

/// A save or checkpoint running on a thread of its own, so that the browser's loop keeps reading keys and drawing
/// while the engine writes: the engine's state lock is held by this thread for the whole save (the records file of
/// a 100 MB table is rewritten), and the loop never asks the database anything meanwhile (see
/// ``BrowserState/savingRefusal(_:)``).
final class BackgroundSave: Sendable {
    private struct Report: Sendable {
        var phase: String
        var outcome: SaveOutcome?
    }

    private let report: Mutex<Report>
    private let finished = DispatchSemaphore(value: 0)
    /// When the job started.
    let started = ContinuousClock.now

    /// Starts `kind` against `database` at once.
    init(_ kind: SaveJob.Kind, database: Database) {
        report = Mutex(Report(phase: BackgroundSave.firstPhase(of: kind)))
        let thread = Thread { [self] in
            #if canImport(Glibc)
            // Behind the keys: the thread that draws frames comes first when both want a core (nice 10; on Linux the
            // nice value is per thread, and 0 names the calling one).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            #endif
            let outcome = BackgroundSave.run(kind, on: database) { phase in self.report.withLock { $0.phase = phase } }
            report.withLock { $0.outcome = outcome }
            finished.signal()
        }
        // Encoding deeply nested JSON recurses: the main thread's stack size, not a secondary thread's 512 KB.
        thread.stackSize = 8 << 20
        thread.name = "linedb-save"
        thread.start()
    }

    /// What the status line says first.
    static func firstPhase(of kind: SaveJob.Kind) -> String {
        switch kind {
        case .save: return "WAL"
        case .checkpoint: return "every table, then the WAL archived"
        }
    }

    /// The phase now, and the outcome once the job is done.
    var state: (phase: String, outcome: SaveOutcome?) {
        report.withLock { ($0.phase, $0.outcome) }
    }

    /// Waits up to `milliseconds` for the job to end; returns its outcome then.
    func wait(milliseconds: Int) -> SaveOutcome? {
        if let outcome = state.outcome { return outcome }
        guard finished.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        finished.signal()  // (whoever waits next sees it too)
        return state.outcome
    }

    /// Waits for the job to end.
    func waitUntilDone() -> SaveOutcome {
        while true {
            if let outcome = wait(milliseconds: 1000) { return outcome }
        }
    }

    /// The job itself: the changes in one transaction (all or nothing), then the records files; or a checkpoint.
    private static func run(_ kind: SaveJob.Kind, on database: Database, phase: (String) -> Void) -> SaveOutcome {
        switch kind {
        case .save(let changes):
            do {
                try write(changes, to: database)
            } catch {
                return .notSaved(error: "\(error)")
            }
            phase("records")
            do {
                _ = try database.save()
            } catch {
                return .savedToWALOnly(error: "\(error)")
            }
            return .saved
        case .checkpoint:
            do {
                let summary = try database.checkpoint()
                return .checkpointed(archive: summary.archive)
            } catch {
                return .checkpointFailed(error: "\(error)")
            }
        }
    }

    /// Writes the changes in one transaction: all or nothing, durable when it returns.
    static func write(_ changes: [Change], to database: Database) throws {
        try database.transaction { tx in
            for change in changes {
                switch change.kind {
                case .update(let key, let column, _, let new):
                    try tx.update(change.table, key: key, set: [change.columns[column]: new])
                case .insert(let row):
                    try tx.insert(change.table, change.record(of: row))
                case .delete:
                    try tx.delete(change.table, key: change.key)
                }
            }
        }
    }
}

/// The loop's side of a background save: starting it, looking at it once per turn, waiting for it at the end.
extension BrowserApp {
    /// Starts the job the state has just recorded as running (``BrowserState/saving``), then gives it a slice of
    /// time: a small save is done before the next key is handled, as it was when saves ran in the loop.
    func launchBackgroundSave(_ state: inout BrowserState, terminal: Terminal) -> Bool {
        guard let job = state.saving, backgroundSave == nil else { return false }
        backgroundSave = BackgroundSave(job.kind, database: database)
        return pollBackgroundSave(&state, terminal: terminal, waitingMilliseconds: sliceMilliseconds)
    }

    /// Starts a save of `changes` (the `s` key's effect), or queues it behind the job running.
    func startSave(_ changes: [Change], thenQuit: Bool, on state: inout BrowserState, terminal: Terminal) -> Bool {
        if backgroundSave != nil {
            _ = state.queueSave(thenQuit: thenQuit)
            return false
        }
        state.saveStarted(.save(changes: changes), phase: BackgroundSave.firstPhase(of: .save(changes: changes)))
        if thenQuit { state.quitWhenSaved(discarding: false) }
        return launchBackgroundSave(&state, terminal: terminal)
    }

    /// Starts a checkpoint, or queues it behind the job running.
    func startCheckpoint(on state: inout BrowserState, terminal: Terminal) -> Bool {
        if backgroundSave != nil {
            state.queueCheckpoint()
            return false
        }
        state.saveStarted(.checkpoint, phase: BackgroundSave.firstPhase(of: .checkpoint))
        return launchBackgroundSave(&state, terminal: terminal)
    }

    /// Once per turn of the loop: the job's phase and time into the state; when it is done, its outcome, the WAL
    /// lines it wrote, and what waited for it (a queued save or checkpoint is started). Waits up to
    /// `waitingMilliseconds` for it to end. Returns `true` when the browser must quit (a quit waited for it).
    @discardableResult
    func pollBackgroundSave(_ state: inout BrowserState, terminal: Terminal, waitingMilliseconds: Int = 0) -> Bool {
        guard let job = backgroundSave else { return false }
        guard let outcome = waitingMilliseconds > 0 ? job.wait(milliseconds: waitingMilliseconds) : job.state.outcome
        else {
            let elapsed = ContinuousClock.now - job.started
            let ms = Int(elapsed.components.seconds * 1000)
                + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
            // (The engine's progress is read without its lock: the save holds that.)
            state.saveProgressed(phase: job.state.phase, elapsedMilliseconds: ms,
                                 fraction: database.saveProgress?.fraction)
            return false
        }
        backgroundSave = nil
        let effects = state.saveFinished(outcome, context: database)
        pollWAL(&state, follow: false)
        for effect in effects {
            switch effect {
            case .save, .checkpoint:
                // Started in the state (it carries what waits after it): the thread only.
                if launchBackgroundSave(&state, terminal: terminal) { return true }
            case .quit:
                return true
            default:
                if perform(effect, on: &state, terminal: terminal) { return true }
            }
        }
        return false
    }

    /// Waits for the running job (SIGTERM, the end of input): nothing acknowledged is left half done, and a failed
    /// save's changes are pending again (for the recovery file).
    func finishBackgroundSave(_ state: inout BrowserState) {
        guard let job = backgroundSave else { return }
        backgroundSave = nil
        _ = state.saveFinished(job.waitUntilDone(), context: database)
        state.dropQueuedJob()  // a save queued behind it is not started: its changes are pending again
    }
}
