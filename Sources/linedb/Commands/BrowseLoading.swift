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

    init(path: String, options: DatabaseOptions) {
        var delay: UInt32 = 0
        #if DEBUG
        // Debug builds, `LINEDB_BROWSE_OPEN_DELAY_MS=n`: the open starts n ms late (the end-to-end test of the
        // loading screen on a database that would otherwise open too fast to see it).
        if let value = getenv("LINEDB_BROWSE_OPEN_DELAY_MS"), let ms = UInt32(String(cString: value)) { delay = ms }
        #endif
        let thread = Thread { [self, delay] in
            if delay > 0 { usleep(delay * 1000) }
            let opened = Result { () throws -> Database in try Database(path: path, options: options) }
            lock.lock()
            result = opened
            lock.unlock()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }

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

        /// Draws the loading screen and polls, every 50 ms, for the open to finish and for q/Ctrl-C (which quit);
        /// other keys are ignored. A resize redraws at the new size.
        static func show(_ opening: BackgroundOpen, path: String, on terminal: Terminal) -> Outcome {
            var size = terminal.size
            let preview = LoadingPreview.read(
                databasePath: path, rows: max(LoadingScreen.recordRows(terminalRows: size.rows), 60))
            if let done = opening.outcome { return outcome(done) }
            terminal.draw(LoadingScreen.render(preview, rows: size.rows, columns: size.columns))
            while true {
                if let done = opening.outcome { return outcome(done) }
                switch terminal.nextKey(timeoutMilliseconds: 50) {
                case .character("q"), .control("c"): return .quit
                default: break
                }
                if terminal.size != size {
                    size = terminal.size
                    terminal.draw(LoadingScreen.render(preview, rows: size.rows, columns: size.columns))
                }
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
