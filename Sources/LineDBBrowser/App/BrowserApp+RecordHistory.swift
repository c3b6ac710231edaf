import Foundation
import LineDB
import Synchronization

/// The history view (`r`): reading a record's history off the main loop.
extension BrowserApp {
    /// Starts reading the history of record `key` of `table` on a thread of its own (``HistoryRead``); the view
    /// opens when it is over.
    func readRecordHistory(table: String, key: JSONValue, on state: inout BrowserState) {
        state.startRecordHistory(HistoryRead.start(database: database, table: table, key: key))
    }
}

/// One record's history read on its own thread (``Database/history(of:key:limit:)`` takes the engine's lock for an
/// instant, then reads the archives and the live WAL, which may take long). Cancelling drops the result: the
/// thread ends by itself once its read is over, and changes nothing.
public final class HistoryRead: RunningHistory, @unchecked Sendable {
    public let table: String
    public let key: JSONValue
    private let condition = NSCondition()
    /// Set once, by the read's thread, under `condition`.
    private var outcome: Result<[RecordVersion], HistoryReadFailure>?
    private let cancelled = Atomic<Bool>(false)

    private init(table: String, key: JSONValue) {
        self.table = table
        self.key = key
    }

    /// Starts `read` at once on a thread of its own.
    static func start(
        table: String, key: JSONValue, read: @escaping @Sendable () throws -> [RecordVersion]
    ) -> HistoryRead {
        let run = HistoryRead(table: table, key: key)
        let thread = Thread { [run] in
            let result: Result<[RecordVersion], HistoryReadFailure>
            do {
                result = .success(try read())
            } catch {
                result = .failure(HistoryReadFailure("\(error)"))
            }
            run.condition.lock()
            run.outcome = result
            run.condition.broadcast()
            run.condition.unlock()
        }
        thread.stackSize = 8 << 20  // as the main thread's: deeply nested values are parsed by recursion
        thread.start()
        return run
    }

    /// The read of `key`'s history in `table` of `database` (the newest ``BrowserState/historyLimit`` versions).
    public static func start(database: Database, table: String, key: JSONValue) -> HistoryRead {
        start(table: table, key: key) {
            try database.history(of: table, key: key, limit: BrowserState.historyLimit)
        }
    }

    public var result: Result<[RecordVersion], HistoryReadFailure>? {
        if cancelled.load(ordering: .relaxed) { return nil }
        condition.lock()
        defer { condition.unlock() }
        return outcome
    }

    public func wait(until deadline: ContinuousClock.Instant) {
        let left = (deadline - .now).components
        let limit = Date(timeIntervalSinceNow: max(0, Double(left.seconds) + Double(left.attoseconds) / 1e18))
        condition.lock()
        while outcome == nil && !cancelled.load(ordering: .relaxed) && condition.wait(until: limit) {}
        condition.unlock()
    }

    public func cancel() { cancelled.store(true, ordering: .relaxed) }
}
