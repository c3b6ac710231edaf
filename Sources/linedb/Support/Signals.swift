#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The signal that asked a long-running command (`wal --follow`) to stop, or 0. Atomic: written by the signal
/// handler, read by the command's loop (a lock-free atomic store is async-signal-safe).
private let receivedStopSignal = Atomic<Int32>(0)

/// SIGINT and SIGTERM end `wal --follow` cleanly (exit 0, output flushed).
enum Signals {
    /// Installs the handlers and unblocks both signals: a process inherits its parent's signal mask, and a parent
    /// that starts us from a thread that blocks them (a test runner's worker thread does) would make us unkillable
    /// by SIGTERM.
    static func installStopHandlers() {
        signal(SIGINT) { receivedStopSignal.store($0, ordering: .relaxed) }
        signal(SIGTERM) { receivedStopSignal.store($0, ordering: .relaxed) }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    static var stopRequested: Bool { receivedStopSignal.load(ordering: .relaxed) != 0 }
}
