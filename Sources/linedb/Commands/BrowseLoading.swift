#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LineDB
import LineDBBrowser

/// Opens a ``Database`` on a thread of its own, so that the main thread (the only one that calls curses) can draw
/// a first screen and answer q/Ctrl-C meanwhile.
final class BackgroundOpen: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Database, any Error>?

    init(path: String, options given: DatabaseOptions) {
        let progressBox = ProgressBox()
        var reporting = given
        reporting.loadProgress = { progressBox.set($0) }
        let options = reporting
        self.progressBox = progressBox
        var delay: UInt32 = 0
        #if DEBUG
        // Debug builds, `LINEDB_BROWSE_OPEN_DELAY_MS=n`: the open starts n ms late (the end-to-end test of the
        // loading screen on a database that would otherwise open too fast to see it).
        if let value = getenv("LINEDB_BROWSE_OPEN_DELAY_MS"), let ms = UInt32(String(cString: value)) { delay = ms }
        #endif
        let thread = Thread { [self, delay, options] in
            if delay > 0 { usleep(delay * 1000) }
            let opened = Result { () throws -> Database in try Database(path: path, options: options) }
            lock.lock()
            result = opened
            lock.unlock()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }

    private let progressBox: ProgressBox

    /// How far the open has read the records files (the latest report).
    var progress: LoadProgress? { progressBox.get() }

    /// The outcome of the open, if it has finished.
    var outcome: Result<Database, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return result
    }

    /// The outcome, waiting at most `milliseconds` for it.
    func wait(milliseconds: Int) -> Result<Database, any Error>? {
        var waited = 0
        while true {
            if let outcome { return outcome }
            if waited >= milliseconds { return nil }
            usleep(2_000)
            waited += 2
        }
    }

    /// The outcome, once the open has finished.
    func waitForever() -> Result<Database, any Error> {
        while true {
            if let outcome { return outcome }
            usleep(5_000)
        }
    }
}

extension Browse {
    /// The loading screen of `linedb browse`: drawn from ``LoadingPreview`` while the database opens.
    enum Loading {
        enum Outcome {
            case opened(Database)
            case failed(any Error)
            case quit
        }

        /// Draws the loading screen and polls, every 20 ms (4 ms once 90% is read), for the open to finish, for its
        /// progress (shown in the status line) and for keys, as `keyMap` binds them: quit (q) and Ctrl-C quit; moves
        /// (j k arrows PgUp PgDn g G Home End) move in the preview at once (`G` reads the file's true last records
        /// from its end) and are kept in `moves`, to be replayed into the browser when it starts so that it shows
        /// the same place; other keys are ignored. A resize redraws at the new size.
        static func show(
            _ opening: BackgroundOpen, path: String, on terminal: Terminal, keyMap: KeyMap, moves: inout [Key]
        ) -> Outcome {
            var size = terminal.size
            var preview = LoadingPreview.read(
                databasePath: path, rows: max(LoadingScreen.recordRows(terminalRows: size.rows), 60))
            if let done = opening.outcome { return outcome(done) }
            preview.progress = opening.progress
            terminal.draw(LoadingScreen.render(preview, rows: size.rows, columns: size.columns))
            while true {
                if let done = opening.outcome { return outcome(done) }
                var changed = false
                // Near the end of the read, look for the outcome more often: the browser comes up a few ms sooner.
                let nearlyRead = (preview.progress?.fraction ?? 0) >= 0.9
                if let key = terminal.nextKey(timeoutMilliseconds: nearlyRead ? 4 : 20) {
                    if key == .control("c") || keyMap[key] == .quit { return .quit }
                    let page = max(1, LoadingScreen.recordRows(terminalRows: size.rows) - 1)
                    if preview.navigate(key, page: page, keyMap: keyMap) {
                        moves.append(key)
                        changed = true
                    }
                }
                let progress = opening.progress
                if progress.map({ Int($0.fraction * 100) }) != preview.progress.map({ Int($0.fraction * 100) })
                    || progress?.table != preview.progress?.table
                {
                    preview.progress = progress
                    changed = true
                }
                if terminal.size != size {
                    size = terminal.size
                    changed = true
                }
                if changed { terminal.draw(LoadingScreen.render(preview, rows: size.rows, columns: size.columns)) }
            }
        }

        private static func outcome(_ result: Result<Database, any Error>) -> Outcome {
            switch result {
            case .success(let db): .opened(db)
            case .failure(let error): .failed(error)
            }
        }
    }
}

/// The latest ``LoadProgress`` an open reported (written by the opening thread, read by the drawing one).
private final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: LoadProgress?
    func set(_ progress: LoadProgress) {
        lock.lock()
        value = progress
        lock.unlock()
    }
    func get() -> LoadProgress? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

/// A terminal whose first keys are given (the moves made on the loading screen), then the real terminal's.
final class ReplayTerminal: Terminal {
    let base: Terminal
    private var queued: [Key]
    init(_ base: Terminal, keys: [Key]) {
        self.base = base
        queued = keys
    }
    var size: (rows: Int, columns: Int) { base.size }
    func draw(_ grid: ScreenGrid) { base.draw(grid) }
    func nextKey(timeoutMilliseconds: Int) -> Key? {
        if !queued.isEmpty { return queued.removeFirst() }
        return base.nextKey(timeoutMilliseconds: timeoutMilliseconds)
    }
    func suspend<T>(_ body: () throws -> T) rethrows -> T { try base.suspend(body) }
    func pendingTermination() -> Int32? { base.pendingTermination() }
    func copyToClipboard(_ text: String) { base.copyToClipboard(text) }
}
