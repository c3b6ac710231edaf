import LineDB

/// The browser: owns the state, reads keys from a ``Terminal``, applies their effects to the database, follows
/// the WAL, and draws a frame after every change. The `linedb browse` command creates one over the curses
/// terminal; tests create one over a ``MemoryTerminal``.
public final class BrowserApp {
    /// Why ``run(on:)`` returned.
    public enum Exit: Sendable, Equatable {
        /// The user quit (`q`, or Ctrl-C answered).
        case quit
        /// The terminal's input ended.
        case inputClosed
        /// SIGTERM or SIGHUP: the unsaved changes, if any, were written to `recoveryFile` (see
        /// ``PendingRecovery``); the front end restores the terminal, says where they are and dies of `signal`.
        case terminated(signal: Int32, recoveryFile: String?)
    }

    /// The database; replaced by its writer's open when a read-only browser takes over (``takeOver(on:)``).
    public internal(set) var database: Database
    /// The state after the last key (for tests and for the front end's exit message).
    public internal(set) var state: BrowserState?
    /// Follows `wal/transaction.log` for the WAL pane and, read-only, for the writer's changes.
    var follower: WALFollower?
    /// The save or checkpoint running on its own thread (App/BackgroundSave.swift), or `nil`.
    var backgroundSave: BackgroundSave?
    /// The as-of views being built on their own threads (App/BackgroundAsOf.swift).
    var asOfBuilds: [BackgroundAsOf] = []
    /// Set when SIGTERM/SIGHUP ended the browser with unsaved changes and no recovery file could be written: what
    /// the front end says after restoring the terminal.
    public internal(set) var recoveryFailure: String?
    /// How long the loop waits for a key before polling the WAL (ms).
    public var tickMilliseconds = 150
    /// How long a search, filter or sort works between two looks at the keyboard (ms).
    public var sliceMilliseconds = 8
    /// Units of work (rows, cells, keys) between two looks at the clock while a task runs.
    var workChunk = 5_000
    /// The most keys handled before a frame is drawn.
    var maxKeysPerFrame = 1024

    /// Key bindings and colours: the config file's (``Configuration/load(environment:)``), read when the app is
    /// created; set it before ``run(on:)`` to use others.
    public var configuration: Configuration

    /// - Parameters:
    ///   - database: the open database (read-only when another process writes it).
    ///   - configuration: key bindings and colours; by default the config file's (``Configuration/load(environment:)``).
    public init(database: Database, configuration: Configuration = Configuration.load()) {
        self.database = database
        self.configuration = configuration
    }

    /// The name the status line shows: the database directory's last component.
    var databaseName: String {
        guard let path = database.path else { return "(in memory)" }
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Runs until the user quits. Draws the first frame at once, then one after the keys typed meanwhile (all of
    /// them: a held key never leaves a queue behind), after each WAL change, and between the slices of a running
    /// search, filter or sort (with its progress; only a look for keys, no wait, happens then).
    public func run(on terminal: Terminal) throws -> Exit {
        var state = BrowserState(databaseName: databaseName, isReadOnly: database.isReadOnly, context: database)
        if database.options.readOnly { state.readOnlyReason = "opened read-only" }
        if case .unwritable(let reason) = database.readOnlyCause {
            // A read-only file system or no permission: no writer to follow, just say why.
            state.readOnlyReason = reason
            state.say("read-only: \(reason); edits are refused")
        }
        state.keyMap = configuration.keyMap
        terminal.apply(configuration.theme)
        terminal.reportMouse(configuration.mouse)
        if !database.warnings.isEmpty, state.message.isEmpty { state.say(database.warnings.joined(separator: "; ")) }
        // An invalid config file: said first (the defaults are in use), before anything else.
        if let problem = configuration.problem { state.fail(problem) }
        follower = database.path.map { WALFollower(databasePath: $0) }
        // The pane keeps the latest entries only: a long log's history is skipped unparsed.
        pollWAL(&state, follow: false, decodingLast: BrowserState.walLimit)
        if let path = database.path, let notice = PendingRecovery.notice(in: path) {
            state.say(state.message.isEmpty ? notice : state.message + "; " + notice)
        }
        defer { self.state = state }
        var idle = 0
        // The WAL is polled when the wait for a key times out, and at least every tick while keys keep coming or
        // a task runs, so that a writer's lines show within a tick also under a held key.
        var lastPoll = ContinuousClock.now
        func pollIfDue() {
            guard ContinuousClock.now - lastPoll >= .milliseconds(tickMilliseconds) else { return }
            // (While a search, filter or sort runs, only the WAL pane: reloading the table would cancel it; the
            // writer's changes reach the grid at the next poll after it.)
            pollWAL(&state, follow: !state.isWorking)
            lastPoll = .now
        }
        while true {
            draw(&state, on: terminal)
            self.state = state
            // While a search, filter or sort runs, only look for keys; otherwise wait for one.
            // (While a save runs in the background, the wait is short: its progress and end show at once.)
            let asked = ContinuousClock.now
            let wait = backgroundSave != nil || !asOfBuilds.isEmpty ? min(100, tickMilliseconds) : tickMilliseconds
            let next = terminal.nextKey(timeoutMilliseconds: state.isWorking ? 0 : wait)
            if let signal = terminal.pendingTermination() { return terminated(by: signal, state: &state) }
            // A save in the background: its progress and its end (a terminal that answered at once, with no task to
            // run, waits a little; the end of its input is not seen until the save is done and drawn).
            if backgroundSave != nil || !asOfBuilds.isEmpty { idle = 0 }
            pollAsOfBuilds(&state)
            let answeredAtOnce = next == nil && !state.isWorking && ContinuousClock.now - asked < .milliseconds(5)
            if pollBackgroundSave(&state, terminal: terminal, waitingMilliseconds: answeredAtOnce ? 20 : 0) {
                return .quit
            }
            guard let first = next else {
                if state.isWorking {
                    state.work(until: .now + .milliseconds(sliceMilliseconds), chunk: workChunk)
                    if applyTypeAhead(&state, terminal: terminal) { return .quit }  // the keys that waited for it
                    pollIfDue()
                    continue
                }
                idle += 1
                if terminal is MemoryTerminal && idle > 3 && backgroundSave == nil { return .inputClosed }
                pollWAL(&state, follow: true)
                lastPoll = .now
                continue
            }
            idle = 0
            // Everything typed meanwhile (a held key repeats faster than frames are drawn) is handled before the
            // next frame, repeated moves as one move: no queue of moves keeps running after the key is released.
            var batch = [first]
            while batch.count < maxKeysPerFrame, let more = terminal.nextKey(timeoutMilliseconds: 0) {
                batch.append(more)
            }
            // (A SIGTERM/SIGHUP that came meanwhile is seen at the next read: these keys were typed before it.)
            var changed = false
            var position = 0
            while position < batch.count {
                // Text typed or pasted into an editor: the whole run of characters in one insertion.
                if state.isTyping, let text = KeyBatch.leadingCharacters(batch[position...]) {
                    state.type(text)
                    position += text.count
                    continue
                }
                let (key, count) = KeyBatch.leadingRun(batch[position...])
                position += count
                var left = count
                while left > 0 {
                    let n = state.movesInOne(key) ? left : 1
                    left -= n
                    let wasWorking = state.task != nil
                    let effects = state.handle(key, repeat: n, context: database)
                    for effect in effects where perform(effect, on: &state, terminal: terminal) { return .quit }
                    if !effects.isEmpty { changed = true }
                    // A search, filter or sort that a key started gets its first slice at once: on a small table it
                    // is done before the next key (typed ahead) is handled, and the first match shows in the next
                    // frame. (A key handled while a task runs, a move, is drawn at once: the task's next slice comes
                    // after the frame, so the key waits for no slice.)
                    if state.task != nil && !wasWorking {
                        state.work(until: .now + .milliseconds(sliceMilliseconds), chunk: workChunk)
                    }
                    if applyTypeAhead(&state, terminal: terminal) { return .quit }
                    state.scrollToCursor()
                }
            }
            if changed {
                // An effect (a save, say) wrote to the WAL: show its lines now, and count this as the tick's poll.
                pollWAL(&state, follow: false)
                lastPoll = .now
            }
            pollIfDue()
        }
    }

    /// SIGTERM/SIGHUP: writes the pending changes (if any) to a recovery file beside the database (in the temporary
    /// directory for a database in memory or one whose directory cannot be written).
    func terminated(by signal: Int32, state: inout BrowserState) -> Exit {
        // A save running in the background is finished first: durable, or its changes are pending again.
        finishBackgroundSave(&state)
        guard !state.pending.isEmpty else { return .terminated(signal: signal, recoveryFile: nil) }
        do {
            let file = try PendingRecovery.write(state.pending, databasePath: database.path, signal: signal)
            return .terminated(signal: signal, recoveryFile: file)
        } catch {
            let n = state.pending.count
            recoveryFailure = "\(n) unsaved change\(n == 1 ? " was" : "s were") lost: cannot write a recovery file: "
                + "\(error)"
            return .terminated(signal: signal, recoveryFile: nil)
        }
    }

    /// Lays out for the terminal's current size, scrolls to the cursor and draws.
    func draw(_ state: inout BrowserState, on terminal: Terminal) {
        let size = terminal.size
        state.viewport = (size.rows, size.columns)
        state.keepFocusOnScreen()
        state.scrollToCursor()
        terminal.draw(Renderer.render(state))
    }

    /// Reads new WAL entries into the pane. When following a writer (read-only), brings the database up to date
    /// (``Database/refresh()``) and redraws the grid from it, keeping the cursor on the same record.
    func pollWAL(_ state: inout BrowserState, follow: Bool, decodingLast: Int? = nil) {
        guard let follower else { return }
        do {
            var changed = false
            var batch: [WALEntry] = []
            for event in try follower.pollEvents(decodingLast: decodingLast) {
                switch event {
                case .entry(let entry):
                    batch.append(entry)
                    if entry.operationKind != .checkpoint { changed = true }
                case .rotated:
                    state.appendWAL(batch)
                    batch = []
                    state.walRotated()
                    changed = true
                }
            }
            state.appendWAL(batch)
            // A reader applies what the writer appended (or reads everything again after a checkpoint).
            // So does a writer of some tables (WriteScope), for the tables other processes write.
            let follows = follow && (database.isReadOnly || database.options.writeScope != .database)
            let refreshed = follows ? try database.refresh() : .unchanged
            if follows && (refreshed != .unchanged || changed) {
                state.reload(context: database)
            }
            if follow { checkWriter(&state) }
        } catch {
            state.fail("following the WAL: \(error)")
        }
    }
}
